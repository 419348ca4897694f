"""`ww mcp` through the official Python MCP SDK: how long starting and
initializing takes, and the round trip of `eval` on a trivial form; over
stdio (`ww mcp`, an in-process node), then over Streamable HTTP (a node's
`/mcp`, its session attached to the node through its socket).

Usage: python latency.py WW [CALLS]
"""

import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

# The harness's node, by path: this runs in the venv, outside the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "harness"))
from node import Node  # noqa: E402


async def round_trips(session: ClientSession, calls: int, what: str) -> None:
    # The first call makes the session (over HTTP, it attaches then).
    first = time.perf_counter()
    await session.call_tool("eval", {"code": "(+ 1 2)"})
    print(f"{what}: first eval: {(time.perf_counter() - first) * 1000:.1f} ms")
    took = []
    for _ in range(calls):
        call = time.perf_counter()
        await session.call_tool("eval", {"code": "(+ 1 2)"})
        took.append((time.perf_counter() - call) * 1e6)
    took.sort()
    at = lambda q: took[min(len(took) - 1, int(q * len(took)))]
    print(f"{what}: eval (+ 1 2), {calls} calls: p50 {at(0.5):.0f} us, "
          f"p90 {at(0.9):.0f} us, p99 {at(0.99):.0f} us")


async def stdio(ww: str, calls: int, home: str) -> None:
    params = StdioServerParameters(command=ww, args=["mcp"], env={**os.environ, "HOME": home})
    start = time.perf_counter()
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            print(f"stdio: start and initialize: {(time.perf_counter() - start) * 1000:.1f} ms")
            await round_trips(session, calls, "stdio")


async def http(ww: str, calls: int, home: str) -> None:
    with Node(ww, home, admin=True) as node:
        node.until()
        url = node.said(re.compile(r"ww: mcp on (http://\S+)")).group(1)
        token = (Path(home) / ".ww" / "mcp-token").read_text().strip()
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as client:
            start = time.perf_counter()
            async with streamable_http_client(url, http_client=client) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    print(f"http: initialize: {(time.perf_counter() - start) * 1000:.1f} ms")
                    await round_trips(session, calls, "http")


async def main(ww: str, calls: int) -> None:
    with tempfile.TemporaryDirectory() as home:
        await stdio(ww, calls, home)
    with tempfile.TemporaryDirectory() as home:
        await http(ww, calls, home)


asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000))
