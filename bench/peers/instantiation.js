// instantiation: JavaScript twin of bench/instantiation.lox
class Empty {}

class Point {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
}

class Vec3 {
  constructor(x, y, z) {
    this.x = x;
    this.y = y;
    this.z = z;
  }

  plus(other) {
    return new Vec3(this.x + other.x, this.y + other.y, this.z + other.z);
  }
}

function run(n) {
  let sum = 0;
  for (let i = 0; i < n; i = i + 1) {
    const e = new Empty();
    e.tag = i % 4;
    const p = new Point(i % 10, 2);
    const v = new Vec3(1, 2, 3).plus(new Vec3(p.x, p.y, e.tag));
    sum = sum + v.x + v.y + v.z;
  }
  return sum;
}

console.log(run(800000));
