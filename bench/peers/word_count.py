# word_count: Python twin of bench/word_count.lox
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "so", "ta", "vi", "ze", "po"]

seed = 2024


def next_random():
    global seed
    seed = (seed * 214013 + 2531011) % 2147483648
    return seed // 65536


def make_text(n_words):
    words = []
    for i in range(n_words):
        syllables = next_random() % 3 + 1
        word = ""
        for s in range(syllables):
            word = word + SYLLABLES[next_random() % 10]
        words.append(word)
    return " ".join(words)


def count_words(text):
    counts = {}
    for word in text.split(" "):
        counts[word] = counts.get(word, 0) + 1
    return counts


text = make_text(300000)
counts = None
for rnd in range(10):
    counts = count_words(text)

top = ""
top_count = 0
for word in counts:
    if counts[word] > top_count:
        top = word
        top_count = counts[word]
print(len(text))
print(len(counts))
print(top + " " + str(top_count))
