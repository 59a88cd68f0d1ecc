/* nbody: C twin of bench/nbody.lox */
#include <math.h>
#include <stdio.h>

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define N 5

typedef struct {
  double x, y, z, vx, vy, vz, mass;
} Body;

static Body makeBody(double x, double y, double z, double vx, double vy, double vz,
                     double mass) {
  Body b = {x, y, z, vx * DAYS_PER_YEAR, vy * DAYS_PER_YEAR, vz * DAYS_PER_YEAR,
            mass * SOLAR_MASS};
  return b;
}

static void makeSystem(Body *bodies) {
  bodies[0] = makeBody(0, 0, 0, 0, 0, 0, 1);
  bodies[1] = makeBody(
      4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
      9.54791938424326609e-04);
  bodies[2] = makeBody(
      8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
      2.85885980666130812e-04);
  bodies[3] = makeBody(
      1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
      4.36624404335156298e-05);
  bodies[4] = makeBody(
      1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
      5.15138902046611451e-05);

  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < N; i++) {
    Body *b = &bodies[i];
    px = px + b->vx * b->mass;
    py = py + b->vy * b->mass;
    pz = pz + b->vz * b->mass;
  }
  bodies[0].vx = -px / SOLAR_MASS;
  bodies[0].vy = -py / SOLAR_MASS;
  bodies[0].vz = -pz / SOLAR_MASS;
}

static double energy(const Body *bodies) {
  double e = 0;
  for (int i = 0; i < N; i = i + 1) {
    const Body *bi = &bodies[i];
    e = e + 0.5 * bi->mass * (bi->vx * bi->vx + bi->vy * bi->vy + bi->vz * bi->vz);
    for (int j = i + 1; j < N; j = j + 1) {
      const Body *bj = &bodies[j];
      double dx = bi->x - bj->x;
      double dy = bi->y - bj->y;
      double dz = bi->z - bj->z;
      e = e - bi->mass * bj->mass / sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static void advance(Body *bodies, double dt) {
  for (int i = 0; i < N; i = i + 1) {
    Body *bi = &bodies[i];
    for (int j = i + 1; j < N; j = j + 1) {
      Body *bj = &bodies[j];
      double dx = bi->x - bj->x;
      double dy = bi->y - bj->y;
      double dz = bi->z - bj->z;
      double d2 = dx * dx + dy * dy + dz * dz;
      double mag = dt / (d2 * sqrt(d2));
      double bjm = bj->mass * mag;
      bi->vx = bi->vx - dx * bjm;
      bi->vy = bi->vy - dy * bjm;
      bi->vz = bi->vz - dz * bjm;
      double bim = bi->mass * mag;
      bj->vx = bj->vx + dx * bim;
      bj->vy = bj->vy + dy * bim;
      bj->vz = bj->vz + dz * bim;
    }
  }
  for (int i = 0; i < N; i = i + 1) {
    Body *b = &bodies[i];
    b->x = b->x + dt * b->vx;
    b->y = b->y + dt * b->vy;
    b->z = b->z + dt * b->vz;
  }
}

int main(void) {
  Body bodies[N];
  makeSystem(bodies);
  printf("%.0f\n", floor(energy(bodies) * 1e9));
  for (int step = 0; step < 250000; step = step + 1) {
    advance(bodies, 0.01);
  }
  printf("%.0f\n", floor(energy(bodies) * 1e9));
  return 0;
}
