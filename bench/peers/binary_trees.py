# binary_trees: Python twin of bench/binary_trees.lox
class Node:
    def __init__(self, left, right):
        self.left = left
        self.right = right

    def check(self):
        if self.left is None:
            return 1
        return 1 + self.left.check() + self.right.check()


def bottom_up(depth):
    if depth == 0:
        return Node(None, None)
    return Node(bottom_up(depth - 1), bottom_up(depth - 1))


min_depth = 4
max_depth = 14

stretch_depth = max_depth + 1
print("stretch tree of depth " + str(stretch_depth) + " check: " + str(bottom_up(stretch_depth).check()))

long_lived = bottom_up(max_depth)

for depth in range(min_depth, max_depth + 1, 2):
    iterations = 1
    for i in range(max_depth - depth + min_depth):
        iterations = iterations * 2
    check = 0
    for i in range(iterations):
        check = check + bottom_up(depth).check()
    print(str(iterations) + " trees of depth " + str(depth) + " check: " + str(check))

print("long lived tree of depth " + str(max_depth) + " check: " + str(long_lived.check()))
