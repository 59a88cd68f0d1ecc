/* sieve: C twin of bench/sieve.lox (the list is a growable bool array) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static long countPrimes(long n) {
  long len = 0, cap = 8;
  bool *flags = malloc(cap * sizeof *flags);
  for (long i = 0; i <= n; i = i + 1) {
    if (len == cap) {
      cap *= 2;
      flags = realloc(flags, cap * sizeof *flags);
    }
    flags[len++] = true;
  }
  flags[0] = false;
  flags[1] = false;

  long p = 2;
  while (p * p <= n) {
    if (flags[p]) {
      for (long j = p * p; j <= n; j = j + p) {
        flags[j] = false;
      }
    }
    p = p + 1;
  }

  long count = 0;
  for (long k = 0; k <= n; k = k + 1) {
    if (flags[k]) count = count + 1;
  }
  free(flags);
  return count;
}

int main(void) {
  long total = 0;
  for (long round = 0; round < 18; round = round + 1) {
    total = total + countPrimes(1000000 - round * 1000);
  }
  printf("%ld\n", total);
  return 0;
}
