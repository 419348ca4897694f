"""`ww mcp` driven by the official Python MCP SDK (a real client).

Each test starts its own server with HOME in a fresh temporary directory, so
no node runs there and the session makes an in-process one. $WW_BIN is the
`ww` binary.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from pathlib import Path

import pytest
from evaluate import WW, fails, ok
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client



@contextlib.asynccontextmanager
async def server(home: Path, *args: str):
    params = StdioServerParameters(
        command=str(WW), args=["mcp", *args], env={**os.environ, "HOME": str(home)}
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            yield session




async def test_the_tools_are_listed_with_their_inputs(tmp_path):
    async with server(tmp_path) as s:
        tools = {t.name: t for t in (await s.list_tools()).tools}
        assert set(tools) == {"eval", "describe", "doc", "reset"}
        assert tools["eval"].input_schema["required"] == ["code"]
        assert tools["doc"].input_schema["required"] == ["name"]
        assert s.initialize_result.server_info.name == "wetware"


async def test_definitions_persist_and_values_print_readably(tmp_path):
    async with server(tmp_path) as s:
        assert await ok(s, "(def greeting \"hi\") (defn twice [x] (* 2 x))") == "#'user/twice"
        assert await ok(s, "(twice 21)") == "42"
        assert await ok(s, "[greeting {:a 1} #{}]") == '["hi" {:a 1} #{}]'


async def test_stdout_comes_back_beside_the_value_not_over_the_protocol(tmp_path):
    async with server(tmp_path) as s:
        result = await s.call_tool("eval", {"code": '(perform :stdout "line\\n") :done'})
        assert not result.is_error
        assert result.structured_content == {"value": ":done", "stdout": "line\n"}
        assert [c.text for c in result.content] == [":done", "stdout:\nline\n"]
        # The protocol stream survived the output: the session goes on.
        assert await ok(s, "(+ 1 2)") == "3"


async def test_errors_are_tool_errors_with_type_message_hint_and_place(tmp_path):
    async with server(tmp_path) as s:
        error = await fails(s, "(def a 1)\n(+ a\n   (/ 1 0))")
        assert error["type"] == ":glia.error/arithmetic"
        assert error["message"] == "divide by zero"
        assert (error["source"], error["line"]) == ("<mcp>", 3)
        error = await fails(s, "(undefined-thing 1)")
        assert error["type"] == ":glia.error/unbound-symbol"
        assert error["hint"]
        error = await fails(s, "(+ 1")
        assert error["type"] == ":glia.error/syntax"


async def test_a_granted_method_is_called_and_others_are_denied(tmp_path):
    async with server(tmp_path, "--grant", "host:id") as s:
        peer = json.loads(await ok(s, "(perform host :id)"))
        assert peer.startswith("12D3KooW")
        error = await fails(s, "(perform host :peers)")
        assert error["type"] == ":glia.error/permission-denied", error
        error = await fails(s, '(perform runtime :load "bin/echo.wasm")')
        assert error["type"] == ":glia.error/permission-denied", error
        described = (await s.call_tool("describe", {})).structured_content
        by_name = {c["name"]: c["methods"] for c in described["capabilities"]}
        assert by_name["host"] == [":id"]
        assert by_name["runtime"] == []


async def test_without_grants_every_root_is_whole(tmp_path):
    async with server(tmp_path) as s:
        described = (await s.call_tool("describe", {})).structured_content
        by_name = {c["name"]: c["methods"] for c in described["capabilities"]}
        assert set(by_name) == {"host", "runtime", "routing", "identity"}
        assert ":peers" in by_name["host"]


async def test_a_bad_grant_stops_the_server_with_the_reason(tmp_path):
    proc = await asyncio.create_subprocess_exec(
        str(WW), "mcp", "--grant", "host:nope",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    out, err = await proc.communicate()
    assert proc.returncode == 1
    assert out == b""
    assert b"host has no method :nope" in err
    assert b":id" in err


async def test_limits_end_an_evaluation_cleanly_and_the_session_goes_on(tmp_path):
    async with server(tmp_path, "--fuel", "100000", "--timeout", "60s") as s:
        error = await fails(s, "(loop [] (recur))")
        assert error["type"] == ":glia.error/fuel-exhausted"
        assert "--fuel" in error["hint"]
        assert await ok(s, "(+ 1 2)") == "3"
    async with server(tmp_path, "--fuel", "1000000000000", "--timeout", "1s") as s:
        error = await fails(s, "(loop [] (recur))")
        assert error["type"] == ":glia.error/deadline-exceeded"
        assert await ok(s, ":still-here") == ":still-here"
    async with server(tmp_path, "--max-memory", "1MiB") as s:
        error = await fails(s, "(count (vec (range 1000000)))")
        assert error["type"] == ":glia.error/memory-limit"


async def test_files_and_exit_are_not_the_sessions(tmp_path):
    (tmp_path / "secret").write_text("no")
    async with server(tmp_path) as s:
        error = await fails(s, f'(perform :load "{tmp_path / "secret"}")')
        assert error["type"] == ":glia.error/permission-denied"
        error = await fails(s, "(perform :exit 0)")
        assert error["type"] == ":glia.error/permission-denied"
        assert await ok(s, "1") == "1"


async def test_doc_describes_vars_and_special_forms(tmp_path):
    async with server(tmp_path) as s:
        text = (await s.call_tool("doc", {"name": "map"})).content[0].text
        assert text.startswith("glia.core/map\n") and "[f coll]" in text
        text = (await s.call_tool("doc", {"name": "if"})).content[0].text
        assert "special form" in text
        await ok(s, '(defn shout "Upper-cases s." [s] s)')
        text = (await s.call_tool("doc", {"name": "shout"})).content[0].text
        assert "Upper-cases s." in text
        missing = await s.call_tool("doc", {"name": "no-such-thing"})
        assert missing.is_error


async def test_reset_starts_over(tmp_path):
    async with server(tmp_path) as s:
        await ok(s, "(def x 1)")
        assert not (await s.call_tool("reset", {})).is_error
        error = await fails(s, "x")
        assert error["type"] == ":glia.error/unbound-symbol"


async def test_unknown_tools_and_bad_arguments_are_protocol_errors(tmp_path):
    from mcp.shared.exceptions import MCPError

    async with server(tmp_path) as s:
        with pytest.raises(MCPError) as e:
            await s.call_tool("no-such-tool", {})
        assert e.value.error.code == -32602
        result = await s.call_tool("eval", {"wrong": "argument"})
        assert result.is_error and "code" in result.content[0].text


async def test_malformed_json_rpc_is_answered_with_json_rpc_errors(tmp_path):
    proc = await asyncio.create_subprocess_exec(
        str(WW), "mcp",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    proc.stdin.write(b'this is not json\n{"id": 4, "method": "tools/list"}\n')
    await proc.stdin.drain()
    first = json.loads(await proc.stdout.readline())
    second = json.loads(await proc.stdout.readline())
    assert (first["id"], first["error"]["code"]) == (None, -32700)
    assert (second["id"], second["error"]["code"]) == (4, -32600)
    # A client that leaves before the handshake ends the server, which says so.
    proc.stdin.close()
    assert await asyncio.wait_for(proc.wait(), 30) == 1
    assert b"the MCP handshake failed" in await proc.stderr.read()


async def test_the_reference_and_the_library_are_resources(tmp_path):
    from mcp.shared.exceptions import MCPError

    async with server(tmp_path) as s:
        uris = {str(r.uri) for r in (await s.list_resources()).resources}
        assert {"glia://docs/syntax", "glia://docs/effects", "glia://stdlib/glia.core",
                "glia://stdlib/glia.string"} <= uris
        page = (await s.read_resource("glia://docs/effects")).contents[0].text
        assert page.startswith("# Effects")
        page = (await s.read_resource("glia://stdlib/glia.string")).contents[0].text
        assert page.startswith("# glia.string") and "\n## join\n" in page
        with pytest.raises(MCPError):
            await s.read_resource("glia://docs/nothing")


async def test_a_prompt_guides_an_llm_writing_glia(tmp_path):
    async with server(tmp_path) as s:
        names = [p.name for p in (await s.list_prompts()).prompts]
        assert names == ["write-glia"]
        prompt = await s.get_prompt("write-glia")
        text = prompt.messages[0].content.text
        assert "Capabilities are values" in text and "(perform host :id)" in text


async def test_a_policy_file_narrows_what_the_grants_left(tmp_path):
    policy = tmp_path / "policy.glia"
    policy.write_text("{host [:id :peers]\n routing :all}\n")
    async with server(tmp_path, "--grant", "host:id,addrs", "--policy", str(policy)) as s:
        described = (await s.call_tool("describe", {})).structured_content
        by_name = {c["name"]: c["methods"] for c in described["capabilities"]}
        # --grant left host :id :addrs; the policy keeps :id :peers of it.
        assert by_name["host"] == [":id"]
        # The grant named only host: routing keeps nothing, policy or not.
        assert by_name["routing"] == []
    async with server(tmp_path, "--policy", str(policy)) as s:
        described = (await s.call_tool("describe", {})).structured_content
        by_name = {c["name"]: c["methods"] for c in described["capabilities"]}
        assert by_name["host"] == [":id", ":peers"]
        assert ":find-providers" in by_name["routing"]
        assert by_name["identity"] == []
        error = await fails(s, '(perform identity :signer "x")')
        assert error["type"] == ":glia.error/permission-denied"


async def test_a_bad_policy_stops_the_server_with_the_reason(tmp_path):
    policy = tmp_path / "policy.glia"
    policy.write_text("{host \"everything\"}")
    proc = await asyncio.create_subprocess_exec(
        str(WW), "mcp", "--policy", str(policy),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    out, err = await proc.communicate()
    assert proc.returncode == 1 and out == b""
    assert b"a vector of methods or :all" in err
