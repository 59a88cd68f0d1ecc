// sort: JavaScript twin of bench/sort.lox
// (JavaScript's default sort compares strings, so the first sort passes
// the numeric comparison that Lox's sort() does built in.)
function randomList(n, seed) {
  const xs = [];
  for (let i = 0; i < n; i = i + 1) {
    seed = (seed * 214013 + 2531011) % 2147483648;
    xs.push(seed % 1000000);
  }
  return xs;
}

function byLastDigits(a, b) {
  const d = a % 1000 - b % 1000;
  if (d !== 0) return d;
  return a - b;
}

function checksum(xs) {
  let acc = 0;
  for (let i = 0; i < xs.length; i = i + 1) {
    acc = (acc + xs[i] * (i % 1000 + 1)) % 1000000007;
  }
  return acc;
}

const xs = randomList(450000, 12345);
const ys = xs.slice();
xs.sort((a, b) => a - b);
console.log(checksum(xs));
ys.sort(byLastDigits);
console.log(checksum(ys));
console.log(xs[0] + " " + xs[xs.length - 1] + " " + ys[0] + " " + ys[ys.length - 1]);
