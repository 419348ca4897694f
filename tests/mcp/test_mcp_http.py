"""A node's MCP endpoint (`/mcp` on its admin plane, Streamable HTTP) driven
by the official Python MCP SDK.

Each node is a real `ww run` with HOME in a temporary directory, listening
on loopback only (ports the system picks). $WW_BIN is the `ww` binary.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import subprocess
import threading
from pathlib import Path

import httpx2
import pytest
from evaluate import WW, fails, ok
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client



class Node:
    """A `ww run` on loopback, its stderr kept, stopped when the test ends."""

    def __init__(self, home: Path, *args: str):
        self.home = home
        self.proc = subprocess.Popen(
            [
                str(WW), "run",
                "--listen", "/ip4/127.0.0.1/tcp/0",
                "--http-listen", "127.0.0.1:0",
                "--with-http-admin", "127.0.0.1:0",
                *args,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "HOME": str(home)},
            text=True,
        )
        self.lines: list[str] = []
        ready = threading.Event()

        # Read on, so a node that goes on logging never blocks on a full pipe.
        def drain():
            for line in self.proc.stderr:
                self.lines.append(line)
                if line.startswith("ww: ready"):
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        ready.wait(50)
        log = "".join(self.lines)
        admin = re.search(r"ww: admin on (http://\S+)", log)
        assert admin and "ww: ready" in log, f"the node did not come up:\n{log}"
        self.admin = admin.group(1)
        self.url = self.admin + "/mcp"

    @property
    def token(self) -> str:
        return (self.home / ".ww" / "mcp-token").read_text().strip()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


@contextlib.contextmanager
def node(home: Path, *args: str):
    n = Node(home, *args)
    try:
        yield n
    finally:
        n.stop()


@contextlib.asynccontextmanager
async def session(n: Node, token: str | None = None):
    headers = {"Authorization": f"Bearer {token or n.token}"}
    async with httpx2.AsyncClient(headers=headers) as http:
        async with streamable_http_client(n.url, http_client=http) as (read, write):
            async with ClientSession(read, write) as s:
                await s.initialize()
                yield s




@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    with node(tmp_path_factory.mktemp("home")) as n:
        yield n


def test_the_token_is_made_private_and_kept_across_restarts(tmp_path):
    with node(tmp_path) as n:
        path = tmp_path / ".ww" / "mcp-token"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        first = n.token
        assert re.fullmatch(r"[0-9a-f]{64}", first)
        assert f"mcp on {n.url} (the bearer token is in {path})" in "".join(n.lines)
    with node(tmp_path) as n:
        assert n.token == first


def test_requests_without_the_token_are_refused_with_how_to_get_it(shared):
    for headers in ({}, {"Authorization": "Bearer not-the-token"}, {"Authorization": shared.token}):
        r = httpx2.post(
            shared.url,
            headers={**headers, "Accept": "application/json, text/event-stream"},
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        )
        assert r.status_code == 401, r.text
        assert r.headers["www-authenticate"] == "Bearer"
        assert str(shared.home / ".ww" / "mcp-token") in r.text
    # The rest of the admin plane stays open, as before.
    assert httpx2.get(shared.admin + "/healthz").status_code == 200
    assert httpx2.get(shared.admin + "/nothing").status_code == 404


async def test_a_session_holds_the_nodes_own_capabilities_and_keeps_definitions(shared):
    peer = httpx2.get(shared.admin + "/host/id").text.strip()
    async with session(shared) as s:
        assert s.initialize_result.server_info.name == "wetware"
        tools = {t.name for t in (await s.list_tools()).tools}
        assert tools == {"eval", "describe", "doc", "reset"}
        assert await ok(s, "(defn twice [x] (* 2 x))") == "#'user/twice"
        assert await ok(s, "(twice 21)") == "42"
        assert json.loads(await ok(s, "(perform host :id)")) == peer
        result = await s.call_tool("eval", {"code": '(perform :stdout "hi\\n") :done'})
        assert result.structured_content == {"value": ":done", "stdout": "hi\n"}


async def test_sessions_are_apart(shared):
    async with session(shared) as a, session(shared) as b:
        await ok(a, "(def only-in-a 1)")
        error = await fails(b, "only-in-a")
        assert error["type"] == ":glia.error/unbound-symbol"
        assert await ok(a, "only-in-a") == "1"


async def test_limits_end_an_evaluation_and_the_session_goes_on(tmp_path):
    with node(tmp_path, "--mcp-fuel", "100000") as n:
        async with session(n) as s:
            await ok(s, "(def kept :yes)")
            error = await fails(s, "(loop [] (recur))")
            assert error["type"] == ":glia.error/fuel-exhausted"
            assert await ok(s, "kept") == ":yes"


async def test_grants_narrow_the_endpoints_sessions(tmp_path):
    with node(tmp_path, "--mcp-grant", "host:id") as n:
        async with session(n) as s:
            assert (await ok(s, "(perform host :id)")).startswith('"12D3KooW')
            error = await fails(s, "(perform host :addrs)")
            assert error["type"] == ":glia.error/permission-denied", error
            described = (await s.call_tool("describe", {})).structured_content
            by_name = {c["name"]: c["methods"] for c in described["capabilities"]}
            assert by_name["host"] == [":id"]
            assert by_name["routing"] == []


def test_a_bad_grant_stops_the_node_before_it_boots(tmp_path):
    run = subprocess.run(
        [str(WW), "run", "--listen", "/ip4/127.0.0.1/tcp/0", "--http-listen", "127.0.0.1:0",
         "--with-http-admin", "127.0.0.1:0", "--mcp-grant", "host:nope"],
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True, text=True, timeout=50,
    )
    assert run.returncode == 1
    assert "host has no method :nope" in run.stderr
    assert "ww: ready" not in run.stderr


async def test_each_node_serves_its_own_capabilities_not_another_nodes(tmp_path):
    # Two nodes on one machine (one HOME, two keys): a session on the first
    # must hold the first, though the second is the newest `ww shell` finds.
    keys = tmp_path / "keys"
    with node(tmp_path, "--identity", str(keys / "first")) as first:
        with node(tmp_path, "--identity", str(keys / "second")) as second:
            ids = [httpx2.get(n.admin + "/host/id").text.strip() for n in (first, second)]
            assert ids[0] != ids[1]
            for n, peer in zip((first, second), ids):
                async with session(n) as s:
                    assert json.loads(await ok(s, "(perform host :id)")) == peer
