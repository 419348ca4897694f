"""The capabilities section: a call on a local capability, the same call
through the membrane's guards, and calls across two nodes over libp2p."""

from __future__ import annotations

import re
from pathlib import Path

from . import criterion, measure

CRITERION = [
    ("local call, `ByteStream.read(0)`, direct", "local call, results without capabilities (ByteStream.read 0)/direct"),
    ("the same through one membrane guard", "local call, results without capabilities (ByteStream.read 0)/one guard"),
    ("the same through two guards", "local call, results without capabilities (ByteStream.read 0)/two guards"),
    ("`Membrane.graft` returning one capability, direct",
     "local call, results that can hold capabilities (Membrane.graft)/direct, one returned"),
    ("the same through a guard, which wraps the capability",
     "local call, results that can hold capabilities (Membrane.graft)/one guard, one returned and wrapped"),
]

ROW = re.compile(r"^\| (.+?) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", re.M)


def remote(build: Path, smoke: bool) -> list[dict]:
    """crates/runtime/examples/remote_call.rs: two nodes on loopback, calls
    timed one at a time."""
    size = ["--calls", "200", "--dials", "10"] if smoke else []
    done = measure.run([str(build / "examples" / "remote_call"), *size], timeout=900)
    rows = [{"what": m.group(1), "calls": int(m.group(2)), "p50_us": int(m.group(3)),
             "p90_us": int(m.group(4)), "p99_us": int(m.group(5))} for m in ROW.finditer(done.stdout)]
    if done.failure() or not rows:
        return [{"what": "calls across two nodes", "error": done.failure() or "remote_call printed no row"}]
    return rows


def run(build: Path, smoke: bool, log) -> dict:
    out = {"criterion": criterion.pick(criterion.medians(smoke, log), CRITERION),
           "remote": remote(build, smoke)}
    for row in out["criterion"]:
        log(f"capabilities: {row['what']}: " + (row["error"] if "error" in row else f"{row['median_ns'] / 1e3:,.2f} µs"))
    for row in out["remote"]:
        log(f"capabilities: {row['what']}: " + (row["error"] if "error" in row else f"p50 {row['p50_us']} µs"))
    return out


def failures(results: dict) -> list[str]:
    return [f"capabilities: {r['what']}: {r['error']}"
            for r in results["criterion"] + results["remote"] if "error" in r]
