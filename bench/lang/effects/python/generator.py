# generator: a recursive generator walks a complete binary tree of depth
# 18 (262,143 nodes), yielding each value, and the values are summed.
# Expected 524268.


def make(n):
    if n <= 0:
        return None
    t = make(n - 1)
    return (t, n, t)


def walk(t):
    if t is not None:
        left, v, right = t
        yield from walk(left)
        yield v
        yield from walk(right)


def run():
    return sum(walk(make(18)))
