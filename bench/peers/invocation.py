# invocation: Python twin of bench/invocation.lox
def zero():
    return 1


def one(a):
    return a


def two(a, b):
    return a + b


def three(a, b, c):
    return a + b - c


def four(a, b, c, d):
    return a - b + c - d


def run(n):
    total = 0
    for i in range(n):
        k = i % 10
        total = total + zero() + one(k) + two(k, 1) + three(k, 2, 1) + four(k, 1, k, 1)
    return total


print(run(7500000))
