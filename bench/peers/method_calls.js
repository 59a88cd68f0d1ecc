// method_calls: JavaScript twin of bench/method_calls.lox
class Toggle {
  constructor(start) {
    this.state = start;
  }

  value() {
    return this.state;
  }

  activate() {
    this.state = !this.state;
    return this;
  }
}

class NthToggle extends Toggle {
  constructor(start, maxCount) {
    super(start);
    this.countMax = maxCount;
    this.count = 0;
  }

  activate() {
    this.count = this.count + 1;
    if (this.count >= this.countMax) {
      super.activate();
      this.count = 0;
    }
    return this;
  }
}

function countTrue(toggle, n) {
  let trues = 0;
  for (let i = 0; i < n; i = i + 1) {
    if (toggle.activate().value()) trues = trues + 1;
  }
  return trues;
}

console.log(countTrue(new Toggle(true), 5000001));
console.log(countTrue(new NthToggle(true, 3), 5000001));
