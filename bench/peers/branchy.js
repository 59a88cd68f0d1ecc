// branchy: JavaScript twin of bench/branchy.lox
function collatzSteps(n) {
  let steps = 0;
  while (n !== 1) {
    if (n % 2 === 0) {
      n = n / 2;
    } else {
      n = 3 * n + 1;
    }
    steps = steps + 1;
  }
  return steps;
}

function survey(limit, rounds) {
  let total = 0;
  let best = 0;
  let bestStart = 1;
  for (let round = 0; round < rounds; round = round + 1) {
    for (let start = 1; start < limit; start = start + 1) {
      const steps = collatzSteps(start);
      total = total + steps;
      if (steps > best) {
        best = steps;
        bestStart = start;
      }
    }
  }
  console.log(total);
  console.log(bestStart);
  console.log(best);
}

survey(100000, 3);
