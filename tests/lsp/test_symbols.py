"""textDocument/documentSymbol and workspace/symbol: the top-level
definitions of a document, and of every .glia file of the workspace."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import (
    change_document,
    doc_id,
    open_and_wait,
    open_document,
    path_of_uri,
    range_of,
    wait_for_diagnostics,
)

SHAPES = (
    "(ns app.shapes)\n"
    "\n"
    "(def ^:private pi 3.14)\n"
    "\n"
    '(defn area\n  "Area of a circle."\n  [r]\n  (* pi r r))\n'
    "\n"
    "(defmacro unless [c & body]\n  `(if ~c nil (do ~@body)))\n"
    "\n"
    "(defcap store :get (fn [k] k))\n"
    "\n"
    "(defn- helper [x] x)\n"
    "\n"
    "(helper 1)\n"
)


async def document_symbols(client, uri):
    return await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc_id(uri))
    )


async def test_document_symbols_are_the_top_level_definitions(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "shapes.glia", SHAPES)
    symbols = await document_symbols(client, uri)
    assert all(isinstance(s, types.DocumentSymbol) for s in symbols), symbols
    got = [(s.name, s.kind, s.detail) for s in symbols]
    assert got == [
        ("app.shapes", types.SymbolKind.Namespace, "ns"),
        ("pi", types.SymbolKind.Variable, "def"),
        ("area", types.SymbolKind.Function, "defn"),
        ("unless", types.SymbolKind.Operator, "defmacro"),
        ("store", types.SymbolKind.Interface, "defcap"),
        ("helper", types.SymbolKind.Function, "defn-"),
    ], got


async def test_document_symbol_ranges(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "shapes.glia", SHAPES)
    symbols = {s.name: s for s in await document_symbols(client, uri)}
    area = symbols["area"]
    assert area.range == range_of(SHAPES, '(defn area\n  "Area of a circle."\n  [r]\n  (* pi r r))')
    assert area.selection_range == range_of(SHAPES, "area")
    pi = symbols["pi"]
    assert pi.range == range_of(SHAPES, "(def ^:private pi 3.14)")
    assert pi.selection_range == range_of(SHAPES, "pi")
    helper = symbols["helper"]
    assert helper.selection_range == range_of(SHAPES, "helper")
    # The selection range is inside the range.
    for s in symbols.values():
        assert (s.range.start.line, s.range.start.character) <= (
            s.selection_range.start.line,
            s.selection_range.start.character,
        )
        assert (s.selection_range.end.line, s.selection_range.end.character) <= (
            s.range.end.line,
            s.range.end.character,
        )


async def test_document_symbols_of_a_file_that_does_not_parse(client, workspace):
    text = "(defn first-one [] 1)\n(def broken [1 2)\n(defn last-one [] 2)\n"
    uri, _ = await open_and_wait(client, workspace / "broken.glia", text)
    names = [s.name for s in await document_symbols(client, uri)]
    assert "first-one" in names, names
    assert "last-one" in names or "broken" in names, names


async def test_no_symbols_in_a_file_without_definitions(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "calls.glia", "(inc 1)\n(str :a)\n")
    assert list(await document_symbols(client, uri)) == []


ALPHA = "(ns alpha)\n\n(defn compute-total [xs] (reduce + xs))\n(def rate 3)\n"
BETA = "(ns beta)\n\n(def total-count 7)\n(defn unrelated [] nil)\n"
GAMMA = "(ns lib.gamma)\n(defn Totals [] :ok)\n"


async def workspace_symbols(client, query):
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
    return list(result or [])


def located(symbols):
    out = {}
    for s in symbols:
        loc = s.location
        assert isinstance(loc, types.Location), loc
        out[s.name] = (path_of_uri(loc.uri).name, loc.range, s.kind, s.container_name)
    return out


@pytest.mark.files({"alpha.glia": ALPHA, "beta.glia": BETA, "lib/gamma.glia": GAMMA})
async def test_workspace_symbols_match_the_query_in_every_file(client, workspace):
    found = located(await workspace_symbols(client, "total"))
    assert found == {
        "compute-total": (
            "alpha.glia",
            range_of(ALPHA, "compute-total"),
            types.SymbolKind.Function,
            "alpha",
        ),
        "total-count": (
            "beta.glia",
            range_of(BETA, "total-count"),
            types.SymbolKind.Variable,
            "beta",
        ),
        "Totals": (
            "gamma.glia",
            range_of(GAMMA, "Totals"),
            types.SymbolKind.Function,
            "lib.gamma",
        ),
    }, found


@pytest.mark.files({"alpha.glia": ALPHA, "beta.glia": BETA})
async def test_workspace_symbols_ignore_case(client, workspace):
    names = {s.name for s in await workspace_symbols(client, "TOTAL")}
    assert names == {"compute-total", "total-count"}, names


@pytest.mark.files({"alpha.glia": ALPHA, "beta.glia": BETA})
async def test_an_empty_query_lists_every_definition(client, workspace):
    names = {s.name for s in await workspace_symbols(client, "")}
    assert {"alpha", "beta", "compute-total", "rate", "total-count", "unrelated"} <= names
    assert "reduce" not in names  # only the workspace's own


@pytest.mark.files({"alpha.glia": ALPHA})
async def test_a_query_that_matches_nothing(client, workspace):
    assert await workspace_symbols(client, "zzz-nothing") == []


@pytest.mark.files({"alpha.glia": ALPHA, ".hidden/secret.glia": "(defn total-secret [] 1)\n"})
async def test_hidden_directories_are_not_searched(client, workspace):
    names = {s.name for s in await workspace_symbols(client, "total")}
    assert names == {"compute-total"}, names


@pytest.mark.files({"alpha.glia": ALPHA})
async def test_workspace_symbols_see_unsaved_edits(client, workspace):
    edited = ALPHA + "(defn fresh-total [] 0)\n"
    uri = open_document(client, workspace / "alpha.glia")
    await wait_for_diagnostics(client, uri)
    # Edited in the editor, not saved.
    change_document(client, uri, edited, version=2)
    await wait_for_diagnostics(client, uri, version=2)
    found = located(await workspace_symbols(client, "fresh"))
    assert list(found) == ["fresh-total"], found
    assert found["fresh-total"][1] == range_of(edited, "fresh-total")
