/* trees: C twin of bench/trees.lox */
#include <stdio.h>
#include <stdlib.h>

typedef struct Tree {
  long depth, flag;
  struct Tree *a, *b, *c;
} Tree;

static Tree *newTree(long depth) {
  Tree *t = malloc(sizeof *t);
  t->depth = depth;
  t->flag = depth % 2;
  t->a = t->b = t->c = NULL;
  if (depth > 0) {
    t->a = newTree(depth - 1);
    t->b = newTree(depth - 1);
    t->c = newTree(depth - 1);
  }
  return t;
}

static long walk(const Tree *t) {
  if (t->depth == 0) return 1 + t->flag;
  return t->depth + t->flag + walk(t->a) + walk(t->b) + walk(t->c);
}

static void flip(Tree *t) {
  t->flag = 1 - t->flag;
  if (t->depth > 0) {
    flip(t->a);
    flip(t->b);
    flip(t->c);
  }
}

static void freeTree(Tree *t) {
  if (t->depth > 0) {
    freeTree(t->a);
    freeTree(t->b);
    freeTree(t->c);
  }
  free(t);
}

int main(void) {
  Tree *tree = newTree(10);
  long total = 0;
  for (int i = 0; i < 80; i = i + 1) {
    total = total + walk(tree);
    if (i % 4 == 0) flip(tree);
  }
  printf("%ld\n", total);
  freeTree(tree);
  return 0;
}
