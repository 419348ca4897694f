"""`ww mcp` through the official Python MCP SDK: how long starting and
initializing takes, and the round trip of `eval` on a trivial form.

Usage: python latency.py WW [CALLS]
"""

import asyncio
import os
import sys
import tempfile
import time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main(ww: str, calls: int) -> None:
    with tempfile.TemporaryDirectory() as home:
        params = StdioServerParameters(command=ww, args=["mcp"], env={**os.environ, "HOME": home})
        start = time.perf_counter()
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                print(f"start and initialize: {(time.perf_counter() - start) * 1000:.1f} ms")
                took = []
                for _ in range(calls):
                    call = time.perf_counter()
                    await session.call_tool("eval", {"code": "(+ 1 2)"})
                    took.append((time.perf_counter() - call) * 1e6)
                took.sort()
                at = lambda q: took[min(len(took) - 1, int(q * len(took)))]
                print(f"eval (+ 1 2), {calls} calls: p50 {at(0.5):.0f} us, "
                      f"p90 {at(0.9):.0f} us, p99 {at(0.99):.0f} us")


asyncio.run(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000))
