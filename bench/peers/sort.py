# sort: Python twin of bench/sort.lox
from functools import cmp_to_key


def random_list(n, seed):
    xs = []
    for i in range(n):
        seed = (seed * 214013 + 2531011) % 2147483648
        xs.append(seed % 1000000)
    return xs


def by_last_digits(a, b):
    d = a % 1000 - b % 1000
    if d != 0:
        return d
    return a - b


def checksum(xs):
    acc = 0
    for i in range(len(xs)):
        acc = (acc + xs[i] * (i % 1000 + 1)) % 1000000007
    return acc


xs = random_list(450000, 12345)
ys = xs.copy()
xs.sort()
print(checksum(xs))
ys.sort(key=cmp_to_key(by_last_digits))
print(checksum(ys))
print(str(xs[0]) + " " + str(xs[len(xs) - 1]) + " " + str(ys[0]) + " " + str(ys[len(ys) - 1]))
