# method_calls: Python twin of bench/method_calls.lox
class Toggle:
    def __init__(self, start):
        self.state = start

    def value(self):
        return self.state

    def activate(self):
        self.state = not self.state
        return self


class NthToggle(Toggle):
    def __init__(self, start, max_count):
        super().__init__(start)
        self.count_max = max_count
        self.count = 0

    def activate(self):
        self.count = self.count + 1
        if self.count >= self.count_max:
            super().activate()
            self.count = 0
        return self


def count_true(toggle, n):
    trues = 0
    for i in range(n):
        if toggle.activate().value():
            trues += 1
    return trues


print(count_true(Toggle(True), 5000001))
print(count_true(NthToggle(True, 3), 5000001))
