# trees: Python twin of bench/trees.lox
class Tree:
    def __init__(self, depth):
        self.depth = depth
        self.flag = depth % 2
        if depth > 0:
            self.a = Tree(depth - 1)
            self.b = Tree(depth - 1)
            self.c = Tree(depth - 1)

    def walk(self):
        if self.depth == 0:
            return 1 + self.flag
        return self.depth + self.flag + self.a.walk() + self.b.walk() + self.c.walk()

    def flip(self):
        self.flag = 1 - self.flag
        if self.depth > 0:
            self.a.flip()
            self.b.flip()
            self.c.flip()


tree = Tree(10)
total = 0
for i in range(80):
    total = total + tree.walk()
    if i % 4 == 0:
        tree.flip()
print(total)
