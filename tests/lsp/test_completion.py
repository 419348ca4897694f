"""textDocument/completion and completionItem/resolve: locals, the
document's vars, glia.core's, special forms, namespaces, an alias's vars,
keywords seen in the workspace, and a capability's methods after
`(perform cap :`."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import (
    apply_edits,
    complete,
    cursor,
    item_named,
    labels,
    open_and_wait,
    range_of,
)


async def complete_at(client, workspace, marked: str, name="c.glia", trigger=None):
    text, pos = cursor(marked)
    uri, _ = await open_and_wait(client, workspace / name, text)
    return text, pos, uri, await complete(client, uri, pos, trigger)


def accept(text: str, item: types.CompletionItem) -> str:
    """The text after the client applies `item` (its textEdit, else its
    label inserted at the end of the word)."""
    edit = item.text_edit
    assert edit is not None, f"{item.label!r} has no textEdit"
    if isinstance(edit, types.InsertReplaceEdit):
        edit = types.TextEdit(range=edit.replace, new_text=edit.new_text)
    return apply_edits(text, [edit])


async def test_locals_in_scope_are_offered(client, workspace):
    marked = "(defn f [alpha beta]\n  (let [gamma 1\n        also 2]\n    (+ al|)))"
    text, _, _, items = await complete_at(client, workspace, marked)
    names = labels(items)
    assert "alpha" in names and "also" in names, names
    # Everything offered starts with what is typed.
    assert all(n.startswith("al") for n in names), names
    alpha = item_named(items, "alpha")
    assert alpha.kind == types.CompletionItemKind.Variable
    # The item replaces the typed prefix.
    assert accept(text, alpha) == text.replace("(+ al)", "(+ alpha)")


async def test_a_local_is_ranked_before_a_global(client, workspace):
    marked = "(defn f [mapping]\n  (ma|))"
    _, _, _, items = await complete_at(client, workspace, marked)
    local, core = item_named(items, "mapping"), item_named(items, "map")
    assert local.sort_text is not None and core.sort_text is not None
    assert local.sort_text < core.sort_text, (local.sort_text, core.sort_text)


async def test_a_binding_is_not_in_scope_in_its_own_init(client, workspace):
    marked = "(let [zeta 1\n      zed (inc ze|)]\n  zed)"
    _, _, _, items = await complete_at(client, workspace, marked)
    names = labels(items)
    assert "zeta" in names, names
    assert "zed" not in names, names


async def test_the_vars_of_the_document_are_offered(client, workspace):
    marked = (
        "(ns app.core)\n"
        '(defn my-helper "Helps." [a b] (+ a b))\n'
        "(def my-value 3)\n"
        "(defn other [] (my-|))"
    )
    _, _, _, items = await complete_at(client, workspace, marked)
    helper = item_named(items, "my-helper")
    assert helper.kind == types.CompletionItemKind.Function
    assert helper.detail == "(my-helper a b)", helper.detail
    value = item_named(items, "my-value")
    assert value.kind == types.CompletionItemKind.Variable


async def test_glia_core_vars_are_offered(client, workspace):
    text, _, _, items = await complete_at(client, workspace, "(redu| + [1 2])")
    names = labels(items)
    assert "reduce" in names and "reduce-kv" in names, names
    reduce = item_named(items, "reduce")
    assert reduce.kind == types.CompletionItemKind.Function
    assert reduce.detail and reduce.detail.startswith("(reduce "), reduce.detail
    assert accept(text, reduce) == "(reduce + [1 2])"


async def test_special_forms_are_offered(client, workspace):
    _, _, _, items = await complete_at(client, workspace, "(recu|)")
    assert "recur" in labels(items), labels(items)
    _, _, _, items = await complete_at(client, workspace, "(i|)", name="d.glia")
    assert item_named(items, "if").kind == types.CompletionItemKind.Keyword


@pytest.mark.files({"lib/tools.glia": "(ns lib.tools)\n(defn tool [] 1)\n"})
async def test_namespace_names_are_offered(client, workspace):
    marked = "(ns app.main)\n(require 'gli|)"
    _, _, _, items = await complete_at(client, workspace, marked, name="main.glia")
    names = labels(items)
    for ns in ("glia.string", "glia.set", "glia.json"):
        assert ns in names, names
        assert item_named(items, ns).kind == types.CompletionItemKind.Module
    _, _, _, items = await complete_at(
        client, workspace, "(ns app.other)\n(require 'lib|)", name="other.glia"
    )
    assert "lib.tools" in labels(items), labels(items)


async def test_an_alias_is_offered(client, workspace):
    marked = "(ns x (:require [glia.string :as str]))\n(st|)"
    _, _, _, items = await complete_at(client, workspace, marked)
    names = labels(items)
    assert "str/" in names, names
    assert "str" in names, names  # glia.core/str


async def test_the_vars_of_an_alias_after_slash(client, workspace):
    marked = "(ns x (:require [glia.string :as str]))\n(str/|)"
    text, _, _, items = await complete_at(client, workspace, marked, trigger="/")
    names = labels(items)
    for name in ("str/join", "str/upper-case", "str/replace", "str/split"):
        assert name in names, names
    assert all(n.startswith("str/") for n in names), names
    join = item_named(items, "str/join")
    assert accept(text, join).endswith("\n(str/join)"), accept(text, join)


async def test_the_vars_of_an_alias_with_a_prefix(client, workspace):
    marked = "(ns x (:require [glia.string :as str]))\n(str/up|)"
    text, _, _, items = await complete_at(client, workspace, marked)
    assert labels(items) == ["str/upper-case"], labels(items)
    assert accept(text, items[0]).endswith("\n(str/upper-case)")


@pytest.mark.files(
    {"lib/tools.glia": '(ns lib.tools)\n(defn tool "A tool." [] 1)\n(defn- hidden [] 2)\n'}
)
async def test_the_vars_of_a_workspace_module_alias(client, workspace):
    marked = "(ns app (:require [lib.tools :as t]))\n(t/|)"
    _, _, _, items = await complete_at(client, workspace, marked, trigger="/")
    names = labels(items)
    assert "t/tool" in names, names
    assert "t/hidden" not in names, names


@pytest.mark.files(
    {"colors.glia": '(ns colors)\n(def sky {:color-of-sky "blue" :cloud-count 3})\n'}
)
async def test_keywords_of_other_workspace_files_after_colon(client, workspace):
    marked = "(ns app)\n(defn f [m] (get m :col|))"
    text, _, _, items = await complete_at(client, workspace, marked, name="app.glia")
    names = labels(items)
    assert ":color-of-sky" in names, names
    assert ":cloud-count" not in names, names
    item = item_named(items, ":color-of-sky")
    assert accept(text, item) == text.replace(":col)", ":color-of-sky)")


@pytest.mark.files({"colors.glia": '(ns colors)\n(def sky {:color-of-sky "blue"})\n'})
async def test_keywords_right_after_the_colon_trigger(client, workspace):
    marked = "(ns app)\n(defn f [m] (get m :|))"
    text, _, _, items = await complete_at(
        client, workspace, marked, name="app.glia", trigger=":"
    )
    names = labels(items)
    assert ":color-of-sky" in names, names
    assert accept(text, item_named(items, ":color-of-sky")) == text.replace(
        ":)", ":color-of-sky)"
    )


CAPS = (
    "(ns caps)\n"
    '(defcap greeter "Greets people."\n'
    '  :greet (fn [who] (str "hi " who))\n'
    '  :bye (fn [] "bye"))\n'
)


@pytest.mark.files({"caps.glia": CAPS})
async def test_capability_methods_after_perform(client, workspace):
    marked = "(ns app (:require [caps :refer [greeter]]))\n(perform greeter :|)"
    text, _, _, items = await complete_at(
        client, workspace, marked, name="app.glia", trigger=":"
    )
    names = labels(items)
    assert ":greet" in names and ":bye" in names, names
    greet = item_named(items, ":greet")
    assert greet.kind == types.CompletionItemKind.Method
    # Methods come first.
    others = [i for i in items if i.kind != types.CompletionItemKind.Method]
    for other in others:
        assert greet.sort_text < other.sort_text, (greet.sort_text, other.sort_text)
    assert accept(text, greet).endswith("(perform greeter :greet)")


@pytest.mark.files({"caps.glia": CAPS})
async def test_capability_methods_with_a_prefix(client, workspace):
    marked = '(ns app (:require [caps :refer [greeter]]))\n(perform greeter :g| "you")'
    _, _, _, items = await complete_at(client, workspace, marked, name="app.glia")
    methods = [i.label for i in items if i.kind == types.CompletionItemKind.Method]
    assert methods == [":greet"], labels(items)


async def test_resolve_adds_the_documentation_of_a_core_var(client, workspace):
    _, _, _, items = await complete_at(client, workspace, "(ma|)")
    item = item_named(items, "map")
    assert item.documentation is None  # added by resolve
    resolved = await client.completion_item_resolve_async(item)
    doc = resolved.documentation
    assert isinstance(doc, types.MarkupContent), doc
    assert doc.kind == types.MarkupKind.Markdown
    assert "A lazy seq of `f` applied to each element" in doc.value, doc.value
    assert "(map f coll)" in doc.value, doc.value
    assert resolved.label == "map"


async def test_resolve_adds_the_documentation_of_a_document_var(client, workspace):
    marked = '(ns app.core)\n(defn my-helper "Helps a lot." [a] a)\n(my-h|)'
    _, _, _, items = await complete_at(client, workspace, marked)
    resolved = await client.completion_item_resolve_async(item_named(items, "my-helper"))
    assert isinstance(resolved.documentation, types.MarkupContent), resolved
    assert "Helps a lot." in resolved.documentation.value
    assert "(my-helper a)" in resolved.documentation.value


async def test_resolve_adds_the_documentation_of_a_special_form(client, workspace):
    _, _, _, items = await complete_at(client, workspace, "(i|)")
    resolved = await client.completion_item_resolve_async(item_named(items, "if"))
    assert isinstance(resolved.documentation, types.MarkupContent), resolved
    assert "Evaluates `test`" in resolved.documentation.value


async def test_completion_while_the_form_is_unfinished(client, workspace):
    # The text does not parse: completion still sees the locals.
    marked = "(defn f [needle haystack]\n  (let [n (count hay|"
    text, _, _, items = await complete_at(client, workspace, marked)
    assert "haystack" in labels(items), labels(items)
    assert accept(text, item_named(items, "haystack")).endswith("(count haystack")
