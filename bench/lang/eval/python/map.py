# Insert 1,000,000 integer keys (i -> i) into a dict, return its size.
# Expected 1000000. (A mutable hash map; Glia's is persistent.)


def run():
    m = {}
    i = 0
    while i < 1_000_000:
        m[i] = i
        i += 1
    return len(m)
