// equality: JavaScript twin of bench/equality.lox (=== is Lox's ==)
class Thing {}

function numberEquality(n) {
  let count = 0;
  for (let i = 0; i < n; i = i + 1) {
    if (i % 7 === i % 5) count = count + 1;
    if (i % 3 !== 0) count = count + 1;
    if (i === n) count = count + 1000;
  }
  return count;
}

function mixedEquality(rounds) {
  const a = new Thing();
  const b = new Thing();
  const ab = "a" + "b";
  const values = [3, 7, 2.5, "a", "b", ab, null, true, false, a, b];
  const probes = [7, "ab", null, false, b, 2.5];
  let equal = 0;
  let unequal = 0;
  for (let r = 0; r < rounds; r = r + 1) {
    for (const v of values) {
      for (const p of probes) {
        if (v === p) equal = equal + 1;
        if (v !== p) unequal = unequal + 1;
      }
    }
  }
  console.log(equal);
  console.log(unequal);
}

console.log(numberEquality(20000000));
mixedEquality(260000);
