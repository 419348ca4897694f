"""An LLM-style MCP session with `ww mcp`, printed as a transcript.

A real MCP client (the official Python SDK) drives `ww mcp` over stdio the
way an LLM agent does: it discovers the tools and the capabilities in
scope, calls what it was granted, meets a denial, and works within it. The
session holds only what examples/llm/policy.glia allows.

    python examples/llm/session.py [WW]     # WW defaults to target/debug/ww

Run with HOME in a fresh directory, `ww mcp` makes an in-process node
(loopback only). What differs between runs (peer ids, ports) is masked, so
the transcript is the same each time: examples/llm/transcript.txt is this
script's output, and crates/runtime/tests/it/examples/llm.rs checks it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import tempfile
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

HERE = Path(__file__).resolve().parent


def masked(text: str) -> str:
    text = re.sub(r"12D3KooW[1-9A-HJ-NP-Za-km-z]+", "12D3KooW…", text)
    return re.sub(r"/(tcp|udp)/\d+", r"/\1/PORT", text)


def show(arrow: str, text: str) -> None:
    print(f"{arrow} {masked(text.rstrip())}")


async def call(session: ClientSession, tool: str, arguments: dict) -> None:
    show("→", f"{tool} {json.dumps(arguments)}")
    result = await session.call_tool(tool, arguments)
    if result.is_error:
        error = result.structured_content or {}
        show("← error", f"{error.get('type')}: {error.get('message')}")
        if error.get("hint"):
            show("  hint", error["hint"])
    else:
        for content in result.content:
            show("←", content.text)
    print()


async def main(ww: str) -> None:
    home = tempfile.mkdtemp(prefix="ww-llm-")
    params = StdioServerParameters(
        command=ww,
        args=["mcp", "--policy", str(HERE / "policy.glia"), "--fuel", "1000000"],
        env={**os.environ, "HOME": home},
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            print(f"# connected to {init.server_info.name} (MCP {init.protocol_version})")
            print()
            tools = (await session.list_tools()).tools
            print("tools:", ", ".join(t.name for t in tools))
            prompts = (await session.list_prompts()).prompts
            print("prompts:", ", ".join(p.name for p in prompts))
            print()

            # What may this session touch? The LLM asks before it acts.
            await call(session, "describe", {})
            # Who is this node?
            await call(session, "eval", {"code": "(perform host :id)"})
            # Its peers were not granted: a denial, with the reason.
            await call(session, "eval", {"code": "(perform host :peers)"})
            # Narrowing further is allowed; widening gets nothing more.
            await call(
                session,
                "eval",
                {"code": "(perform (attenuate host [:id :peers]) :peers)"},
            )
            # Running cells was not granted at all: `runtime` allows nothing.
            await call(session, "eval", {"code": "(perform runtime :load nil)"})
            # Within the grant, the LLM builds what it needs; definitions last
            # for the session.
            await call(
                session,
                "eval",
                {
                    "code": "(defn whereabouts []\n"
                    "  {:id (perform host :id)\n"
                    "   :loopback (filterv #(re-find #\"/127.0.0.1/\" %) (perform host :addrs))})"
                },
            )
            await call(session, "eval", {"code": "(whereabouts)"})
            await call(session, "eval", {"code": "(perform routing :find-providers \"oracle\")"})
            # A runaway loop ends at the fuel limit; the session goes on.
            await call(session, "eval", {"code": "(loop [n 0] (recur (inc n)))"})
            await call(session, "doc", {"name": "attenuate"})


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "target/debug/ww"))
