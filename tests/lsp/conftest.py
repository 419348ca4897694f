"""Fixtures for the language server tests.

`client` is a pytest-lsp client (VS Code's capabilities) talking to
`$WW_BIN lsp` over stdio, initialized with `workspace` as its workspace
folder, and shut down after the test. `workspace` is an empty temporary
folder; `@pytest.mark.files({"a.glia": "..."})` fills it before the server
starts. Helpers are in helpers.py.

The server runs with $XDG_CACHE_HOME set to a temporary directory
(helpers.CACHE_HOME, removed when the run ends), where it writes the standard
library's sources for goto-definition.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities

from helpers import WAIT_SECONDS, GliaClient, make_client, server_env, ww_bin

WW = ww_bin()


@pytest.fixture(scope="session", autouse=True)
def _ww_is_built():
    if not WW.is_file():
        pytest.fail(
            f"no ww binary at {WW}: build it (cargo build -p runtime) "
            "or set WW_BIN to its absolute path",
            pytrace=False,
        )


@pytest.fixture
def workspace(request, tmp_path) -> Path:
    root = tmp_path / "workspace"
    root.mkdir()
    marker = request.node.get_closest_marker("files")
    if marker is not None:
        for name, text in marker.args[0].items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return root


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[str(WW), "lsp"],
        client_factory=make_client,
        server_env=server_env(),
    )
)
async def client(lsp_client: GliaClient, workspace):
    try:
        lsp_client.initialize_result = await asyncio.wait_for(
            lsp_client.initialize_session(
                types.InitializeParams(
                    capabilities=client_capabilities("visual-studio-code"),
                    client_info=types.ClientInfo(name="pytest-lsp"),
                    root_uri=workspace.as_uri(),
                    workspace_folders=[
                        types.WorkspaceFolder(
                            uri=workspace.as_uri(), name=workspace.name
                        )
                    ],
                )
            ),
            WAIT_SECONDS,
        )
    except BaseException:
        server = lsp_client._server
        if server is not None and server.returncode is not None:
            pytest.fail(
                f"`{WW} lsp` exited with code {server.returncode} before answering "
                "initialize (its stderr is under 'Captured stderr setup')",
                pytrace=False,
            )
        await kill(lsp_client)
        raise
    yield
    await shut_down(lsp_client)


async def shut_down(client: GliaClient) -> None:
    """shutdown, then exit; the server must end by itself. A server that
    does not is killed (so the suite goes on) and the test fails."""
    server = client._server
    if server is None or server.returncode is not None:
        return
    if client.capabilities is None or client.error is not None:
        await kill(client)
        return
    try:
        await asyncio.wait_for(client.shutdown_session(), WAIT_SECONDS)
    except TimeoutError:
        pass
    if server.returncode is None:
        await kill(client)
        pytest.fail(
            f"the server did not exit within {WAIT_SECONDS}s of shutdown and exit"
        )


async def kill(client: GliaClient) -> None:
    server = client._server
    if server is not None and server.returncode is None:
        server.kill()
        await server.wait()
