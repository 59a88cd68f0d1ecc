# sieve: Python twin of bench/sieve.lox
def count_primes(n):
    flags = []
    for i in range(n + 1):
        flags.append(True)
    flags[0] = False
    flags[1] = False

    p = 2
    while p * p <= n:
        if flags[p]:
            for j in range(p * p, n + 1, p):
                flags[j] = False
        p += 1

    count = 0
    for k in range(n + 1):
        if flags[k]:
            count += 1
    return count


total = 0
for rnd in range(18):
    total += count_primes(1000000 - rnd * 1000)
print(total)
