/* instantiation: C twin of bench/instantiation.lox (every object is a
   separate heap allocation, as in Lox) */
#include <stdio.h>
#include <stdlib.h>

typedef struct { long tag; } Empty;
typedef struct { long x, y; } Point;
typedef struct { long x, y, z; } Vec3;

static Vec3 *newVec3(long x, long y, long z) {
  Vec3 *v = malloc(sizeof *v);
  v->x = x;
  v->y = y;
  v->z = z;
  return v;
}

static Vec3 *vec3Plus(const Vec3 *self, const Vec3 *other) {
  return newVec3(self->x + other->x, self->y + other->y, self->z + other->z);
}

static long run(long n) {
  long sum = 0;
  for (long i = 0; i < n; i = i + 1) {
    Empty *e = malloc(sizeof *e);
    e->tag = i % 4;
    Point *p = malloc(sizeof *p);
    p->x = i % 10;
    p->y = 2;
    Vec3 *a = newVec3(1, 2, 3);
    Vec3 *b = newVec3(p->x, p->y, e->tag);
    Vec3 *v = vec3Plus(a, b);
    sum = sum + v->x + v->y + v->z;
    free(e); free(p); free(a); free(b); free(v);
  }
  return sum;
}

int main(void) {
  printf("%ld\n", run(800000));
  return 0;
}
