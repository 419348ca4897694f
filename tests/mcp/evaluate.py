"""Calling the `eval` tool, for the tests over stdio and over HTTP alike."""

from __future__ import annotations

import os
from pathlib import Path

from mcp import ClientSession

WW = Path(os.environ.get("WW_BIN", "target/debug/ww")).resolve()


async def ok(session: ClientSession, code: str) -> str:
    """The printed value of `code`, which must evaluate."""
    result = await session.call_tool("eval", {"code": code})
    assert not result.is_error, result.content[0].text
    return result.content[0].text


async def fails(session: ClientSession, code: str) -> dict:
    """The structured error of `code`, which must fail."""
    result = await session.call_tool("eval", {"code": code})
    assert result.is_error, f"{code} should have failed: {result.content}"
    return result.structured_content
