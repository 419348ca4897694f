"""textDocument/prepareRename and textDocument/rename: locals, and vars
the workspace defines, in every file that uses them."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import (
    apply_edits,
    change_document,
    cursor,
    doc_id,
    edits_by_file,
    open_and_wait,
    range_of,
    summary,
    text_in,
    wait_for_diagnostics,
)


async def prepare(client, uri, pos):
    return await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(text_document=doc_id(uri), position=pos)
    )


async def rename(client, uri, pos, new_name):
    return await client.text_document_rename_async(
        types.RenameParams(text_document=doc_id(uri), position=pos, new_name=new_name)
    )


def prepared_range(result, text: str) -> tuple[types.Range, str]:
    """The range and placeholder of a prepareRename answer."""
    assert result is not None, "prepareRename answered null"
    if isinstance(result, types.PrepareRenamePlaceholder):
        return result.range, result.placeholder
    if isinstance(result, types.Range):
        return result, text_in(text, result)
    raise AssertionError(f"unexpected prepareRename answer {result!r}")


# --- prepareRename -------------------------------------------------------------


async def test_prepare_rename_of_a_user_fn(client, workspace):
    text, pos = cursor("(defn helper [x] x)\n(hel|per 1)")
    uri, _ = await open_and_wait(client, workspace / "r.glia", text)
    r, placeholder = prepared_range(await prepare(client, uri, pos), text)
    assert r == range_of(text, "helper", nth=1), r
    assert placeholder == "helper"


async def test_prepare_rename_of_a_def(client, workspace):
    text, pos = cursor("(def limit 10)\n(inc lim|it)")
    uri, _ = await open_and_wait(client, workspace / "r.glia", text)
    r, placeholder = prepared_range(await prepare(client, uri, pos), text)
    assert r == range_of(text, "limit", nth=1) and placeholder == "limit"


async def test_prepare_rename_of_a_local(client, workspace):
    text, pos = cursor("(let [total 1]\n  (inc tot|al))")
    uri, _ = await open_and_wait(client, workspace / "r.glia", text)
    r, placeholder = prepared_range(await prepare(client, uri, pos), text)
    assert r == range_of(text, "total", nth=1) and placeholder == "total"


@pytest.mark.files({"app/util.glia": "(ns app.util)\n(def limit 10)\n"})
async def test_prepare_rename_of_a_qualified_symbol_is_its_name_part(client, workspace):
    text, pos = cursor("(ns app.main (:require [app.util :as u]))\n(inc u/lim|it)")
    uri, _ = await open_and_wait(client, workspace / "app" / "main.glia", text)
    r, placeholder = prepared_range(await prepare(client, uri, pos), text)
    assert text_in(text, r) == "limit", r
    assert r == range_of(text, "limit"), r
    assert placeholder == "limit"


async def test_a_standard_library_var_cannot_be_renamed(client, workspace):
    text, pos = cursor("(ma|p inc [1])")
    uri, _ = await open_and_wait(client, workspace / "r.glia", text)
    with pytest.raises(Exception, match="cannot be renamed"):
        await prepare(client, uri, pos)
    with pytest.raises(Exception, match="cannot be renamed"):
        await rename(client, uri, pos, "my-map")


async def test_nothing_to_rename_on_a_literal(client, workspace):
    text, pos = cursor("(inc 4|2)")
    uri, _ = await open_and_wait(client, workspace / "r.glia", text)
    assert await prepare(client, uri, pos) is None


# --- rename ----------------------------------------------------------------------


async def test_rename_a_local(client, workspace):
    text, pos = cursor("(defn f [x]\n  (let [total (inc x)]\n    (+ total to|tal)))\n(def total 3)")
    uri, _ = await open_and_wait(client, workspace / "r.glia", text)
    edits = edits_by_file(await rename(client, uri, pos, "sum"))
    assert list(edits) == ["r.glia"], edits
    assert apply_edits(text, edits["r.glia"]) == (
        "(defn f [x]\n  (let [sum (inc x)]\n    (+ sum sum)))\n(def total 3)"
    )


async def test_rename_a_fn_in_its_file(client, workspace):
    text, pos = cursor("(defn sq [x] (* x x))\n(sq 2)\n(map s|q [1 2])")
    uri, _ = await open_and_wait(client, workspace / "r.glia", text)
    edits = edits_by_file(await rename(client, uri, pos, "square"))
    assert apply_edits(text, edits["r.glia"]) == (
        "(defn square [x] (* x x))\n(square 2)\n(map square [1 2])"
    )


LIMITS = "(ns app.limits)\n\n(def limit 10)\n\n(defn over? [n] (> n limit))\n"
USER = "(ns app.user\n  (:require [app.limits :as l]))\n\n(defn check [n]\n  (if (l/over? n) l/limit n))\n"


@pytest.mark.files({"app/limits.glia": LIMITS, "app/user.glia": USER})
async def test_rename_a_def_in_every_file(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "app" / "user.glia")
    pos = range_of(USER, "l/limit").end  # just after the symbol
    edits = edits_by_file(await rename(client, uri, pos, "ceiling"))
    assert sorted(edits) == ["limits.glia", "user.glia"], edits
    assert apply_edits(LIMITS, edits["limits.glia"]) == (
        "(ns app.limits)\n\n(def ceiling 10)\n\n(defn over? [n] (> n ceiling))\n"
    )
    assert apply_edits(USER, edits["user.glia"]) == USER.replace("l/limit", "l/ceiling")


UTIL = '(ns app.util)\n\n(defn helper "Helps." [x]\n  (inc x))\n\n(defn twice [x]\n  (helper (helper x)))\n'
MAIN = "(ns app.main\n  (:require [app.util :as u]))\n\n(defn run []\n  (u/helper 1))\n"
REFERS = "(ns app.refers\n  (:require [app.util :refer [helper]]))\n\n(helper 2)\n"


@pytest.mark.files({"app/util.glia": UTIL, "app/main.glia": MAIN})
async def test_rename_a_fn_in_every_file(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "app" / "main.glia")
    pos = range_of(MAIN, "u/helper").end
    edits = edits_by_file(await rename(client, uri, pos, "assist"))
    assert sorted(edits) == ["main.glia", "util.glia"], edits
    assert apply_edits(UTIL, edits["util.glia"]) == UTIL.replace("helper", "assist")
    assert apply_edits(MAIN, edits["main.glia"]) == MAIN.replace("u/helper", "u/assist")


@pytest.mark.files({"app/util.glia": UTIL, "app/refers.glia": REFERS})
async def test_rename_keeps_a_referring_file_working(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "app" / "util.glia")
    pos = range_of(UTIL, "helper", nth=1).start
    edits = edits_by_file(await rename(client, uri, pos, "assist"))
    assert sorted(edits) == ["refers.glia", "util.glia"], edits
    new_util = apply_edits(UTIL, edits["util.glia"])
    new_refers = apply_edits(REFERS, edits["refers.glia"])
    assert new_util == UTIL.replace("helper", "assist")
    # The :refer list names the new name too, else the file breaks.
    assert new_refers == REFERS.replace("helper", "assist"), new_refers
    # The renamed workspace checks clean: the editor applies the edit to
    # the open util.glia (and the other file is opened as edited).
    change_document(client, uri, new_util, version=2)
    await wait_for_diagnostics(client, uri, version=2)
    _, diagnostics = await open_and_wait(
        client, workspace / "app" / "refers2.glia", new_refers.replace("app.refers", "app.refers2")
    )
    assert diagnostics == [], summary(diagnostics, new_refers)


@pytest.mark.parametrize("bad", ["a/b", "1abc", "two words", ":kw", ""])
async def test_rename_to_something_not_a_name_is_refused(client, workspace, bad):
    text, pos = cursor("(def limit 10)\n(inc lim|it)")
    uri, _ = await open_and_wait(client, workspace / "r.glia", text)
    with pytest.raises(Exception, match="not a valid name"):
        await rename(client, uri, pos, bad)
