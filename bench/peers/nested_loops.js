// nested_loops: JavaScript twin of bench/nested_loops.lox
function grid(n) {
  let sum = 0;
  for (let i = 0; i < n; i = i + 1) {
    for (let j = 0; j < n; j = j + 1) {
      for (let k = j; k < n; k = k + 1) {
        sum = sum + (i * j + k) % 7;
      }
    }
  }
  return sum;
}

console.log(grid(480));
