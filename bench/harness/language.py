"""The language section: Glia's benchmark programs side by side with the
same programs in CPython 3.11, Lua 5.4, Clojure (JVM), nbb and Rhai.

Each program lives in bench/lang/SUITE/FOLDER/NAME.EXT and defines a
zero-argument `run`; each language's harness calls it RUNS times in one
process and prints `ms <milliseconds> result <value>` per call. The first
call is the cold time (for the JVM, before its JIT has compiled the code),
the fastest the warm one. A peer that is not installed, or a program not
written for it, is a gap in the table, never an error; a wrong result is.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import measure

LANG = measure.ROOT / "bench" / "lang"


@dataclass
class Bench:
    expected: str
    what: str
    # For effects: performs per call, to give the time per perform.
    performs: int | None = None
    # Run in --smoke mode (chosen for their small inputs).
    smoke: bool = False


SUITES: dict[str, tuple[str, dict[str, Bench]]] = {
    "eval": ("The evaluator", {
        "fib": Bench("832040", "naive doubly-recursive fib(30)"),
        "tak": Bench("7", "Takeuchi tak(18, 12, 6)", smoke=True),
        "loop": Bench("49999995000000", "10,000,000-iteration loop summing i"),
        "map": Bench("1000000", "1,000,000 inserts i → i into a map, then its size"),
        "closure": Bench("500002500000", "one closure capturing k = 3, called 1,000,000 times"),
    }),
    "effects": ("Effect handlers (effect-handlers-bench)", {
        "countdown": Bench("0", "state effect counting 2,000,000 down (tail resumes)", 2_000_000),
        "countdown_calls": Bench("0", "the same loop with plain calls (baseline)", 2_000_000),
        "iterator": Bench("500000500000", "an iterator yielding 0..1,000,000 (tail resumes)", 1_000_001),
        "handler_sieve": Bench("5736396", "primes below 10,000, a handler per prime (forwarding)", 5_823_451),
        "resume_nontail": Bench("708", "1,000,000 resumes not in tail position", 1_000_000),
        "generator": Bench("524268", "a generator over a tree of 2^18 leaves", 262_143),
        "product_early": Bench("0", "1,000 aborting performs 1,001 frames deep", 1_000, smoke=True),
    }),
    "library": ("The core library", {
        "lazy": Bench("74999985000000", "reduce + filter even? map (* 3) over range 10,000,000"),
        "frequencies": Bench("10007", "frequencies of 1,000,000 words (10,007 distinct)"),
        "json": Bench("2450035000", "emit then parse a ~9 MB JSON document (70,000 objects)"),
        "sort": Bench("1500002", "sort 1,000,000 integers"),
    }),
}


@dataclass
class Peer:
    key: str
    label: str
    folder: str
    ext: str
    # The command that runs a program file; None when the peer is missing.
    command: Callable[[Path], list[str]] | None
    # How to get the peer, when it is missing.
    get: str = ""
    # Appended to the program (one file, for a peer with no way to load two).
    harness: Path | None = None
    # Calls per process: the JVM needs more to warm up.
    runs: Callable[[int], int] = field(default=lambda n: n)
    # The command that prints its version; or the version itself.
    version: list[str] | str = ""


def peers(build: Path) -> list[Peer]:
    """Every peer, with the commands of those installed. `build` is the
    Cargo profile directory (target/release or target/debug)."""
    python = os.environ.get("PYTHON", "python3.11")
    lua = os.environ.get("LUA", "lua5.4")
    glia = build / "examples" / "glia-time"
    rhai = build / "rhai-time"
    # ./scripts/test installs bench/peers (nbb) here; else nbb on PATH.
    local_nbb = measure.ROOT / "target" / "bench-peers" / "node_modules" / ".bin" / "nbb"
    nbb = str(local_nbb) if local_nbb.exists() else "nbb"
    clojure_jar = Path("/usr/share/java/clojure.jar")
    classpath = f"{clojure_jar}:/usr/share/java/data.json.jar"

    def have(exe: str | Path) -> bool:
        exe = str(exe)
        return os.access(exe, os.X_OK) if os.sep in exe else shutil.which(exe) is not None

    return [
        Peer("glia", "Glia", "glia", "glia",
             (lambda f: [str(glia), str(f)]) if have(glia) else None,
             f"cargo build --release -p glia-eval --example glia-time (looked for {glia})",
             version=measure.locked("glia-eval")),
        Peer("python", "CPython", "python", "py",
             (lambda f: [python, str(LANG / "harness.py"), str(f)]) if have(python) else None,
             "install python3.11, or set PYTHON", version=[python, "--version"]),
        Peer("lua", "Lua", "lua", "lua",
             (lambda f: [lua, str(LANG / "harness.lua"), str(f)]) if have(lua) else None,
             "apt-get install lua5.4, or set LUA", version=[lua, "-v"]),
        Peer("clojure", "Clojure (JVM)", "clojure", "cljc",
             (lambda f: ["java", "-cp", classpath, "clojure.main", str(f)])
             if have("java") and clojure_jar.exists() else None,
             "apt-get install clojure libdata-json-clojure", LANG / "harness.cljc",
             runs=lambda n: max(n, 10),
             version=["java", "-cp", str(clojure_jar), "clojure.main", "-e", "(clojure-version)"]),
        Peer("nbb", "nbb", "clojure", "cljc",
             (lambda f: [nbb, str(f)]) if have(nbb) else None,
             "npm ci in bench/peers (./scripts/test does), or npm install -g nbb",
             LANG / "harness.cljc", version=[nbb, "--version"]),
        Peer("rhai", "Rhai", "rhai", "rhai",
             (lambda f: [str(rhai), str(f)]) if have(rhai) else None,
             f"cargo build --release -p rhai-peer (looked for {rhai})", version=measure.locked("rhai")),
    ]


def norm(result: str) -> str:
    """A printed result, so that 7, 7.0 and 7N compare equal."""
    s = result.strip().rstrip("NM")
    try:
        return str(int(s))
    except ValueError:
        pass
    try:
        f = float(s)
        return str(int(f)) if f.is_integer() else repr(f)
    except ValueError:
        return result.strip()


def run_program(peer: Peer, program: Path, runs: int, timeout: float) -> dict:
    """One program on one peer, called `runs` times in one process: cold
    and warm call times, the process's wall time and peak memory, its
    result; or what went wrong."""
    env = {**os.environ, "BENCH_RUNS": str(runs), "PYTHONDONTWRITEBYTECODE": "1"}
    path = program
    if peer.harness:
        with tempfile.NamedTemporaryFile("w", suffix=program.suffix, delete=False) as f:
            f.write(program.read_text() + "\n" + peer.harness.read_text())
            path = Path(f.name)
    try:
        done = measure.run(peer.command(path), env=env, timeout=timeout)
    finally:
        if path != program:
            path.unlink()
    found = measure.calls(done.stdout)
    if done.failure() or not found:
        return {"error": done.failure() or "it printed no `ms ... result ...` line"}
    return {
        "cold_ms": found[0][0],
        "warm_ms": min(ms for ms, _ in found),
        "calls": len(found),
        "wall_ms": done.wall_ms,
        "peak_kib": done.peak_kib,
        "result": found[-1][1],
    }


def run(build: Path, runs: int, smoke: bool, timeout: float, log) -> dict:
    """Every suite on every peer installed: results by suite, bench and
    peer, with the peers' names and versions and what was missing."""
    all_peers = peers(build)
    present = [p for p in all_peers if p.command]
    for p in all_peers:
        if not p.command:
            log(f"language: {p.label} is not installed ({p.get}); its column stays empty")
    def version(p: Peer) -> str:
        if not p.command:
            return ""
        return p.version if isinstance(p.version, str) else measure.version(p.version)

    out = {"peers": {p.key: {"label": p.label, "version": version(p),
                             "missing": "" if p.command else p.get} for p in all_peers},
           "suites": {}}
    for suite, (title, benches) in SUITES.items():
        rows = {}
        for name, bench in benches.items():
            if smoke and not bench.smoke:
                continue
            row = {}
            for peer in present:
                program = LANG / suite / peer.folder / f"{name}.{peer.ext}"
                if not program.exists():
                    continue
                # A smoke pass checks the harness, not the JIT: one call.
                got = run_program(peer, program, runs if smoke else peer.runs(runs), timeout)
                if "result" in got and norm(got["result"]) != norm(bench.expected):
                    got = {"error": f"wrong result {got['result']} (expected {bench.expected})"}
                log(f"language: {suite}/{name} on {peer.label}: "
                    + (got["error"] if "error" in got else
                       f"warm {got['warm_ms']:.1f} ms, cold {got['cold_ms']:.1f} ms, "
                       f"peak {got['peak_kib'] / 1024:.0f} MiB"))
                row[peer.key] = got
            rows[name] = {"what": bench.what, "performs": bench.performs, "peers": row}
        if rows:
            out["suites"][suite] = {"title": title, "benches": rows}
    return out


def failures(results: dict) -> list[str]:
    """What failed, as lines."""
    return [
        f"{suite}/{name} on {peer}: {got['error']}"
        for suite, s in results["suites"].items()
        for name, b in s["benches"].items()
        for peer, got in b["peers"].items()
        if "error" in got
    ]
