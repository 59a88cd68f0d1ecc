# zoo: Python twin of bench/zoo.lox
class Animal:
    def __init__(self, legs):
        self.legs = legs
        self.meals = 0

    def leg_count(self): return self.legs
    def weight(self): return 1
    def sound(self): return 0

    def feed(self, amount):
        self.meals = self.meals + amount


class Dog(Animal):
    def __init__(self): super().__init__(4)
    def weight(self): return 30
    def sound(self): return 3


class Cat(Animal):
    def __init__(self): super().__init__(4)
    def weight(self): return 4
    def sound(self): return 2


class Bird(Animal):
    def __init__(self): super().__init__(2)
    def sound(self): return 5


class Fish(Animal):
    def __init__(self): super().__init__(0)
    def weight(self): return 2


class Puppy(Dog):
    def weight(self): return 8

    def feed(self, amount):
        super().feed(amount * 2)


def make_zoo(n):
    zoo = []
    seed = 7
    for i in range(n):
        seed = (seed * 214013 + 2531011) % 2147483648
        kind = (seed // 65536) % 5
        if kind == 0:
            zoo.append(Dog())
        elif kind == 1:
            zoo.append(Cat())
        elif kind == 2:
            zoo.append(Bird())
        elif kind == 3:
            zoo.append(Fish())
        else:
            zoo.append(Puppy())
    return zoo


def visit(zoo, rounds):
    total = 0
    for r in range(rounds):
        for animal in zoo:
            total = total + animal.leg_count() + animal.weight() * 2 + animal.sound()
            animal.feed(r % 3)
    return total


zoo = make_zoo(1000)
print(visit(zoo, 5000))
meals = 0
for animal in zoo:
    meals = meals + animal.meals
print(meals)
