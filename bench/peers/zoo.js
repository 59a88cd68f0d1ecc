// zoo: JavaScript twin of bench/zoo.lox
class Animal {
  constructor(legs) {
    this.legs = legs;
    this.meals = 0;
  }

  legCount() { return this.legs; }
  weight() { return 1; }
  sound() { return 0; }

  feed(amount) {
    this.meals = this.meals + amount;
  }
}

class Dog extends Animal {
  constructor() { super(4); }
  weight() { return 30; }
  sound() { return 3; }
}

class Cat extends Animal {
  constructor() { super(4); }
  weight() { return 4; }
  sound() { return 2; }
}

class Bird extends Animal {
  constructor() { super(2); }
  sound() { return 5; }
}

class Fish extends Animal {
  constructor() { super(0); }
  weight() { return 2; }
}

class Puppy extends Dog {
  weight() { return 8; }
  feed(amount) {
    super.feed(amount * 2);
  }
}

function makeZoo(n) {
  const zoo = [];
  let seed = 7;
  for (let i = 0; i < n; i = i + 1) {
    seed = (seed * 214013 + 2531011) % 2147483648;
    const kind = Math.floor(seed / 65536) % 5;
    if (kind === 0) zoo.push(new Dog());
    else if (kind === 1) zoo.push(new Cat());
    else if (kind === 2) zoo.push(new Bird());
    else if (kind === 3) zoo.push(new Fish());
    else zoo.push(new Puppy());
  }
  return zoo;
}

function visit(zoo, rounds) {
  let total = 0;
  for (let r = 0; r < rounds; r = r + 1) {
    for (const animal of zoo) {
      total = total + animal.legCount() + animal.weight() * 2 + animal.sound();
      animal.feed(r % 3);
    }
  }
  return total;
}

const zoo = makeZoo(1000);
console.log(visit(zoo, 5000));
let meals = 0;
for (const animal of zoo) meals = meals + animal.meals;
console.log(meals);
