// word_count: JavaScript twin of bench/word_count.lox
const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "so", "ta", "vi", "ze", "po"];

let seed = 2024;
function nextRandom() {
  seed = (seed * 214013 + 2531011) % 2147483648;
  return Math.floor(seed / 65536);
}

function makeText(nWords) {
  const words = [];
  for (let i = 0; i < nWords; i = i + 1) {
    const syllables = nextRandom() % 3 + 1;
    let word = "";
    for (let s = 0; s < syllables; s = s + 1) {
      word = word + SYLLABLES[nextRandom() % 10];
    }
    words.push(word);
  }
  return words.join(" ");
}

function countWords(text) {
  const counts = new Map();
  for (const word of text.split(" ")) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

const text = makeText(300000);
let counts;
for (let round = 0; round < 10; round = round + 1) {
  counts = countWords(text);
}

let top = "";
let topCount = 0;
for (const [word, count] of counts) {
  if (count > topCount) {
    top = word;
    topCount = count;
  }
}
console.log(text.length);
console.log(counts.size);
console.log(top + " " + topCount);
