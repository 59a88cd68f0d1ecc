/* properties: C twin of bench/properties.lox */
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  long a, b, c, d, e, f, g, h;
} Record;

static long getA(const Record *r) { return r->a; }
static long getB(const Record *r) { return r->b; }
static long getC(const Record *r) { return r->c; }
static long getD(const Record *r) { return r->d; }

static long sum(const Record *r) {
  return r->a + r->b + r->c + r->d + r->e + r->f + r->g + r->h;
}

static void rotate(Record *r) {
  long first = r->a;
  r->a = r->b;
  r->b = r->c;
  r->c = r->d;
  r->d = r->e;
  r->e = r->f;
  r->f = r->g;
  r->g = r->h;
  r->h = (first * 7 + r->c + 1) % 101;
}

static long run(long n) {
  Record *r = malloc(sizeof *r);
  *r = (Record){1, 2, 3, 4, 5, 6, 7, 8};
  long total = 0;
  for (long i = 0; i < n; i = i + 1) {
    rotate(r);
    total = total + sum(r) + getA(r) - getB(r) + getC(r) - getD(r) + r->e - r->f;
  }
  free(r);
  return total;
}

int main(void) {
  printf("%ld\n", run(2000000));
  return 0;
}
