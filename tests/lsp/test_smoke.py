"""The server starts, answers initialize, and publishes diagnostics as a
client opens and edits documents."""

from __future__ import annotations

from lsprotocol import types

from helpers import (
    assert_diagnostic_shape,
    change_document,
    has_diagnostics,
    no_diagnostics,
    open_document,
    overlaps,
    range_of,
    wait_for_diagnostics,
)


async def test_initialize_states_text_document_sync(client):
    result = client.initialize_result
    assert result is not None
    sync = result.capabilities.text_document_sync
    assert sync is not None, result.capabilities
    if isinstance(sync, types.TextDocumentSyncOptions):
        assert sync.open_close, sync
        assert sync.change in (
            types.TextDocumentSyncKind.Full,
            types.TextDocumentSyncKind.Incremental,
        ), sync
    else:
        assert sync in (
            types.TextDocumentSyncKind.Full,
            types.TextDocumentSyncKind.Incremental,
        ), sync


async def test_wrong_argument_count_is_diagnosed(client, workspace):
    text = "(defn f [x] (inc x)) (f 1 2)"
    uri = open_document(client, workspace / "arity.glia", text)
    diagnostics = await wait_for_diagnostics(client, uri, until=has_diagnostics)
    for d in diagnostics:
        assert_diagnostic_shape(d, text)
    call = range_of(text, "(f 1 2)")
    assert any(overlaps(d.range, call) for d in diagnostics), diagnostics


async def test_unbound_symbol_is_diagnosed(client, workspace):
    text = "(let [a 1] (unknown-thing a))"
    uri = open_document(client, workspace / "unbound.glia", text)
    diagnostics = await wait_for_diagnostics(client, uri, until=has_diagnostics)
    for d in diagnostics:
        assert_diagnostic_shape(d, text)
    symbol = range_of(text, "unknown-thing")
    assert any(overlaps(d.range, symbol) for d in diagnostics), diagnostics


async def test_unclosed_paren_is_diagnosed(client, workspace):
    text = "(defn g [x]"
    uri = open_document(client, workspace / "unclosed.glia", text)
    diagnostics = await wait_for_diagnostics(client, uri, until=has_diagnostics)
    for d in diagnostics:
        assert_diagnostic_shape(d, text)


async def test_fixing_the_text_clears_its_diagnostics(client, workspace):
    uri = open_document(client, workspace / "fixed.glia", "(defn g [x]")
    await wait_for_diagnostics(client, uri, until=has_diagnostics)
    change_document(client, uri, "(defn g [x] x)", version=2)
    await wait_for_diagnostics(client, uri, until=no_diagnostics, version=2)
