// trees: JavaScript twin of bench/trees.lox
class Tree {
  constructor(depth) {
    this.depth = depth;
    this.flag = depth % 2;
    if (depth > 0) {
      this.a = new Tree(depth - 1);
      this.b = new Tree(depth - 1);
      this.c = new Tree(depth - 1);
    }
  }

  walk() {
    if (this.depth === 0) return 1 + this.flag;
    return this.depth + this.flag + this.a.walk() + this.b.walk() + this.c.walk();
  }

  flip() {
    this.flag = 1 - this.flag;
    if (this.depth > 0) {
      this.a.flip();
      this.b.flip();
      this.c.flip();
    }
  }
}

const tree = new Tree(10);
let total = 0;
for (let i = 0; i < 80; i = i + 1) {
  total = total + tree.walk();
  if (i % 4 === 0) tree.flip();
}
console.log(total);
