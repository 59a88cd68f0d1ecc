# string_build: Python twin of bench/string_build.lox
def hash_string(s, h):
    for i in range(len(s)):
        h = (h * 31 + ord(s[i])) % 1000003
    return h


def build_row(n):
    row = ""
    for i in range(n):
        row = row + str(i % 10)
    return row


def build_record(i):
    parts = []
    for j in range(8):
        parts.append("f" + str(j) + "=" + str((i * j) % 97))
    return ",".join(parts)


total_length = 0
h = 7
for rnd in range(24000):
    row = build_row(100 + rnd % 50)
    record = build_record(rnd)
    line = ";".join([row, record, str(rnd)])
    total_length = total_length + len(line)
    h = hash_string(line, h)
print(total_length)
print(h)
