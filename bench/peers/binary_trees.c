/* binary_trees: C twin of bench/binary_trees.lox */
#include <stdio.h>
#include <stdlib.h>

typedef struct Node {
  struct Node *left, *right;
} Node;

static Node *newNode(Node *left, Node *right) {
  Node *n = malloc(sizeof *n);
  n->left = left;
  n->right = right;
  return n;
}

static long check(const Node *node) {
  if (node->left == NULL) return 1;
  return 1 + check(node->left) + check(node->right);
}

static void freeTree(Node *node) {
  if (node->left != NULL) {
    freeTree(node->left);
    freeTree(node->right);
  }
  free(node);
}

static Node *bottomUp(int depth) {
  if (depth == 0) return newNode(NULL, NULL);
  Node *left = bottomUp(depth - 1);
  Node *right = bottomUp(depth - 1);
  return newNode(left, right);
}

int main(void) {
  int minDepth = 4;
  int maxDepth = 14;

  int stretchDepth = maxDepth + 1;
  Node *stretch = bottomUp(stretchDepth);
  printf("stretch tree of depth %d check: %ld\n", stretchDepth, check(stretch));
  freeTree(stretch);

  Node *longLived = bottomUp(maxDepth);

  for (int depth = minDepth; depth <= maxDepth; depth = depth + 2) {
    long iterations = 1;
    for (int i = 0; i < maxDepth - depth + minDepth; i = i + 1) {
      iterations = iterations * 2;
    }
    long sum = 0;
    for (long i = 0; i < iterations; i = i + 1) {
      Node *t = bottomUp(depth);
      sum = sum + check(t);
      freeTree(t);
    }
    printf("%ld trees of depth %d check: %ld\n", iterations, depth, sum);
  }

  printf("long lived tree of depth %d check: %ld\n", maxDepth, check(longLived));
  freeTree(longLived);
  return 0;
}
