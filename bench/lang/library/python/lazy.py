# A lazy pipeline over 10M elements: generator expressions, summed.
# Expected 74999985000000.


def run():
    return sum(x for x in (x * 3 for x in range(10_000_000)) if x % 2 == 0)
