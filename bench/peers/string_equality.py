# string_equality: Python twin of bench/string_equality.lox
def run(rounds):
    base = "the quick brown fox jumps over the lazy dog"
    words = ["", "a", "b", "ab", "abc", "abd", "hello", "hellp", "world",
             base, base + "!", base + "?", base.upper()]
    copies = []
    for w in words:
        half = len(w) // 2
        copies.append(w[0:half] + w[half:len(w)])
    copies.append("hel" + "lo")
    copies.append("the quick brown fox jumps over the lazy do" + "g")
    copies.append(1)
    copies.append(None)

    equal = 0
    for r in range(rounds):
        for w in words:
            for c in copies:
                if w == c:
                    equal += 1
    return equal


print(run(300000))
