// oop_fields: JavaScript twin of bench/oop_fields.lox
const WIDTH = 1000;
const HEIGHT = 700;

class Particle {
  constructor(x, y, vx, vy) {
    this.x = x;
    this.y = y;
    this.vx = vx;
    this.vy = vy;
    this.bounces = 0;
  }
}

let seed = 42;
function nextRandom() {
  seed = (seed * 214013 + 2531011) % 2147483648;
  return Math.floor(seed / 65536);
}

function randomVelocity() {
  let v = nextRandom() % 7 + 1;
  if (nextRandom() % 2 === 0) v = -v;
  return v;
}

function simulate(particles, steps, width, height) {
  for (let step = 0; step < steps; step = step + 1) {
    for (const p of particles) {
      p.x = p.x + p.vx;
      if (p.x < 0) {
        p.x = -p.x;
        p.vx = -p.vx;
        p.bounces = p.bounces + 1;
      } else if (p.x >= width) {
        p.x = 2 * width - 2 - p.x;
        p.vx = -p.vx;
        p.bounces = p.bounces + 1;
      }
      p.y = p.y + p.vy;
      if (p.y < 0) {
        p.y = -p.y;
        p.vy = -p.vy;
        p.bounces = p.bounces + 1;
      } else if (p.y >= height) {
        p.y = 2 * height - 2 - p.y;
        p.vy = -p.vy;
        p.bounces = p.bounces + 1;
      }
    }
  }
}

const particles = [];
for (let i = 0; i < 1000; i = i + 1) {
  const x = nextRandom() % WIDTH;
  const y = nextRandom() % HEIGHT;
  particles.push(new Particle(x, y, randomVelocity(), randomVelocity()));
}

simulate(particles, 8000, WIDTH, HEIGHT);

let positions = 0;
let bounces = 0;
for (const p of particles) {
  positions = positions + p.x * 3 + p.y * 7 + p.vx + p.vy;
  bounces = bounces + p.bounces;
}
console.log(positions);
console.log(bounces);
