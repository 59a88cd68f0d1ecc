/* method_calls: C twin of bench/method_calls.lox (methods through a vtable) */
#include <stdbool.h>
#include <stdio.h>

typedef struct Toggle Toggle;
typedef struct {
  Toggle *(*activate)(Toggle *self);
  bool (*value)(Toggle *self);
} ToggleClass;

struct Toggle {
  const ToggleClass *klass;
  bool state;
  long countMax;
  long count;
};

static bool toggleValue(Toggle *self) { return self->state; }

static Toggle *toggleActivate(Toggle *self) {
  self->state = !self->state;
  return self;
}

static Toggle *nthToggleActivate(Toggle *self) {
  self->count = self->count + 1;
  if (self->count >= self->countMax) {
    toggleActivate(self);
    self->count = 0;
  }
  return self;
}

static const ToggleClass TOGGLE = {toggleActivate, toggleValue};
static const ToggleClass NTH_TOGGLE = {nthToggleActivate, toggleValue};

static long countTrue(Toggle *toggle, long n) {
  long trues = 0;
  for (long i = 0; i < n; i = i + 1) {
    Toggle *t = toggle->klass->activate(toggle);
    if (t->klass->value(t)) trues = trues + 1;
  }
  return trues;
}

int main(void) {
  Toggle toggle = {&TOGGLE, true, 0, 0};
  Toggle nth = {&NTH_TOGGLE, true, 3, 0};
  printf("%ld\n", countTrue(&toggle, 5000001));
  printf("%ld\n", countTrue(&nth, 5000001));
  return 0;
}
