# iterator: a generator yields 0..1,000,000 to a loop that sums them (a
# generator is CPython's one-shot continuation). Expected 500000500000.


def emit_range(lo, hi):
    while lo <= hi:
        yield lo
        lo += 1


def run():
    s = 0
    for e in emit_range(0, 1_000_000):
        s += e
    return s
