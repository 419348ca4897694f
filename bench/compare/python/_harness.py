"""Shared timing harness for the CPython side of bench/compare.

Best of N in-process runs (N = $BENCH_RUNS, default 5), wall clock via
time.perf_counter. Prints one line: `NAME <best-ms> <result>`.
"""
import os
import sys
import time

sys.setrecursionlimit(100_000)


def bench(name, fn):
    runs = int(os.environ.get("BENCH_RUNS", "5"))
    best = None
    result = None
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t0
        if best is None or dt < best:
            best = dt
    print(f"{name} {best * 1000:.3f} {result}")
