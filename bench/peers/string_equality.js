// string_equality: JavaScript twin of bench/string_equality.lox (=== is Lox's ==)
function run(rounds) {
  const base = "the quick brown fox jumps over the lazy dog";
  const words = ["", "a", "b", "ab", "abc", "abd", "hello", "hellp", "world",
                 base, base + "!", base + "?", base.toUpperCase()];
  const copies = [];
  for (const w of words) {
    const half = Math.floor(w.length / 2);
    copies.push(w.slice(0, half) + w.slice(half, w.length));
  }
  copies.push("hel" + "lo");
  copies.push("the quick brown fox jumps over the lazy do" + "g");
  copies.push(1);
  copies.push(null);

  let equal = 0;
  for (let r = 0; r < rounds; r = r + 1) {
    for (const w of words) {
      for (const c of copies) {
        if (w === c) equal = equal + 1;
      }
    }
  }
  return equal;
}

console.log(run(300000));
