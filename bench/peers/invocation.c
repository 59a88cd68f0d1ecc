/* invocation: C twin of bench/invocation.lox. The functions are marked
   noinline so that the calls happen. */
#include <stdio.h>

#define NOINLINE __attribute__((noinline))

NOINLINE static long zero(void) { return 1; }
NOINLINE static long one(long a) { return a; }
NOINLINE static long two(long a, long b) { return a + b; }
NOINLINE static long three(long a, long b, long c) { return a + b - c; }
NOINLINE static long four(long a, long b, long c, long d) { return a - b + c - d; }

static long run(long n) {
  long total = 0;
  for (long i = 0; i < n; i = i + 1) {
    long k = i % 10;
    total = total + zero() + one(k) + two(k, 1) + three(k, 2, 1) + four(k, 1, k, 1);
  }
  return total;
}

int main(void) {
  printf("%ld\n", run(7500000));
  return 0;
}
