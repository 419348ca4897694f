"""The criterion benches (glia-syntax's parse; the runtime's cells,
membrane and services), run once for every section that reads them; their
medians read back from criterion's JSON."""

from __future__ import annotations

import json
import os
import subprocess

from . import measure

BENCHES = ["parse", "cells", "membrane", "services"]
HOME = measure.ROOT / "target" / "bench" / "criterion"
_medians: dict[str, float] | None = None


def medians(smoke: bool, log) -> dict[str, float]:
    """Median nanoseconds by criterion id (`group/function`), and bytes an
    iteration handles by `group/function#bytes` where the bench says. With
    `smoke`, on the debug build with the shortest samples criterion
    takes."""
    global _medians
    if _medians is not None:
        return _medians
    cmd = ["cargo", "bench", "--workspace", "--locked"]
    for b in BENCHES:
        cmd += ["--bench", b]
    if smoke:
        cmd += ["--profile", "dev"]
    cmd += ["--", "--noplot"]
    if smoke:
        cmd += ["--warm-up-time", "0.01", "--measurement-time", "0.02", "--sample-size", "10"]
    log("criterion: " + " ".join(cmd))
    # Each run's results alone: what an earlier one left would be read back.
    subprocess.run(["rm", "-rf", str(HOME)], check=True)
    env = {**os.environ, "CRITERION_HOME": str(HOME)}
    if smoke:
        env["BENCH_READER_BYTES"] = str(64 << 10)
    done = subprocess.run(cmd, cwd=measure.ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        log("criterion: failed:\n" + "\n".join(done.stderr.strip().splitlines()[-15:]))
        _medians = {}
        return _medians
    found = {}
    for meta in HOME.glob("**/new/benchmark.json"):
        info = json.loads(meta.read_text())
        estimates = json.loads((meta.parent / "estimates.json").read_text())
        found[info["full_id"]] = estimates["median"]["point_estimate"]
        # Bytes per iteration, where the bench says (the reader's file).
        if (info.get("throughput") or {}).get("Bytes"):
            found[info["full_id"] + "#bytes"] = info["throughput"]["Bytes"]
    _medians = found
    return found


def pick(found: dict[str, float], rows: list[tuple[str, str]]) -> list[dict]:
    """Rows of (label, criterion id): each with its median, or an error if
    criterion did not report it."""
    return [{"what": label, "median_ns": found[key]} if key in found
            else {"what": label, "error": f"criterion reported no {key!r}"}
            for label, key in rows]
