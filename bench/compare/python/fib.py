# fib(30): naive doubly-recursive Fibonacci. Expected 832040.
from _harness import bench


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def run():
    return fib(30)


if __name__ == "__main__":
    bench("fib", run)
