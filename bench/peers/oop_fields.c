/* oop_fields: C twin of bench/oop_fields.lox */
#include <stdio.h>
#include <stdlib.h>

#define WIDTH 1000
#define HEIGHT 700

typedef struct {
  long x, y, vx, vy, bounces;
} Particle;

static long seed = 42;
static long nextRandom(void) {
  seed = (seed * 214013 + 2531011) % 2147483648L;
  return seed / 65536;
}

static long randomVelocity(void) {
  long v = nextRandom() % 7 + 1;
  if (nextRandom() % 2 == 0) v = -v;
  return v;
}

static void simulate(Particle *particles, long count, long steps, long width, long height) {
  for (long step = 0; step < steps; step = step + 1) {
    for (long i = 0; i < count; i++) {
      Particle *p = &particles[i];
      p->x = p->x + p->vx;
      if (p->x < 0) {
        p->x = -p->x;
        p->vx = -p->vx;
        p->bounces = p->bounces + 1;
      } else if (p->x >= width) {
        p->x = 2 * width - 2 - p->x;
        p->vx = -p->vx;
        p->bounces = p->bounces + 1;
      }
      p->y = p->y + p->vy;
      if (p->y < 0) {
        p->y = -p->y;
        p->vy = -p->vy;
        p->bounces = p->bounces + 1;
      } else if (p->y >= height) {
        p->y = 2 * height - 2 - p->y;
        p->vy = -p->vy;
        p->bounces = p->bounces + 1;
      }
    }
  }
}

int main(void) {
  long count = 1000;
  Particle *particles = malloc(count * sizeof *particles);
  for (long i = 0; i < count; i = i + 1) {
    long x = nextRandom() % WIDTH;
    long y = nextRandom() % HEIGHT;
    long vx = randomVelocity();
    long vy = randomVelocity();
    particles[i] = (Particle){x, y, vx, vy, 0};
  }

  simulate(particles, count, 8000, WIDTH, HEIGHT);

  long positions = 0;
  long bounces = 0;
  for (long i = 0; i < count; i++) {
    Particle *p = &particles[i];
    positions = positions + p->x * 3 + p->y * 7 + p->vx + p->vy;
    bounces = bounces + p->bounces;
  }
  printf("%ld\n%ld\n", positions, bounces);
  free(particles);
  return 0;
}
