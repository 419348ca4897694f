"""The fetch section: an image fetched between two nodes on loopback.
Node A holds it (`ww push`); node B boots `/ipfs/CID` with A as its
bootstrap peer and fetches every block from A. B reports the fetch
("ww: fetched N blocks (SIZE) of ... in TIME"); the wall time is from B's
start to that report."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from .node import Node

FETCHED = re.compile(r"ww: fetched (\d+) blocks \(([^)]+)\) of \S+ from peers in (\S+)")


def run(ww: Path, smoke: bool, log) -> dict:
    mib, rounds = (1, 1) if smoke else (64, 3)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        (work / "image").mkdir()
        (work / "image" / "data.bin").write_bytes(os.urandom(mib << 20))
        env = {**os.environ, "HOME": str(work / "a")}
        pushed = subprocess.run([str(ww), "push", str(work / "image")], env=env, capture_output=True, text=True)
        if pushed.returncode != 0:
            return {"error": "ww push failed: " + pushed.stderr.strip()[-300:]}
        cid = pushed.stdout.strip()
        a = Node(ww, work / "a")
        try:
            addr = a.until(re.compile(r"ww: libp2p on (\S+)")).group(1)
            a.until()
            peer = a.said(re.compile(r"ww: peer id (\S+)")).group(1)
            out = {"mib": mib, "rounds": []}
            for _ in range(rounds):
                start = time.perf_counter()
                b = Node(ww, work / f"b{len(out['rounds'])}", "--bootstrap", f"{addr}/p2p/{peer}", f"/ipfs/{cid}")
                try:
                    m = b.until(FETCHED)
                    out["rounds"].append({"blocks": int(m.group(1)), "size": m.group(2), "took": m.group(3),
                                          "wall_ms": (time.perf_counter() - start) * 1000})
                except RuntimeError as e:
                    return {"error": str(e)}
                finally:
                    b.stop()
        finally:
            a.stop()
    for r in out["rounds"]:
        log(f"fetch: {r['blocks']} blocks ({r['size']}) in {r['took']}; B's boot to its report {r['wall_ms']:.0f} ms")
    return out


def failures(results: dict) -> list[str]:
    return [f"fetch: {results['error']}"] if "error" in results else []
