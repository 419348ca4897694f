# Make one closure capturing a local k = 3, call it 1,000,000 times,
# accumulating the results. Expected 500002500000.


def make_adder():
    k = 3

    def add(x):
        return x + k

    return add


def run():
    f = make_adder()
    i = 0
    acc = 0
    while i < 1_000_000:
        acc += f(i)
        i += 1
    return acc
