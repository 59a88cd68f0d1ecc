# nested_loops: Python twin of bench/nested_loops.lox
def grid(n):
    total = 0
    for i in range(n):
        for j in range(n):
            for k in range(j, n):
                total += (i * j + k) % 7
    return total


print(grid(480))
