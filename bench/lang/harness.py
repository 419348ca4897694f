"""CPython's side of bench/run: `python3.11 harness.py FILE` loads FILE,
which defines a zero-argument `run`, calls it $BENCH_RUNS times (default
5) and prints `ms <milliseconds> result <value>` for each call (wall clock,
time.perf_counter)."""

import importlib.util
import os
import sys
import time

sys.setrecursionlimit(100_000)
spec = importlib.util.spec_from_file_location("bench", sys.argv[1])
program = importlib.util.module_from_spec(spec)
spec.loader.exec_module(program)
for _ in range(max(1, int(os.environ.get("BENCH_RUNS", "5")))):
    start = time.perf_counter()
    result = program.run()
    print(f"ms {(time.perf_counter() - start) * 1000:.3f} result {result}", flush=True)
