# countdown: the counter read and written through two closures (CPython
# has no effect handlers; a closure is how it passes state in). Expected 0.


def countdown(get, put):
    i = get()
    while i != 0:
        put(i - 1)
        i = get()
    return i


def run():
    s = [1_000_000]

    def put(i):
        s[0] = i

    return countdown(lambda: s[0], put)
