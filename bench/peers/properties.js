// properties: JavaScript twin of bench/properties.lox
class Record {
  constructor() {
    this.a = 1;
    this.b = 2;
    this.c = 3;
    this.d = 4;
    this.e = 5;
    this.f = 6;
    this.g = 7;
    this.h = 8;
  }

  getA() { return this.a; }
  getB() { return this.b; }
  getC() { return this.c; }
  getD() { return this.d; }

  sum() {
    return this.a + this.b + this.c + this.d + this.e + this.f + this.g + this.h;
  }

  rotate() {
    const first = this.a;
    this.a = this.b;
    this.b = this.c;
    this.c = this.d;
    this.d = this.e;
    this.e = this.f;
    this.f = this.g;
    this.g = this.h;
    this.h = (first * 7 + this.c + 1) % 101;
  }
}

function run(n) {
  const r = new Record();
  let total = 0;
  for (let i = 0; i < n; i = i + 1) {
    r.rotate();
    total = total + r.sum() + r.getA() - r.getB() + r.getC() - r.getD() + r.e - r.f;
  }
  return total;
}

console.log(run(2000000));
