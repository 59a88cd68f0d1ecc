/* nested_loops: C twin of bench/nested_loops.lox */
#include <stdio.h>

static long long grid(long long n) {
  long long sum = 0;
  for (long long i = 0; i < n; i = i + 1) {
    for (long long j = 0; j < n; j = j + 1) {
      for (long long k = j; k < n; k = k + 1) {
        sum = sum + (i * j + k) % 7;
      }
    }
  }
  return sum;
}

int main(void) {
  printf("%lld\n", grid(480));
  return 0;
}
