# resume_nontail: each step works on what the rest of the loop returned,
# as the handler does after its (non-tail) resume: plain recursion.
# 1,000 runs of 1,000 steps. Expected 708.


def step(i, s):
    if i == 0:
        return s
    y = step(i - 1, s)
    return abs(i - 503 * y + 37) % 1009


def run():
    s = 0
    for _ in range(1000):
        s = step(1000, s)
    return s
