"""textDocument/definition, declaration, references and documentHighlight:
locals, the document's vars, other workspace files' vars, and the
standard library's (in the sources the server writes under
$XDG_CACHE_HOME/ww/stdlib-VERSION/)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import (
    CACHE_HOME,
    cursor,
    declaration,
    definition,
    doc_id,
    open_and_wait,
    path_of_uri,
    range_of,
    references,
    spot,
    text_in,
    where,
)


async def at(client, workspace, marked: str, name="nav.glia"):
    text, pos = cursor(marked)
    uri, _ = await open_and_wait(client, workspace / name, text)
    return text, pos, uri


# --- definition ----------------------------------------------------------------


async def test_definition_of_a_user_fn_is_its_name(client, workspace):
    marked = '(defn helper "Helps." [x] (inc x))\n\n(defn main []\n  (hel|per 1))'
    text, pos, uri = await at(client, workspace, marked)
    found = await definition(client, uri, pos)
    assert where(found) == {spot("nav.glia", range_of(text, "helper"))}, found
    assert found[0].uri == uri


async def test_definition_of_a_def(client, workspace):
    marked = "(def limit 10)\n(defn over? [n] (> n lim|it))"
    text, pos, uri = await at(client, workspace, marked)
    found = await definition(client, uri, pos)
    assert where(found) == {spot("nav.glia", range_of(text, "limit"))}


async def test_definition_of_a_local_is_its_binding(client, workspace):
    marked = "(defn f [x]\n  (let [total (inc x)]\n    (* total to|tal)))"
    text, pos, uri = await at(client, workspace, marked)
    found = await definition(client, uri, pos)
    assert where(found) == {spot("nav.glia", range_of(text, "total"))}, found


async def test_definition_of_a_parameter(client, workspace):
    marked = "(defn f [alpha beta]\n  (+ beta al|pha))"
    text, pos, uri = await at(client, workspace, marked)
    found = await definition(client, uri, pos)
    assert where(found) == {spot("nav.glia", range_of(text, "alpha"))}, found


async def test_definition_of_a_shadowing_local_is_the_inner_binding(client, workspace):
    marked = "(let [v 1]\n  (let [v (inc v)]\n    (* 2 |v)))"
    text, pos, uri = await at(client, workspace, marked)
    found = await definition(client, uri, pos)
    assert where(found) == {spot("nav.glia", range_of(text, "v", nth=1))}, found


@pytest.mark.files(
    {"app/util.glia": '(ns app.util)\n\n(defn helper "Helps." [x]\n  (inc x))\n'}
)
async def test_definition_in_another_workspace_file(client, workspace):
    marked = "(ns app.main (:require [app.util :as u]))\n\n(u/hel|per 1)\n"
    _, pos, uri = await at(client, workspace, marked, name="app/main.glia")
    found = await definition(client, uri, pos)
    util = (workspace / "app" / "util.glia").read_text()
    assert where(found) == {spot("util.glia", range_of(util, "helper"))}, found
    assert path_of_uri(found[0].uri).resolve() == (workspace / "app" / "util.glia").resolve()


def stdlib_dirs() -> list:
    dirs = sorted((CACHE_HOME / "ww").glob("stdlib-*"))
    assert dirs, f"no stdlib-* directory under {CACHE_HOME / 'ww'}"
    return dirs


async def test_definition_of_map_is_in_the_cached_core_sources(client, workspace):
    text, pos, uri = await at(client, workspace, "(ma|p inc [1 2])")
    found = await definition(client, uri, pos)
    assert len(found) == 1, found
    target = path_of_uri(found[0].uri)
    # Written under our $XDG_CACHE_HOME, in a stdlib-VERSION directory.
    assert target.name == "core.glia", target
    assert target.is_file(), target
    assert any(d.name.startswith("stdlib-") for d in target.parents), target
    assert CACHE_HOME.resolve() in target.resolve().parents, (target, CACHE_HOME)
    assert target.parent.parent in stdlib_dirs()
    source = target.read_text(encoding="utf-8")
    line = source.split("\n")[found[0].range.start.line]
    assert line.startswith("(defn map"), line
    assert not line.startswith("(defn map-"), line
    assert text_in(source, found[0].range) == "map", found[0].range


async def test_definition_of_an_aliased_stdlib_var(client, workspace):
    marked = '(ns x (:require [glia.string :as str]))\n(str/rep|lace "a" "a" "b")'
    _, pos, uri = await at(client, workspace, marked)
    found = await definition(client, uri, pos)
    assert len(found) == 1, found
    target = path_of_uri(found[0].uri)
    assert target.name == "string.glia", target
    assert CACHE_HOME.resolve() in target.resolve().parents, target
    source = target.read_text(encoding="utf-8")
    assert text_in(source, found[0].range) == "replace"
    assert source.split("\n")[found[0].range.start.line].startswith("(defn replace")


async def test_no_definition_for_a_literal(client, workspace):
    _, pos, uri = await at(client, workspace, "(inc 4|2)")
    assert await definition(client, uri, pos) == []


async def test_definition_from_the_definition_itself(client, workspace):
    marked = "(defn he|lper [x] x)\n(helper 1)"
    text, pos, uri = await at(client, workspace, marked)
    found = await definition(client, uri, pos)
    assert where(found) == {spot("nav.glia", range_of(text, "helper"))}


# --- declaration -----------------------------------------------------------------


async def test_declaration_of_a_user_fn(client, workspace):
    marked = "(defn helper [x] x)\n(hel|per 1)"
    text, pos, uri = await at(client, workspace, marked)
    found = await declaration(client, uri, pos)
    assert where(found) == {spot("nav.glia", range_of(text, "helper"))}, found


async def test_declaration_is_one_location(client, workspace):
    # Defined twice: definition gives both, declaration one of them.
    marked = "(defn twice [x] x)\n(defn twice [x] (* 2 x))\n(twi|ce 1)"
    text, pos, uri = await at(client, workspace, marked)
    both = await definition(client, uri, pos)
    assert where(both) == {
        spot("nav.glia", range_of(text, "twice")),
        spot("nav.glia", range_of(text, "twice", nth=1)),
    }, both
    one = await declaration(client, uri, pos)
    assert len(one) == 1 and where(one) <= where(both), one


async def test_declaration_of_a_core_var(client, workspace):
    _, pos, uri = await at(client, workspace, "(fil|ter odd? [1 2])")
    found = await declaration(client, uri, pos)
    assert len(found) == 1
    source = path_of_uri(found[0].uri).read_text(encoding="utf-8")
    assert text_in(source, found[0].range) == "filter"


# --- references ------------------------------------------------------------------

UTIL = (
    "(ns app.util)\n"
    "\n"
    '(defn helper "Helps." [x]\n'
    "  (inc x))\n"
    "\n"
    "(defn twice [x]\n"
    "  (helper (helper x)))\n"
)
MAIN = "(ns app.main\n  (:require [app.util :as u]))\n\n(defn run []\n  (u/helper 1))\n"


def named(text: str, needle: str, nth: int = 0, prefix: str = "") -> types.Range:
    """The range of the name part of the nth `prefix+needle`."""
    r = range_of(text, prefix + needle, nth)
    return types.Range(
        start=types.Position(
            line=r.start.line, character=r.start.character + len(prefix)
        ),
        end=r.end,
    )


def name_spots(locs, files: dict[str, str]) -> set:
    """Locations reduced to their name part: a `u/helper` reference counts
    whether its range covers `u/helper` or just `helper`."""
    out = set()
    for loc in locs:
        name = path_of_uri(loc.uri).name
        covered = text_in(files[name], loc.range)
        r = loc.range
        if "/" in covered:
            cut = covered.rindex("/") + 1
            r = types.Range(
                start=types.Position(line=r.start.line, character=r.start.character + cut),
                end=r.end,
            )
        out.add(spot(name, r))
    return out


@pytest.mark.files({"app/util.glia": UTIL, "app/main.glia": MAIN})
async def test_references_across_workspace_files(client, workspace):
    files = {"util.glia": UTIL, "main.glia": MAIN}
    uri, _ = await open_and_wait(client, workspace / "app" / "main.glia")
    pos = named(MAIN, "helper", prefix="u/").start
    found = await references(client, uri, pos, include_declaration=True)
    expected = {
        spot("util.glia", range_of(UTIL, "helper")),  # the defn
        spot("util.glia", range_of(UTIL, "helper", nth=1)),
        spot("util.glia", range_of(UTIL, "helper", nth=2)),
        spot("main.glia", named(MAIN, "helper", prefix="u/")),
    }
    assert name_spots(found, files) == expected, found
    assert len(found) == 4, found
    without = await references(client, uri, pos, include_declaration=False)
    assert name_spots(without, files) == expected - {
        spot("util.glia", range_of(UTIL, "helper"))
    }, without


@pytest.mark.files({"app/util.glia": UTIL, "app/main.glia": MAIN})
async def test_references_from_the_definition_with_both_files_open(client, workspace):
    files = {"util.glia": UTIL, "main.glia": MAIN}
    await open_and_wait(client, workspace / "app" / "main.glia")
    util_uri, _ = await open_and_wait(client, workspace / "app" / "util.glia")
    pos = range_of(UTIL, "helper").start
    found = await references(client, util_uri, pos, include_declaration=True)
    assert len(found) == 4, found
    assert spot("main.glia", named(MAIN, "helper", prefix="u/")) in name_spots(
        found, files
    ), found


async def test_references_of_a_local_stay_in_its_scope(client, workspace):
    text = "(defn f [x]\n  (let [total (inc x)]\n    (+ total total)))\n(defn g [total] total)"
    uri, _ = await open_and_wait(client, workspace / "nav.glia", text)
    pos = range_of(text, "total", nth=1).start
    found = await references(client, uri, pos, include_declaration=True)
    assert where(found) == {
        spot("nav.glia", range_of(text, "total", nth=i)) for i in (0, 1, 2)
    }, found
    without = await references(client, uri, pos, include_declaration=False)
    assert where(without) == {
        spot("nav.glia", range_of(text, "total", nth=i)) for i in (1, 2)
    }, without


async def test_references_of_a_core_var_in_the_workspace(client, workspace):
    text = "(inc 1)\n(defn f [x] (inc x))"
    uri, _ = await open_and_wait(client, workspace / "nav.glia", text)
    found = await references(client, uri, range_of(text, "inc").start)
    assert where(found) == {
        spot("nav.glia", range_of(text, "inc")),
        spot("nav.glia", range_of(text, "inc", nth=1)),
    }, found


# --- highlights ------------------------------------------------------------------


async def highlights(client, uri, pos):
    result = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=doc_id(uri), position=pos)
    )
    return {
        (h.range.start.line, h.range.start.character, h.range.end.line, h.range.end.character, h.kind)
        for h in result or []
    }


def hl(r: types.Range, kind):
    return (r.start.line, r.start.character, r.end.line, r.end.character, kind)


async def test_highlights_of_a_var(client, workspace):
    text = "(defn sq [x] (* x x))\n(sq 2)\n(map sq [1 2])"
    uri, _ = await open_and_wait(client, workspace / "hl.glia", text)
    found = await highlights(client, uri, range_of(text, "sq", nth=2).start)
    assert found == {
        hl(range_of(text, "sq"), types.DocumentHighlightKind.Write),
        hl(range_of(text, "sq", nth=1), types.DocumentHighlightKind.Read),
        hl(range_of(text, "sq", nth=2), types.DocumentHighlightKind.Read),
    }, found


async def test_highlights_of_a_local(client, workspace):
    text = "(let [acc []\n      more (conj acc 1)]\n  (into acc more))"
    uri, _ = await open_and_wait(client, workspace / "hl.glia", text)
    found = await highlights(client, uri, range_of(text, "acc", nth=2).start)
    assert found == {
        hl(range_of(text, "acc"), types.DocumentHighlightKind.Write),
        hl(range_of(text, "acc", nth=1), types.DocumentHighlightKind.Read),
        hl(range_of(text, "acc", nth=2), types.DocumentHighlightKind.Read),
    }, found


async def test_no_highlights_on_whitespace(client, workspace):
    text = "(inc 1)   \n"
    uri, _ = await open_and_wait(client, workspace / "hl.glia", text)
    result = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(
            text_document=doc_id(uri), position=types.Position(line=0, character=9)
        )
    )
    assert not result, result


# --- namespaces and keywords ---------------------------------------------------


@pytest.mark.files({"app/util.glia": UTIL, "app/main.glia": MAIN})
async def test_definition_of_a_required_namespace_is_its_file(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "app" / "main.glia")
    found = await definition(client, uri, range_of(MAIN, "app.util").start)
    assert len(found) == 1, found
    assert path_of_uri(found[0].uri) == (workspace / "app" / "util.glia").resolve()


async def test_definition_of_a_standard_namespace_is_its_source(client, workspace):
    text = "(ns x (:require [clojure.set :as set]))\n(set/union #{1} #{2})"
    uri, _ = await open_and_wait(client, workspace / "ns.glia", text)
    found = await definition(client, uri, range_of(text, "clojure.set").start)
    assert len(found) == 1, found
    path = path_of_uri(found[0].uri)
    assert path.name == "set.glia" and path.parent.name == "glia", path
    assert CACHE_HOME in path.parents, path


async def test_highlights_of_a_keyword(client, workspace):
    text = "(def m {:a 1 :b 2})\n(:a m)\n(get m :b)"
    uri, _ = await open_and_wait(client, workspace / "hl.glia", text)
    found = await highlights(client, uri, range_of(text, ":a", nth=1).start)
    assert found == {
        hl(range_of(text, ":a"), types.DocumentHighlightKind.Text),
        hl(range_of(text, ":a", nth=1), types.DocumentHighlightKind.Text),
    }, found


@pytest.mark.files({"other.glia": "(def config {:port 80})\n"})
async def test_references_of_a_keyword_across_files(client, workspace):
    text = "(defn port [c] (:port c))"
    uri, _ = await open_and_wait(client, workspace / "kw.glia", text)
    found = await references(client, uri, range_of(text, ":port").start)
    assert {path_of_uri(l.uri).name for l in found} == {"kw.glia", "other.glia"}, found
    assert len(found) == 2, found
