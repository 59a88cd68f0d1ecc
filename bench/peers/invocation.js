// invocation: JavaScript twin of bench/invocation.lox
function zero() {
  return 1;
}

function one(a) {
  return a;
}

function two(a, b) {
  return a + b;
}

function three(a, b, c) {
  return a + b - c;
}

function four(a, b, c, d) {
  return a - b + c - d;
}

function run(n) {
  let total = 0;
  for (let i = 0; i < n; i = i + 1) {
    const k = i % 10;
    total = total + zero() + one(k) + two(k, 1) + three(k, 2, 1) + four(k, 1, k, 1);
  }
  return total;
}

console.log(run(7500000));
