// loop_sum: JavaScript twin of bench/loop_sum.lox
function sumTo(n) {
  let sum = 0;
  for (let i = 0; i < n; i = i + 1) {
    sum = sum + i;
  }
  return sum;
}

let total = 0;
for (let round = 0; round < 3600; round = round + 1) {
  total = total + sumTo(60000 + round % 3);
}
console.log(total);
