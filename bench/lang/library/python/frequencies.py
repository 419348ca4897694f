# frequencies of 1M words (10,007 distinct): collections.Counter, the
# library's frequencies. Expected 10007.
from collections import Counter

words = ["w" + str((i * 7919) % 10007) for i in range(1_000_000)]


def run():
    return len(Counter(words))
