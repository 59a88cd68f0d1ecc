# branchy: Python twin of bench/branchy.lox
def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def survey(limit, rounds):
    total = 0
    best = 0
    best_start = 1
    for rnd in range(rounds):
        for start in range(1, limit):
            steps = collatz_steps(start)
            total += steps
            if steps > best:
                best = steps
                best_start = start
    print(total)
    print(best_start)
    print(best)


survey(100000, 3)
