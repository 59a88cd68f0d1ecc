// string_build: JavaScript twin of bench/string_build.lox
function hashString(s, h) {
  for (let i = 0; i < s.length; i = i + 1) {
    h = (h * 31 + s.charCodeAt(i)) % 1000003;
  }
  return h;
}

function buildRow(n) {
  let row = "";
  for (let i = 0; i < n; i = i + 1) {
    row = row + String(i % 10);
  }
  return row;
}

function buildRecord(i) {
  const parts = [];
  for (let j = 0; j < 8; j = j + 1) {
    parts.push("f" + String(j) + "=" + String((i * j) % 97));
  }
  return parts.join(",");
}

let totalLength = 0;
let hash = 7;
for (let round = 0; round < 24000; round = round + 1) {
  const row = buildRow(100 + round % 50);
  const record = buildRecord(round);
  const line = [row, record, String(round)].join(";");
  totalLength = totalLength + line.length;
  hash = hashString(line, hash);
}
console.log(totalLength);
console.log(hash);
