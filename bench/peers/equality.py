# equality: Python twin of bench/equality.lox
# (No value here is a bool compared with 0 or 1, where Python's == would
# differ from Lox's.)
class Thing:
    pass


def number_equality(n):
    count = 0
    for i in range(n):
        if i % 7 == i % 5:
            count += 1
        if i % 3 != 0:
            count += 1
        if i == n:
            count += 1000
    return count


def mixed_equality(rounds):
    a = Thing()
    b = Thing()
    ab = "a" + "b"
    values = [3, 7, 2.5, "a", "b", ab, None, True, False, a, b]
    probes = [7, "ab", None, False, b, 2.5]
    equal = 0
    unequal = 0
    for r in range(rounds):
        for v in values:
            for p in probes:
                if v == p:
                    equal += 1
                if v != p:
                    unequal += 1
    print(equal)
    print(unequal)


print(number_equality(20000000))
mixed_equality(260000)
