# product_early: the product of 1000..0 by non-tail recursion, which meets
# the 0 at the bottom and leaves all 1,001 frames at once by an exception
# (CPython's way to abort). 1,000 times. Expected 0.


class Done(Exception):
    pass


def product(xs, i):
    if i == len(xs):
        return 0
    y = xs[i]
    if y == 0:
        raise Done()
    return y * product(xs, i + 1)


def run():
    xs = list(range(1000, -1, -1))
    a = 0
    for _ in range(1000):
        try:
            a += product(xs, 0)
        except Done:
            a += 0
    return a
