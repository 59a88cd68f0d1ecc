/* equality: C twin of bench/equality.lox, with Lox values as tagged unions */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef enum { NIL, BOOL, NUMBER, STRING, INSTANCE } Type;
typedef struct {
  Type type;
  union {
    bool boolean;
    double number;
    const char *string;
    const void *instance;
  } as;
} Value;

static bool valuesEqual(Value a, Value b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case NIL: return true;
    case BOOL: return a.as.boolean == b.as.boolean;
    case NUMBER: return a.as.number == b.as.number;
    case STRING: return strcmp(a.as.string, b.as.string) == 0;
    case INSTANCE: return a.as.instance == b.as.instance;
  }
  return false;
}

static long numberEquality(long n) {
  long count = 0;
  for (long i = 0; i < n; i = i + 1) {
    if (i % 7 == i % 5) count = count + 1;
    if (i % 3 != 0) count = count + 1;
    if (i == n) count = count + 1000;
  }
  return count;
}

#define NUM(x) ((Value){NUMBER, {.number = (x)}})
#define STR(x) ((Value){STRING, {.string = (x)}})
#define BOOLV(x) ((Value){BOOL, {.boolean = (x)}})
#define INST(x) ((Value){INSTANCE, {.instance = (x)}})
#define NILV ((Value){NIL, {.boolean = false}})

static void mixedEquality(long rounds) {
  static int thingA, thingB;
  char ab[3] = {'a', 'b', '\0'};
  Value values[] = {NUM(3), NUM(7), NUM(2.5), STR("a"), STR("b"), STR(ab), NILV,
                    BOOLV(true), BOOLV(false), INST(&thingA), INST(&thingB)};
  Value probes[] = {NUM(7), STR("ab"), NILV, BOOLV(false), INST(&thingB), NUM(2.5)};
  int nValues = sizeof values / sizeof values[0];
  int nProbes = sizeof probes / sizeof probes[0];
  long equal = 0;
  long unequal = 0;
  for (long r = 0; r < rounds; r = r + 1) {
    for (int i = 0; i < nValues; i++) {
      for (int j = 0; j < nProbes; j++) {
        if (valuesEqual(values[i], probes[j])) equal = equal + 1;
        if (!valuesEqual(values[i], probes[j])) unequal = unequal + 1;
      }
    }
  }
  printf("%ld\n%ld\n", equal, unequal);
}

int main(void) {
  printf("%ld\n", numberEquality(20000000));
  mixedEquality(260000);
  return 0;
}
