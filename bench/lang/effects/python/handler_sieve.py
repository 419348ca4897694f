# handler_sieve: every prime found wraps the test so far in a closure that
# rejects its multiples and forwards other candidates to the one before;
# the first accepts. Sums the primes below 10,000. Expected 5736396.


def run():
    def accept(e):
        return True

    test = accept
    total = 0
    for i in range(2, 10_000):
        if test(i):
            total += i
            test = (lambda prev, p: lambda e: False if e % p == 0 else prev(e))(test, i)
    return total
