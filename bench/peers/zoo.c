/* zoo: C twin of bench/zoo.lox (classes as vtables; a subclass's vtable
   names the inherited functions) */
#include <stdio.h>
#include <stdlib.h>

typedef struct Animal Animal;
typedef struct {
  long (*legCount)(Animal *self);
  long (*weight)(Animal *self);
  long (*sound)(Animal *self);
  void (*feed)(Animal *self, long amount);
} AnimalClass;

struct Animal {
  const AnimalClass *klass;
  long legs;
  long meals;
};

static long animalLegCount(Animal *self) { return self->legs; }
static long animalWeight(Animal *self) { (void)self; return 1; }
static long animalSound(Animal *self) { (void)self; return 0; }
static void animalFeed(Animal *self, long amount) { self->meals = self->meals + amount; }

static long dogWeight(Animal *self) { (void)self; return 30; }
static long dogSound(Animal *self) { (void)self; return 3; }
static long catWeight(Animal *self) { (void)self; return 4; }
static long catSound(Animal *self) { (void)self; return 2; }
static long birdSound(Animal *self) { (void)self; return 5; }
static long fishWeight(Animal *self) { (void)self; return 2; }
static long puppyWeight(Animal *self) { (void)self; return 8; }
static void puppyFeed(Animal *self, long amount) { animalFeed(self, amount * 2); }

static const AnimalClass DOG = {animalLegCount, dogWeight, dogSound, animalFeed};
static const AnimalClass CAT = {animalLegCount, catWeight, catSound, animalFeed};
static const AnimalClass BIRD = {animalLegCount, animalWeight, birdSound, animalFeed};
static const AnimalClass FISH = {animalLegCount, fishWeight, animalSound, animalFeed};
static const AnimalClass PUPPY = {animalLegCount, puppyWeight, dogSound, puppyFeed};

static Animal *newAnimal(const AnimalClass *klass, long legs) {
  Animal *a = malloc(sizeof *a);
  a->klass = klass;
  a->legs = legs;
  a->meals = 0;
  return a;
}

static Animal **makeZoo(long n) {
  Animal **zoo = malloc(n * sizeof *zoo);
  long seed = 7;
  for (long i = 0; i < n; i = i + 1) {
    seed = (seed * 214013 + 2531011) % 2147483648L;
    long kind = (seed / 65536) % 5;
    if (kind == 0) zoo[i] = newAnimal(&DOG, 4);
    else if (kind == 1) zoo[i] = newAnimal(&CAT, 4);
    else if (kind == 2) zoo[i] = newAnimal(&BIRD, 2);
    else if (kind == 3) zoo[i] = newAnimal(&FISH, 0);
    else zoo[i] = newAnimal(&PUPPY, 4);
  }
  return zoo;
}

static long visit(Animal **zoo, long n, long rounds) {
  long total = 0;
  for (long r = 0; r < rounds; r = r + 1) {
    for (long i = 0; i < n; i++) {
      Animal *animal = zoo[i];
      total = total + animal->klass->legCount(animal) + animal->klass->weight(animal) * 2 +
              animal->klass->sound(animal);
      animal->klass->feed(animal, r % 3);
    }
  }
  return total;
}

int main(void) {
  long n = 1000;
  Animal **zoo = makeZoo(n);
  printf("%ld\n", visit(zoo, n, 5000));
  long meals = 0;
  for (long i = 0; i < n; i++) meals = meals + zoo[i]->meals;
  printf("%ld\n", meals);
  for (long i = 0; i < n; i++) free(zoo[i]);
  free(zoo);
  return 0;
}
