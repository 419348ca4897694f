# fib(30): naive doubly-recursive Fibonacci. Expected 832040.


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def run():
    return fib(30)
