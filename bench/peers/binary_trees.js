// binary_trees: JavaScript twin of bench/binary_trees.lox
class Node {
  constructor(left, right) {
    this.left = left;
    this.right = right;
  }

  check() {
    if (this.left === null) return 1;
    return 1 + this.left.check() + this.right.check();
  }
}

function bottomUp(depth) {
  if (depth === 0) return new Node(null, null);
  return new Node(bottomUp(depth - 1), bottomUp(depth - 1));
}

const minDepth = 4;
const maxDepth = 14;

const stretchDepth = maxDepth + 1;
console.log("stretch tree of depth " + stretchDepth + " check: " + bottomUp(stretchDepth).check());

const longLived = bottomUp(maxDepth);

for (let depth = minDepth; depth <= maxDepth; depth = depth + 2) {
  let iterations = 1;
  for (let i = 0; i < maxDepth - depth + minDepth; i = i + 1) {
    iterations = iterations * 2;
  }
  let check = 0;
  for (let i = 0; i < iterations; i = i + 1) {
    check = check + bottomUp(depth).check();
  }
  console.log(iterations + " trees of depth " + depth + " check: " + check);
}

console.log("long lived tree of depth " + maxDepth + " check: " + longLived.check());
