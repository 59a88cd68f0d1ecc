// closures: JavaScript twin of bench/closures.lox
function makeCounter() {
  let count = 0;
  function increment(by) {
    count = count + by;
    return count;
  }
  return increment;
}

function makeAdder(n) {
  function add(x) {
    return x + n;
  }
  return add;
}

function compose(f, g) {
  function both(x) {
    return f(g(x));
  }
  return both;
}

function callClosures(n) {
  const counter = makeCounter();
  const adders = [];
  for (let i = 0; i < 8; i = i + 1) {
    adders.push(makeAdder(i));
  }
  const addNine = compose(adders[4], adders[5]);
  let acc = 0;
  for (let i = 0; i < n; i = i + 1) {
    const add = adders[i % 8];
    acc = (add(acc) + addNine(i % 100)) % 1000003;
    counter(i % 3);
  }
  console.log(acc);
  console.log(counter(0));
}

function makeClosures(n) {
  let sum = 0;
  for (let i = 0; i < n; i = i + 1) {
    function get() {
      return i % 1000;
    }
    const add = makeAdder(i % 7);
    sum = sum + add(get());
  }
  console.log(sum);
}

callClosures(5000000);
makeClosures(2000000);
