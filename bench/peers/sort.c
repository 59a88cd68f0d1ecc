/* sort: C twin of bench/sort.lox (qsort; the orders are total, so
   stability does not matter) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long *randomList(long n, long seed) {
  long *xs = malloc(n * sizeof *xs);
  for (long i = 0; i < n; i = i + 1) {
    seed = (seed * 214013 + 2531011) % 2147483648L;
    xs[i] = seed % 1000000;
  }
  return xs;
}

static int ascending(const void *pa, const void *pb) {
  long a = *(const long *)pa, b = *(const long *)pb;
  return (a > b) - (a < b);
}

static long byLastDigits(long a, long b) {
  long d = a % 1000 - b % 1000;
  if (d != 0) return d;
  return a - b;
}

static int byLastDigitsCmp(const void *pa, const void *pb) {
  long d = byLastDigits(*(const long *)pa, *(const long *)pb);
  return (d > 0) - (d < 0);
}

static long checksum(const long *xs, long n) {
  long acc = 0;
  for (long i = 0; i < n; i = i + 1) {
    acc = (acc + xs[i] * (i % 1000 + 1)) % 1000000007;
  }
  return acc;
}

int main(void) {
  long n = 450000;
  long *xs = randomList(n, 12345);
  long *ys = malloc(n * sizeof *ys);
  memcpy(ys, xs, n * sizeof *xs);
  qsort(xs, n, sizeof *xs, ascending);
  printf("%ld\n", checksum(xs, n));
  qsort(ys, n, sizeof *ys, byLastDigitsCmp);
  printf("%ld\n", checksum(ys, n));
  printf("%ld %ld %ld %ld\n", xs[0], xs[n - 1], ys[0], ys[n - 1]);
  free(xs);
  free(ys);
  return 0;
}
