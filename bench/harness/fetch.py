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
import threading
import time
from pathlib import Path

FETCHED = re.compile(r"ww: fetched (\d+) blocks \(([^)]+)\) of \S+ from peers in (\S+)")
LOOPBACK = ["--listen", "/ip4/127.0.0.1/tcp/0", "--http-listen", "127.0.0.1:0", "--with-http-admin", "off"]


class Node:
    """A `ww run` whose stderr is read line by line until what is awaited."""

    def __init__(self, ww: Path, home: Path, *args: str):
        self.proc = subprocess.Popen([str(ww), "run", *LOOPBACK, *args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, "HOME": str(home)})
        self.log: list[str] = []
        # A node that never says what is awaited is stopped, ending the wait.
        self.deadline = threading.Timer(300, self.proc.kill)
        self.deadline.start()

    def until(self, pattern: re.Pattern) -> re.Match:
        for line in self.proc.stderr:
            self.log.append(line)
            m = pattern.search(line)
            if m:
                return m
        raise RuntimeError("the node stopped before it said what was awaited:\n" + "".join(self.log[-5:]))

    def stop(self):
        self.deadline.cancel()
        self.proc.terminate()
        self.proc.wait(30)


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
            a.until(re.compile(r"ww: ready"))
            peer = next(l.split()[-1] for l in a.log if l.startswith("ww: peer id"))
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
