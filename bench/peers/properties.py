# properties: Python twin of bench/properties.lox
class Record:
    def __init__(self):
        self.a = 1
        self.b = 2
        self.c = 3
        self.d = 4
        self.e = 5
        self.f = 6
        self.g = 7
        self.h = 8

    def get_a(self): return self.a
    def get_b(self): return self.b
    def get_c(self): return self.c
    def get_d(self): return self.d

    def sum(self):
        return self.a + self.b + self.c + self.d + self.e + self.f + self.g + self.h

    def rotate(self):
        first = self.a
        self.a = self.b
        self.b = self.c
        self.c = self.d
        self.d = self.e
        self.e = self.f
        self.f = self.g
        self.g = self.h
        self.h = (first * 7 + self.c + 1) % 101


def run(n):
    r = Record()
    total = 0
    for i in range(n):
        r.rotate()
        total = total + r.sum() + r.get_a() - r.get_b() + r.get_c() - r.get_d() + r.e - r.f
    return total


print(run(2000000))
