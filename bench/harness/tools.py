"""The tools section: the reader's throughput, the language server's
latency on a 5,000-line file, and MCP round trips through the official
Python SDK."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from . import criterion, measure

READER = [(stage, f"reader-1MB/{stage}") for stage in ("lex", "parse", "read", "format")]

LSP_LINE = re.compile(r"^(.+?)\s+p50\s+(\S+) ms\s+p95\s+(\S+) ms\s+\((\d+) runs\)", re.M)
OPEN_LINE = re.compile(r"first diagnostics in (\S+) ms")


def lsp(smoke: bool, log) -> dict:
    cmd = ["cargo", "bench", "--workspace", "--locked", "--bench", "lsp"]
    if smoke:
        cmd += ["--profile", "dev"]
    env = {**os.environ, **({"BENCH_ROUNDS": "5"} if smoke else {})}
    log("tools: " + " ".join(cmd))
    done = subprocess.run(cmd, cwd=measure.ROOT, env=env, capture_output=True, text=True)
    rows = [{"what": m.group(1).strip(), "p50_ms": float(m.group(2)), "p95_ms": float(m.group(3)),
             "runs": int(m.group(4))} for m in LSP_LINE.finditer(done.stdout)]
    opened = OPEN_LINE.search(done.stdout)
    if done.returncode != 0 or not rows:
        return {"error": f"exit {done.returncode}: " + done.stderr.strip()[-300:]}
    return {"rows": rows, "open_ms": float(opened.group(1)) if opened else None}


MCP_LINE = re.compile(r"^(stdio|http): eval \(\+ 1 2\), (\d+) calls: p50 (\d+) us, p90 (\d+) us, p99 (\d+) us", re.M)
MCP_START = re.compile(r"^(stdio: start and initialize|http: initialize): (\S+) ms", re.M)


def mcp(build: Path, smoke: bool) -> dict:
    """bench/mcp/latency.py, with the SDK in the venv ./scripts/test makes."""
    python = Path(os.environ.get("WW_LSP_VENV", measure.ROOT / "target" / "lsp-venv")) / "bin" / "python"
    if not python.exists():
        return {"skipped": f"no MCP SDK at {python}: run ./scripts/test first (it makes target/lsp-venv)"}
    done = measure.run([str(python), str(measure.ROOT / "bench" / "mcp" / "latency.py"), str(build / "ww"),
                        "50" if smoke else "1000"], timeout=600)
    rows = [{"transport": m.group(1), "calls": int(m.group(2)), "p50_us": int(m.group(3)),
             "p90_us": int(m.group(4)), "p99_us": int(m.group(5))} for m in MCP_LINE.finditer(done.stdout)]
    starts = {m.group(1): float(m.group(2)) for m in MCP_START.finditer(done.stdout)}
    if done.failure() or not rows:
        return {"error": done.failure() or "latency.py printed no round trips"}
    return {"rows": rows, "starts": starts}


def run(build: Path, smoke: bool, log) -> dict:
    found = criterion.medians(smoke, log)
    reader = criterion.pick(found, READER)
    for row, (_, key) in zip(reader, READER):
        if "median_ns" in row:
            row["bytes"] = found.get(key + "#bytes", 0)
            row["mb_per_s"] = row["bytes"] / (row["median_ns"] / 1e9) / 1e6
    out = {"reader": reader, "lsp": lsp(smoke, log), "mcp": mcp(build, smoke)}
    for row in reader:
        log(f"tools: reader {row['what']}: " + (row["error"] if "error" in row else f"{row['mb_per_s']:.1f} MB/s"))
    log(f"tools: lsp: {out['lsp']}")
    log(f"tools: mcp: {out['mcp']}")
    return out


def failures(results: dict) -> list[str]:
    bad = [f"tools: reader {r['what']}: {r['error']}" for r in results["reader"] if "error" in r]
    bad += [f"tools: {k}: {results[k]['error']}" for k in ("lsp", "mcp") if "error" in results[k]]
    return bad
