"""The startup section: `ww eval -e nil` from exec to exit, and `ww run`
from exec to `ww: ready` (its init scripts run, every address bound)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from . import measure
from .node import Node


def eval_nil(ww: Path, times: int) -> dict:
    walls, peaks = [], []
    for _ in range(times):
        done = measure.run([str(ww), "eval", "-e", "nil"], timeout=60)
        if done.failure():
            return {"error": done.failure()}
        walls.append(done.wall_ms)
        peaks.append(done.peak_kib)
    return {"best_ms": min(walls), "median_ms": statistics.median(walls), "peak_kib": max(peaks)}


def run_to_ready(ww: Path, times: int) -> dict:
    """A node on loopback with a fresh home each time (so it makes its
    identity, as a first boot does), timed to its `ww: ready` line."""
    walls = []
    for _ in range(times):
        with tempfile.TemporaryDirectory() as home:
            start = time.perf_counter()
            with Node(ww, home, admin=True) as node:
                try:
                    node.until()
                except RuntimeError as e:
                    return {"error": str(e)}
                walls.append((time.perf_counter() - start) * 1000)
    return {"best_ms": min(walls), "median_ms": statistics.median(walls)}


def run(ww: Path, smoke: bool, log) -> dict:
    if not os.access(ww, os.X_OK):
        log(f"startup: no ww at {ww} (cargo build --release)")
        return {"error": f"no ww at {ww}"}
    out = {
        "eval_nil": eval_nil(ww, 3 if smoke else 20),
        "run_to_ready": run_to_ready(ww, 1 if smoke else 5),
    }
    for what, got in out.items():
        log(f"startup: {what}: " + (got["error"] if "error" in got else
                                     f"best {got['best_ms']:.1f} ms, median {got['median_ms']:.1f} ms"))
    return out


def failures(results: dict) -> list[str]:
    return [f"startup {what}: {got['error']}" for what, got in results.items()
            if isinstance(got, dict) and "error" in got]
