// sieve: JavaScript twin of bench/sieve.lox
function countPrimes(n) {
  const flags = [];
  for (let i = 0; i <= n; i = i + 1) {
    flags.push(true);
  }
  flags[0] = false;
  flags[1] = false;

  let p = 2;
  while (p * p <= n) {
    if (flags[p]) {
      for (let j = p * p; j <= n; j = j + p) {
        flags[j] = false;
      }
    }
    p = p + 1;
  }

  let count = 0;
  for (let k = 0; k <= n; k = k + 1) {
    if (flags[k]) count = count + 1;
  }
  return count;
}

let total = 0;
for (let round = 0; round < 18; round = round + 1) {
  total = total + countPrimes(1000000 - round * 1000);
}
console.log(total);
