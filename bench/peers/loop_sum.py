# loop_sum: Python twin of bench/loop_sum.lox
def sum_to(n):
    total = 0
    for i in range(n):
        total += i
    return total


total = 0
for rnd in range(3600):
    total += sum_to(60000 + rnd % 3)
print(total)
