"""A `ww run` on loopback for a benchmark: booted with a home of its own,
its stderr read line by line until what is awaited. The fetch and
startup sections and bench/mcp/latency.py boot nodes through it.

Standard library only, importable on its own (latency.py runs in the
venv and imports it by path)."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from pathlib import Path

READY = re.compile(r"^ww: ready$")


class Node:
    """`ww run ARGS` with HOME at `home`, every address on loopback. The
    admin plane (and its `/mcp`) is served only if `admin`."""

    def __init__(self, ww: Path | str, home: Path | str, *args: str, admin: bool = False):
        loopback = ["--listen", "/ip4/127.0.0.1/tcp/0", "--http-listen", "127.0.0.1:0",
                    "--with-http-admin", "127.0.0.1:0" if admin else "off"]
        self.proc = subprocess.Popen([str(ww), "run", *loopback, *args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     env={**os.environ, "HOME": str(home)})
        self.log: list[str] = []
        # A node that never says what is awaited is stopped, ending the wait.
        self.deadline = threading.Timer(300, self.proc.kill)
        self.deadline.start()

    def until(self, pattern: re.Pattern = READY) -> re.Match:
        """The first line from now on that `pattern` finds (default: the
        node is ready); an error if the node stops first."""
        for line in self.proc.stderr:
            self.log.append(line)
            m = pattern.search(line.rstrip("\n"))
            if m:
                return m
        raise RuntimeError("the node stopped before it said what was awaited:\n" + "".join(self.log[-5:]))

    def said(self, pattern: re.Pattern) -> re.Match | None:
        """What `pattern` finds in what the node has said so far."""
        return next((m for m in map(pattern.search, self.log) if m), None)

    def stop(self):
        self.deadline.cancel()
        self.proc.terminate()
        self.proc.wait(30)

    def __enter__(self) -> Node:
        return self

    def __exit__(self, *_):
        self.stop()
