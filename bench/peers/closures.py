# closures: Python twin of bench/closures.lox
def make_counter():
    count = 0

    def increment(by):
        nonlocal count
        count = count + by
        return count
    return increment


def make_adder(n):
    def add(x):
        return x + n
    return add


def compose(f, g):
    def both(x):
        return f(g(x))
    return both


def call_closures(n):
    counter = make_counter()
    adders = []
    for i in range(8):
        adders.append(make_adder(i))
    add_nine = compose(adders[4], adders[5])
    acc = 0
    for i in range(n):
        add = adders[i % 8]
        acc = (add(acc) + add_nine(i % 100)) % 1000003
        counter(i % 3)
    print(acc)
    print(counter(0))


def make_closures(n):
    total = 0
    for i in range(n):
        # Python closures capture variables, not values: bind i explicitly,
        # as Lox's for-in gives each iteration its own variable.
        def get(i=i):
            return i % 1000
        add = make_adder(i % 7)
        total = total + add(get())
    print(total)


call_closures(5000000)
make_closures(2000000)
