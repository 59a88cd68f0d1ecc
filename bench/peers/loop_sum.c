/* loop_sum: C twin of bench/loop_sum.lox */
#include <stdio.h>

static long long sumTo(long long n) {
  long long sum = 0;
  for (long long i = 0; i < n; i = i + 1) {
    sum = sum + i;
  }
  return sum;
}

int main(void) {
  long long total = 0;
  for (int round = 0; round < 3600; round = round + 1) {
    total = total + sumTo(60000 + round % 3);
  }
  printf("%lld\n", total);
  return 0;
}
