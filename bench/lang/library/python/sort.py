# sort of 1M integers (a new sorted list, as Clojure's sort gives).
# Expected 1500002.
numbers = [(i * 7919) % 1_000_003 for i in range(1_000_000)]


def run():
    s = sorted(numbers)
    return s[0] + s[-1] + s[500_000]
