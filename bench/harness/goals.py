"""The goals the earlier issues set, checked against a run's results: each
met, not met, or not measured in this run."""

from __future__ import annotations


def _get(results: dict, *path):
    for key in path:
        if not isinstance(results, dict) or key not in results:
            return None
        results = results[key]
    return results


def _peer(results, suite, bench, peer):
    got = _get(results, "language", "suites", suite, "benches", bench, "peers", peer)
    return None if not got or "error" in got else got


def _median(rows, what_prefix):
    for r in rows or []:
        if r["what"].startswith(what_prefix) and "median_ns" in r:
            return r["median_ns"]
    return None


def reader(results):
    rows = _get(results, "tools", "reader") or []
    parse = next((r for r in rows if r["what"] == "parse" and "mb_per_s" in r), None)
    if not parse:
        return None
    return parse["mb_per_s"] >= 50, f"{parse['mb_per_s']:.1f} MB/s"


def fib(results):
    glia = _peer(results, "eval", "fib", "glia")
    if not glia:
        return None
    return glia["warm_ms"] < 100, f"{glia['warm_ms']:.1f} ms"


def faster_than(peers):
    def check(results):
        benches = _get(results, "language", "suites", "eval", "benches") or {}
        slower = []
        for name in benches:
            glia = _peer(results, "eval", name, "glia")
            for p in peers:
                other = _peer(results, "eval", name, p)
                if not glia or not other:
                    return None
                if glia["warm_ms"] >= other["warm_ms"]:
                    slower.append(f"{name} vs {p} ({other['warm_ms'] / glia['warm_ms']:.2f}×)")
        if not benches:
            return None
        return not slower, "slower: " + ", ".join(slower) if slower else "faster on all"
    return check


def per_perform(bench, limit_ns):
    def check(results):
        glia = _peer(results, "effects", bench, "glia")
        b = _get(results, "language", "suites", "effects", "benches", bench)
        if not glia or not b:
            return None
        ns = glia["warm_ms"] * 1e6 / b["performs"]
        return ns < limit_ns, f"{ns:,.0f} ns per perform ({bench})"
    return check


def library_vs_nbb(results):
    benches = _get(results, "language", "suites", "library", "benches") or {}
    ratios = []
    for name in benches:
        glia, nbb = _peer(results, "library", name, "glia"), _peer(results, "library", name, "nbb")
        if not glia or not nbb:
            return None
        ratios.append((name, nbb["warm_ms"] / glia["warm_ms"]))
    if not ratios:
        return None
    return all(r > 1 for _, r in ratios), ", ".join(f"{n} {r:.2f}×" for n, r in ratios)


def startup(results):
    got = _get(results, "startup", "eval_nil")
    if not got or "error" in got:
        return None
    return got["best_ms"] < 10, f"best {got['best_ms']:.1f} ms"


def lsp(results):
    rows = _get(results, "tools", "lsp", "rows")
    if not rows:
        return None
    worst = max(rows, key=lambda r: r["p95_ms"])
    return worst["p95_ms"] < 50, f"worst p95 {worst['p95_ms']:.1f} ms ({worst['what']})"


def spawn(results):
    ns = _median(_get(results, "cells", "criterion"), "spawn + run + teardown, echo component")
    if ns is None:
        return None
    return ns < 50_000, f"{ns / 1e3:.1f} µs"


def guard(results):
    rows = _get(results, "capabilities", "criterion")
    direct = _median(rows, "local call, `ByteStream.read(0)`, direct")
    guarded = _median(rows, "the same through one membrane guard")
    if direct is None or guarded is None:
        return None
    return guarded - direct < 300, f"{guarded - direct:,.0f} ns a call"


def load(results):
    got = _get(results, "cells", "load")
    if not got or "error" in got:
        return None
    return got["req_per_s"] >= 5000 and got["errors"] == 0, \
        f"{got['req_per_s']:,} req/s, {got['errors']} errors"


GOALS = [
    ("2", "reader: lexing + parsing at least 50 MB/s", reader),
    ("3", "fib(30) under 100 ms", fib),
    ("3", "every evaluator benchmark faster than CPython and Lua", faster_than(["python", "lua"])),
    ("4", "under 100 ns per tail-resumptive perform", per_perform("countdown", 100)),
    ("4", "under 1 µs per general (non-tail) resume", per_perform("resume_nontail", 1000)),
    ("5", "the core library faster than nbb on all four", library_vs_nbb),
    ("5", "`ww eval` starts in under 10 ms", startup),
    ("7", "language server: diagnostics after an edit and completion under 50 ms p95", lsp),
    ("8", "spawn + run + teardown of a component under 50 µs (median)", spawn),
    ("9", "a membrane guard adds under 300 ns a call", guard),
    ("10", "`/status` at least 5,000 req/s at concurrency 64, no errors", load),
]


def check(results: dict) -> list[tuple[str, str, str, str]]:
    """(issue, goal, verdict, measured) for every goal."""
    out = []
    for issue, goal, test in GOALS:
        got = test(results)
        if got is None:
            out.append((issue, goal, "not measured", ""))
        else:
            met, measured = got
            out.append((issue, goal, "met" if met else "**not met**", measured))
    return out
