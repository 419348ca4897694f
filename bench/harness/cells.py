"""The cells section: compiling a cell, spawning one from the cache, a
WAGI request's latency and a node's throughput, memory per idle cell."""

from __future__ import annotations

import re
from pathlib import Path

from . import criterion, measure

CRITERION = [
    ("compile the echo component (Cranelift, cold)", "load/echo component, compiled"),
    ("load the echo component from the disk cache", "load/echo component, from the disk cache"),
    ("spawn + run + teardown, echo component (WASI 0.2)", "spawn+run+teardown/echo component (WASI p2, Rust)"),
    ("spawn + run + teardown, hello module (WASI 0.1)", "spawn+run+teardown/hello module (WASI p1)"),
    ("WAGI request to the counter cell: HTTP, route, Executor.spawn over Cap'n Proto",
     "http request, counter cell/through Host.listen (axum + Executor.spawn over Cap'n Proto)"),
    ("the same cell through wagi::serve directly (no HTTP, no RPC)",
     "http request, counter cell/wagi::serve directly (no HTTP, no RPC)"),
]

ROUND = re.compile(r"round (\d+): (\d+) ok, (\d+) errors in \S+ s: (\d+) req/s; latency p50 (\S+) ms, "
                   r"p99 (\S+) ms, max \S+ ms; RSS (\d+) KiB")


def load(build: Path, smoke: bool, log) -> dict:
    """`/status` of a booted node under load (crates/runtime/examples/
    status_load.rs): requests per second and latency, the best round."""
    size = ["--requests", "300", "--concurrency", "8", "--rounds", "1"] if smoke else []
    done = measure.run([str(build / "examples" / "status_load"), "--ww", str(build / "ww"), *size],
                       timeout=600)
    rounds = [m.groups() for m in ROUND.finditer(done.stdout)]
    if done.failure() or not rounds:
        return {"error": done.failure() or "status_load printed no round"}
    best = max(rounds, key=lambda r: int(r[3]))
    return {"requests": int(best[1]), "errors": int(best[2]), "req_per_s": int(best[3]),
            "p50_ms": float(best[4]), "p99_ms": float(best[5]), "node_rss_kib": int(best[6]),
            "concurrency": 8 if smoke else 64}


IDLE = re.compile(r"idle cells (\d+) rss_before_kib (\d+) rss_after_kib (\d+) per_cell_kib (\S+) "
                  r"spawn_and_first_echo_us (\S+)")


def idle(build: Path, smoke: bool) -> dict:
    done = measure.run([str(build / "examples" / "idle_cells"), "--cells", "20" if smoke else "200"],
                       timeout=600)
    m = IDLE.search(done.stdout)
    if done.failure() or not m:
        return {"error": done.failure() or "idle_cells printed no result"}
    return {"cells": int(m.group(1)), "per_cell_kib": float(m.group(4)),
            "spawn_us": float(m.group(5))}


def run(build: Path, smoke: bool, log) -> dict:
    out = {"criterion": criterion.pick(criterion.medians(smoke, log), CRITERION),
           "load": load(build, smoke, log), "idle": idle(build, smoke)}
    for row in out["criterion"]:
        log(f"cells: {row['what']}: " + (row["error"] if "error" in row else f"{row['median_ns'] / 1e3:,.1f} µs"))
    for key in ("load", "idle"):
        log(f"cells: {key}: {out[key]}")
    return out


def failures(results: dict) -> list[str]:
    bad = [f"cells: {r['what']}: {r['error']}" for r in results["criterion"] if "error" in r]
    bad += [f"cells: {k}: {results[k]['error']}" for k in ("load", "idle") if "error" in results[k]]
    if "errors" in results["load"] and results["load"]["errors"]:
        bad.append(f"cells: load: {results['load']['errors']} requests failed")
    return bad
