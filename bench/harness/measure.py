"""Running one program and measuring it: wall time, peak memory, output."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class Run:
    """A finished program: its exit status, wall time, peak resident memory
    and output."""

    code: int
    wall_ms: float
    peak_kib: int
    stdout: str
    stderr: str
    timed_out: bool = False

    def failure(self) -> str | None:
        """Why this run failed, or None."""
        if self.timed_out:
            return "timed out"
        if self.code != 0:
            tail = (self.stderr or self.stdout).strip().splitlines()[-3:]
            return f"exit {self.code}: " + " | ".join(tail)
        return None


# GNU time, when installed: see `run`.
GNU_TIME = Path("/usr/bin/time")


def run(cmd: list[str], env: dict | None = None, timeout: float = 600, cwd: Path = ROOT) -> Run:
    """Runs `cmd` to its end (killed after `timeout` seconds), with its wall
    time and peak memory.

    The kernel counts a process's peak memory from before its exec: one
    started from this (Python) process is charged this process's size, some
    17 MiB. GNU time forks the program from its own small image, so with it
    the peak is the program's; without it, small peaks read as this floor."""
    start = time.perf_counter()
    peak_file = None
    if GNU_TIME.exists():
        fd, peak_file = tempfile.mkstemp(prefix="ww-bench-peak")
        os.close(fd)
        cmd = [str(GNU_TIME), "-q", "-o", peak_file, "-f", "%M", *cmd]
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    out: dict[str, str] = {}
    readers = [
        threading.Thread(target=lambda name=name, f=f: out.__setitem__(name, f.read()))
        for name, f in (("stdout", proc.stdout), ("stderr", proc.stderr))
    ]
    for r in readers:
        r.start()
    killed = threading.Event()

    def kill():
        killed.set()
        proc.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    wall = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join()
    peak = usage.ru_maxrss
    if peak_file:
        text = Path(peak_file).read_text().strip().splitlines()
        os.unlink(peak_file)
        if text and text[-1].isdigit():
            peak = int(text[-1])
    return Run(
        code=proc.returncode,
        wall_ms=wall,
        peak_kib=peak,
        stdout=out.get("stdout", ""),
        stderr=out.get("stderr", ""),
        timed_out=killed.is_set(),
    )


CALL = re.compile(r"^ms (\S+) result (.*)$")


def calls(stdout: str) -> list[tuple[float, str]]:
    """The `ms <milliseconds> result <value>` lines every language's harness
    prints, one per call."""
    found = []
    for line in stdout.splitlines():
        m = CALL.match(line.strip())
        if m:
            found.append((float(m.group(1)), m.group(2).strip()))
    return found


def version(cmd: list[str]) -> str:
    """The version number a program prints of itself, or ''."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    m = re.search(r"\d+\.\d+(\.\d+)?", p.stdout or p.stderr)
    return m.group(0) if m else ""


def locked(crate: str) -> str:
    """The version of `crate` in Cargo.lock, or ''."""
    m = re.search(r'name = "' + re.escape(crate) + r'"\nversion = "([^"]+)"',
                  (ROOT / "Cargo.lock").read_text())
    return m.group(1) if m else ""
