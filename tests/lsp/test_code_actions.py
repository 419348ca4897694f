"""textDocument/codeAction: add the missing require for an unbound symbol,
remove (or mark) an unused binding, wrap a form in try. Each action's edit
is applied and the result checked again by the server."""

from __future__ import annotations

import itertools

import pytest
from lsprotocol import types

from helpers import (
    apply_edits,
    cursor,
    doc_id,
    open_and_wait,
    range_of,
    summary,
    workspace_edits,
)

_fresh = itertools.count()


async def actions_at(client, workspace, text, r: types.Range, name="ca.glia"):
    uri, diagnostics = await open_and_wait(client, workspace / name, text)
    context = types.CodeActionContext(
        diagnostics=[
            d
            for d in diagnostics
            if (d.range.start.line, d.range.start.character)
            <= (r.end.line, r.end.character)
            and (r.start.line, r.start.character)
            <= (d.range.end.line, d.range.end.character)
        ]
    )
    result = await client.text_document_code_action_async(
        types.CodeActionParams(text_document=doc_id(uri), range=r, context=context)
    )
    actions = [a for a in result or [] if isinstance(a, types.CodeAction)]
    return uri, actions


def titled(actions, title: str) -> types.CodeAction:
    found = [a for a in actions if a.title == title]
    assert found, f"no action {title!r} among {[a.title for a in actions]}"
    return found[0]


def applied(text: str, uri: str, action: types.CodeAction) -> str:
    edits = workspace_edits(action.edit)
    assert list(edits) == [uri], edits
    return apply_edits(text, edits[uri])


async def diagnostics_of(client, workspace, text):
    """The diagnostics of `text` opened fresh, in a file of its own."""
    _, diagnostics = await open_and_wait(
        client, workspace / f"fresh{next(_fresh)}.glia", text
    )
    return diagnostics


# --- add a missing require ----------------------------------------------------


async def test_add_require_for_an_alias_into_the_ns_form(client, workspace):
    text = '(ns app)\n\n(str/join "," [1 2])\n'
    uri, actions = await actions_at(client, workspace, text, range_of(text, "str/join"))
    action = titled(actions, "Add require [glia.string :as str]")
    assert action.kind == types.CodeActionKind.QuickFix
    fixed = applied(text, uri, action)
    assert fixed == '(ns app\n  (:require [glia.string :as str]))\n\n(str/join "," [1 2])\n', fixed
    assert await diagnostics_of(client, workspace, fixed) == []


async def test_add_require_into_an_existing_require_clause(client, workspace):
    text = '(ns app\n  (:require [glia.set :as set]))\n\n(str/join "," (set/union #{1} #{2}))\n'
    uri, actions = await actions_at(client, workspace, text, range_of(text, "str/join"))
    fixed = applied(text, uri, titled(actions, "Add require [glia.string :as str]"))
    assert fixed == (
        "(ns app\n  (:require [glia.set :as set]\n            [glia.string :as str]))\n\n"
        '(str/join "," (set/union #{1} #{2}))\n'
    ), fixed
    assert await diagnostics_of(client, workspace, fixed) == []


async def test_add_require_referring_an_unqualified_name(client, workspace):
    text = "(ns app)\n\n(union #{1} #{2})\n"
    uri, actions = await actions_at(client, workspace, text, range_of(text, "union"))
    fixed = applied(text, uri, titled(actions, "Add require [glia.set :refer [union]]"))
    diagnostics = await diagnostics_of(client, workspace, fixed)
    assert diagnostics == [], summary(diagnostics, fixed)


async def test_add_require_without_an_ns_form(client, workspace):
    text = '(str/upper-case "a")\n'
    uri, actions = await actions_at(client, workspace, text, range_of(text, "str/upper-case"))
    fixed = applied(text, uri, titled(actions, "Add require [glia.string :as str]"))
    assert fixed == "(require '[glia.string :as str])\n" + text, fixed
    diagnostics = await diagnostics_of(client, workspace, fixed)
    assert diagnostics == [], summary(diagnostics, fixed)


@pytest.mark.files({"lib/tools.glia": '(ns lib.tools)\n(defn tool "A tool." [] 1)\n'})
async def test_add_require_of_a_workspace_namespace(client, workspace):
    text = "(ns app)\n\n(tools/tool)\n"
    uri, actions = await actions_at(
        client, workspace, text, range_of(text, "tools/tool"), name="app.glia"
    )
    fixed = applied(text, uri, titled(actions, "Add require [lib.tools :as tools]"))
    diagnostics = await diagnostics_of(client, workspace, fixed)
    assert diagnostics == [], summary(diagnostics, fixed)


async def test_no_require_is_offered_for_a_name_nothing_defines(client, workspace):
    text = "(ns app)\n\n(no-such-thing-anywhere 1)\n"
    _, actions = await actions_at(
        client, workspace, text, range_of(text, "no-such-thing-anywhere")
    )
    assert not [a for a in actions if a.title.startswith("Add require")], [
        a.title for a in actions
    ]


# --- unused bindings ------------------------------------------------------------


async def test_remove_an_unused_let_binding(client, workspace):
    text = "(let [a 1\n      b 2]\n  b)\n"
    uri, actions = await actions_at(client, workspace, text, range_of(text, "a"))
    action = titled(actions, "Remove unused binding `a`")
    assert action.kind == types.CodeActionKind.QuickFix
    fixed = applied(text, uri, action)
    assert fixed == "(let [b 2]\n  b)\n", fixed
    assert await diagnostics_of(client, workspace, fixed) == []


async def test_remove_the_last_unused_let_binding(client, workspace):
    text = "(let [b 2 a (inc b)] b)\n"
    uri, actions = await actions_at(client, workspace, text, range_of(text, "a"))
    fixed = applied(text, uri, titled(actions, "Remove unused binding `a`"))
    assert fixed == "(let [b 2] b)\n", fixed


async def test_an_unused_parameter_is_renamed_with_an_underscore(client, workspace):
    text = "(defn f [x y] y)\n"
    uri, actions = await actions_at(client, workspace, text, range_of(text, "x"))
    fixed = applied(text, uri, titled(actions, "Rename `x` to `_x` (unused on purpose)"))
    assert fixed == "(defn f [_x y] y)\n", fixed
    assert await diagnostics_of(client, workspace, fixed) == []


async def test_an_unused_key_is_removed_from_keys(client, workspace):
    text = "(defn f [{:keys [a b]}] b)\n"
    uri, actions = await actions_at(client, workspace, text, range_of(text, "a"))
    fixed = applied(text, uri, titled(actions, "Remove unused key `a`"))
    assert fixed == "(defn f [{:keys [b]}] b)\n", fixed
    assert await diagnostics_of(client, workspace, fixed) == []


# --- wrap in try ----------------------------------------------------------------


async def test_wrap_a_form_in_try(client, workspace):
    marked = "(defn f [m]\n  (get m |:k))\n"
    text, pos = cursor(marked)
    r = types.Range(start=pos, end=pos)
    uri, actions = await actions_at(client, workspace, text, r)
    action = titled(actions, "Wrap in try")
    assert action.kind == types.CodeActionKind.RefactorRewrite
    fixed = applied(text, uri, action)
    assert fixed == (
        "(defn f [m]\n"
        "  (try\n"
        "    (get m :k)\n"
        "    (catch :default e\n"
        "      (throw e))))\n"
    ), fixed
    assert await diagnostics_of(client, workspace, fixed) == []


async def test_wrap_a_selected_multiline_form_in_try(client, workspace):
    text = "(defn g [x]\n  (let [y (inc x)]\n    (* 2 y)))\n"
    uri, actions = await actions_at(
        client, workspace, text, range_of(text, "(let [y (inc x)]\n    (* 2 y))")
    )
    fixed = applied(text, uri, titled(actions, "Wrap in try"))
    assert fixed == (
        "(defn g [x]\n"
        "  (try\n"
        "    (let [y (inc x)]\n"
        "      (* 2 y))\n"
        "    (catch :default e\n"
        "      (throw e))))\n"
    ), fixed
    assert await diagnostics_of(client, workspace, fixed) == []


async def test_no_wrap_outside_any_form(client, workspace):
    text = "(inc 1)\n\n(dec 2)\n"
    pos = types.Position(line=1, character=0)
    _, actions = await actions_at(client, workspace, text, types.Range(start=pos, end=pos))
    assert not [a for a in actions if a.title == "Wrap in try"], [a.title for a in actions]
