/* branchy: C twin of bench/branchy.lox */
#include <stdio.h>

static long collatzSteps(long n) {
  long steps = 0;
  while (n != 1) {
    if (n % 2 == 0) {
      n = n / 2;
    } else {
      n = 3 * n + 1;
    }
    steps = steps + 1;
  }
  return steps;
}

static void survey(long limit, long rounds) {
  long total = 0;
  long best = 0;
  long bestStart = 1;
  for (long round = 0; round < rounds; round = round + 1) {
    for (long start = 1; start < limit; start = start + 1) {
      long steps = collatzSteps(start);
      total = total + steps;
      if (steps > best) {
        best = steps;
        bestStart = start;
      }
    }
  }
  printf("%ld\n%ld\n%ld\n", total, bestStart, best);
}

int main(void) {
  survey(100000, 3);
  return 0;
}
