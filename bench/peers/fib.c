/* fib: C twin of bench/fib.lox */
#include <stdio.h>

static long fib(long n) {
  if (n < 2) return n;
  return fib(n - 2) + fib(n - 1);
}

int main(void) {
  printf("%ld\n", fib(36));
  return 0;
}
