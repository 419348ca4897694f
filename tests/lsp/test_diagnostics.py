"""textDocument/publishDiagnostics: what `ww check` finds, as the client
sees it (codes, severities, ranges, tags), for open documents and for the
workspace modules they require."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import (
    assert_diagnostic_shape,
    change_document,
    close_document,
    code_of,
    open_and_wait,
    no_diagnostics,
    open_document,
    range_of,
    summary,
    text_in,
    wait_for_diagnostics,
    with_code,
)

UNBOUND = "glia::error::unbound-symbol"
ARITY = "glia::check::arity"
UNUSED = "glia::check::unused-binding"
UNKNOWN_NS = "glia::check::unknown-namespace"


def covering(diagnostics, text: str, needle: str, code: str | None = None):
    """The diagnostics (with `code`, if given) whose range is exactly the
    first occurrence of `needle`."""
    r = range_of(text, needle)
    return [
        d
        for d in diagnostics
        if d.range == r and (code is None or code_of(d) == code)
    ]


async def test_a_clean_document_has_no_diagnostics(client, workspace):
    text = '(ns app.clean)\n\n(defn twice "Doubles." [x] (* 2 x))\n\n(twice 21)\n'
    _, diagnostics = await open_and_wait(client, workspace / "clean.glia", text)
    assert diagnostics == [], summary(diagnostics, text)


async def test_each_unbound_symbol_of_a_form_is_reported(client, workspace):
    text = "(defn f [x] (+ x aa bb cc))"
    _, diagnostics = await open_and_wait(client, workspace / "unbound.glia", text)
    for d in diagnostics:
        assert_diagnostic_shape(d, text)
    for name in ("aa", "bb", "cc"):
        found = covering(diagnostics, text, name, UNBOUND)
        assert len(found) == 1, (name, summary(diagnostics, text))
        assert found[0].severity == types.DiagnosticSeverity.Error
        assert f"`{name}`" in found[0].message, found[0].message
    assert len(with_code(diagnostics, UNBOUND)) == 3, summary(diagnostics, text)


@pytest.mark.parametrize(
    "broken, syntax_code",
    [
        ("(def a [1 2 3)", "glia::syntax::unclosed-delimiter"),
        ('(def b "bad \\q escape")', "glia::syntax::invalid-escape"),
        ("(def c {:x})", "glia::syntax::odd-map"),
    ],
)
async def test_a_syntax_error_leaves_the_later_forms_checked(
    client, workspace, broken, syntax_code
):
    text = f"(defn ok [x] x)\n{broken}\n(later-unbound 1)\n"
    _, diagnostics = await open_and_wait(client, workspace / "recover.glia", text)
    for d in diagnostics:
        assert_diagnostic_shape(d, text)
    syntax = with_code(diagnostics, syntax_code)
    assert len(syntax) == 1, summary(diagnostics, text)
    assert syntax[0].severity == types.DiagnosticSeverity.Error
    # The error is on the broken line, and the form after it is still checked.
    assert syntax[0].range.start.line == 1, syntax[0]
    assert covering(diagnostics, text, "later-unbound", UNBOUND), summary(
        diagnostics, text
    )
    # The form before it is fine and nothing else is reported.
    codes = sorted(code_of(d) for d in diagnostics)
    assert codes == sorted([syntax_code, UNBOUND]), summary(diagnostics, text)


async def test_a_call_with_the_wrong_argument_count(client, workspace):
    text = "(defn f [x] x)\n(f 1 2)\n"
    _, diagnostics = await open_and_wait(client, workspace / "arity.glia", text)
    found = with_code(diagnostics, ARITY)
    assert len(found) == 1, summary(diagnostics, text)
    d = found[0]
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range.start.line == 1, d.range
    assert "2 arguments" in d.message and "1 argument" in d.message, d.message
    assert text_in(text, d.range) in ("(f 1 2)", "f"), summary(diagnostics, text)
    assert len(diagnostics) == 1, summary(diagnostics, text)


async def test_a_call_of_a_core_fn_with_the_wrong_argument_count(client, workspace):
    text = "(inc 1 2)"
    _, diagnostics = await open_and_wait(client, workspace / "arity2.glia", text)
    assert [code_of(d) for d in diagnostics] == [ARITY], summary(diagnostics, text)


async def test_an_unused_binding_is_a_warning_tagged_unnecessary(client, workspace):
    text = "(let [unused 1\n      used 2]\n  used)"
    _, diagnostics = await open_and_wait(client, workspace / "unused.glia", text)
    assert [code_of(d) for d in diagnostics] == [UNUSED], summary(diagnostics, text)
    d = diagnostics[0]
    assert d.range == range_of(text, "unused"), d.range
    assert d.severity == types.DiagnosticSeverity.Warning
    assert list(d.tags or []) == [types.DiagnosticTag.Unnecessary], d.tags
    assert "`unused`" in d.message


async def test_an_underscore_name_is_not_unused(client, workspace):
    text = "(let [_ignored 1] 2)\n(fn [_x] 3)"
    _, diagnostics = await open_and_wait(client, workspace / "underscore.glia", text)
    assert diagnostics == [], summary(diagnostics, text)


async def test_other_diagnostics_are_not_tagged_unnecessary(client, workspace):
    text = "(nope 1)"
    _, diagnostics = await open_and_wait(client, workspace / "untagged.glia", text)
    assert [code_of(d) for d in diagnostics] == [UNBOUND]
    assert not diagnostics[0].tags, diagnostics[0].tags


async def test_recur_not_in_tail_position(client, workspace):
    text = "(defn f [x]\n  (inc (recur x)))"
    _, diagnostics = await open_and_wait(client, workspace / "recur.glia", text)
    assert len(diagnostics) == 1, summary(diagnostics, text)
    d = diagnostics[0]
    assert d.severity == types.DiagnosticSeverity.Error
    assert "tail position" in d.message, d.message
    assert text_in(text, d.range) == "(recur x)", summary(diagnostics, text)


async def test_recur_in_tail_position_is_fine(client, workspace):
    text = "(defn f [x]\n  (if (pos? x) (recur (dec x)) x))"
    _, diagnostics = await open_and_wait(client, workspace / "tail.glia", text)
    assert diagnostics == [], summary(diagnostics, text)


async def test_duplicate_map_keys(client, workspace):
    text = "(def m {:a 1 :b 2 :a 3})"
    _, diagnostics = await open_and_wait(client, workspace / "dup.glia", text)
    found = with_code(diagnostics, "glia::syntax::duplicate-key")
    assert len(found) == 1, summary(diagnostics, text)
    assert found[0].range == range_of(text, ":a", nth=1), found[0].range
    assert found[0].severity == types.DiagnosticSeverity.Error


async def test_an_unknown_namespace_is_reported(client, workspace):
    text = "(ns a (:require [no.such.ns :as n]))\n"
    _, diagnostics = await open_and_wait(client, workspace / "a.glia", text)
    found = with_code(diagnostics, UNKNOWN_NS)
    assert len(found) == 1, summary(diagnostics, text)
    d = found[0]
    assert d.severity == types.DiagnosticSeverity.Error
    assert "no/such/ns.glia" in d.message, d.message
    covered = text_in(text, d.range)
    assert "no.such.ns" in covered, covered


async def test_an_unhandled_keyword_effect_is_a_warning(client, workspace):
    text = "(defn ask [] (perform :ask 1))"
    _, diagnostics = await open_and_wait(client, workspace / "effect.glia", text)
    found = with_code(diagnostics, "glia::check::unhandled-effect")
    assert len(found) == 1, summary(diagnostics, text)
    assert found[0].severity == types.DiagnosticSeverity.Warning
    assert ":ask" in found[0].message


@pytest.mark.files(
    {
        "app/util.glia": (
            "(ns app.util)\n\n"
            '(defn helper "Helps." [x] (inc x))\n'
            "(def ^:private secret 42)\n"
        ),
    }
)
async def test_a_workspace_module_required_by_another_file_is_loaded(
    client, workspace
):
    text = (
        "(ns app.main\n"
        "  (:require [app.util :as u]\n"
        "            [app.util :refer [helper]]))\n"
        "\n"
        "(u/helper 1)\n"
        "(helper 2)\n"
    )
    _, diagnostics = await open_and_wait(client, workspace / "app" / "main.glia", text)
    assert diagnostics == [], summary(diagnostics, text)


@pytest.mark.files({"app/util.glia": '(ns app.util)\n\n(defn helper "Helps." [x] (inc x))\n'})
async def test_the_vars_of_a_required_workspace_module_are_checked(client, workspace):
    text = (
        "(ns app.main (:require [app.util :as u]))\n"
        "(u/helper 1 2)\n"
        "(u/no-such-fn 1)\n"
    )
    _, diagnostics = await open_and_wait(client, workspace / "app" / "main.glia", text)
    assert not with_code(diagnostics, UNKNOWN_NS), summary(diagnostics, text)
    arity = with_code(diagnostics, ARITY)
    assert len(arity) == 1 and arity[0].range.start.line == 1, summary(diagnostics, text)
    unbound = with_code(diagnostics, UNBOUND)
    assert len(unbound) == 1, summary(diagnostics, text)
    assert text_in(text, unbound[0].range) == "u/no-such-fn", summary(diagnostics, text)


@pytest.mark.files({"app/util.glia": "(ns app.util)\n\n(defn helper [x] x)\n"})
async def test_a_required_module_open_with_unsaved_edits_is_loaded_as_edited(
    client, workspace
):
    util = workspace / "app" / "util.glia"
    util_uri = open_document(client, util)
    await wait_for_diagnostics(client, util_uri)
    edited = "(ns app.util)\n\n(defn helper [x] x)\n(defn added [] 1)\n"
    change_document(client, util_uri, edited, version=2)  # not saved to disk
    await wait_for_diagnostics(client, util_uri, version=2)
    text = "(ns app.main (:require [app.util :as u]))\n(u/added)\n"
    _, diagnostics = await open_and_wait(client, workspace / "app" / "main.glia", text)
    assert diagnostics == [], summary(diagnostics, text)


async def test_diagnostics_follow_the_version_of_the_change(client, workspace):
    uri = open_document(client, workspace / "v.glia", "(f)")
    first = await wait_for_diagnostics(client, uri)
    assert [code_of(d) for d in first] == [UNBOUND]
    change_document(client, uri, "(defn f [] 1)\n(f 2)", version=7)
    second = await wait_for_diagnostics(client, uri, version=7)
    assert [code_of(d) for d in second] == [ARITY]
    assert client.published[uri][-1].version == 7


async def test_closing_a_document_clears_its_diagnostics(client, workspace):
    uri = open_document(client, workspace / "closing.glia", "(nope)")
    await wait_for_diagnostics(client, uri, until=lambda ds: len(ds) == 1)
    close_document(client, uri)
    await wait_for_diagnostics(client, uri, until=no_diagnostics)


async def test_the_root_capabilities_are_bound(client, workspace):
    """A document is checked as `ww eval` runs it: `host`, `runtime`,
    `identity` and `cell` are defined, so an init script using them is
    clean."""
    text = (
        '(perform host :listen (cell (perform :load "bin/status.wasm")'
        " :grants {:host (attenuate host [:id :addrs :peers])}) \"/status\")\n"
        "(perform runtime :load (perform :load \"x.wasm\"))\n"
        "(perform identity :signer \"d\")\n"
    )
    _, diagnostics = await open_and_wait(client, workspace / "init.glia", text)
    assert diagnostics == [], summary(diagnostics, text)
