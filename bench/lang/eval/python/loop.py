# 10,000,000-iteration counting loop summing i. Expected 49999995000000.


def run():
    i = 0
    acc = 0
    while i < 10_000_000:
        acc += i
        i += 1
    return acc
