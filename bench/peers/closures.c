/* closures: C twin of bench/closures.lox. A closure is a function pointer
   plus a heap-allocated environment holding its captured variables. */
#include <stdio.h>
#include <stdlib.h>

typedef struct Closure Closure;
struct Closure {
  long (*fn)(Closure *self, long x);
  long n;          /* captured number (adder, counter) */
  Closure *f, *g;  /* captured closures (compose) */
};

static long call(Closure *c, long x) { return c->fn(c, x); }

static long incrementFn(Closure *self, long by) {
  self->n = self->n + by;
  return self->n;
}

static Closure *makeCounter(void) {
  Closure *c = malloc(sizeof *c);
  *c = (Closure){incrementFn, 0, NULL, NULL};
  return c;
}

static long addFn(Closure *self, long x) { return x + self->n; }

static Closure *makeAdder(long n) {
  Closure *c = malloc(sizeof *c);
  *c = (Closure){addFn, n, NULL, NULL};
  return c;
}

static long bothFn(Closure *self, long x) { return call(self->f, call(self->g, x)); }

static Closure *compose(Closure *f, Closure *g) {
  Closure *c = malloc(sizeof *c);
  *c = (Closure){bothFn, 0, f, g};
  return c;
}

static void callClosures(long n) {
  Closure *counter = makeCounter();
  Closure *adders[8];
  for (long i = 0; i < 8; i = i + 1) {
    adders[i] = makeAdder(i);
  }
  Closure *addNine = compose(adders[4], adders[5]);
  long acc = 0;
  for (long i = 0; i < n; i = i + 1) {
    Closure *add = adders[i % 8];
    acc = (call(add, acc) + call(addNine, i % 100)) % 1000003;
    call(counter, i % 3);
  }
  printf("%ld\n", acc);
  printf("%ld\n", call(counter, 0));
  for (int i = 0; i < 8; i++) free(adders[i]);
  free(addNine);
  free(counter);
}

static long getFn(Closure *self, long unused) {
  (void)unused;
  return self->n % 1000;
}

static void makeClosures(long n) {
  long sum = 0;
  for (long i = 0; i < n; i = i + 1) {
    Closure *get = malloc(sizeof *get);
    *get = (Closure){getFn, i, NULL, NULL};
    Closure *add = makeAdder(i % 7);
    sum = sum + call(add, call(get, 0));
    free(add);
    free(get);
  }
  printf("%ld\n", sum);
}

int main(void) {
  callClosures(5000000);
  makeClosures(2000000);
  return 0;
}
