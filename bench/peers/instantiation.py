# instantiation: Python twin of bench/instantiation.lox
class Empty:
    pass


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class Vec3:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z

    def plus(self, other):
        return Vec3(self.x + other.x, self.y + other.y, self.z + other.z)


def run(n):
    total = 0
    for i in range(n):
        e = Empty()
        e.tag = i % 4
        p = Point(i % 10, 2)
        v = Vec3(1, 2, 3).plus(Vec3(p.x, p.y, e.tag))
        total = total + v.x + v.y + v.z
    return total


print(run(800000))
