"""textDocument/hover: a var's arglists, kind, namespace and docstring; a
local's binding; a special form's usage."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import cursor, hover, hover_text, open_and_wait, range_of


async def hover_at(client, workspace, marked: str, name: str = "hover.glia"):
    text, pos = cursor(marked)
    uri, _ = await open_and_wait(client, workspace / name, text)
    return text, await hover(client, uri, pos)


async def test_hover_on_map_shows_its_arglists_and_docstring(client, workspace):
    text, result = await hover_at(client, workspace, "(ma|p inc [1 2 3])")
    value = hover_text(result)
    assert isinstance(result.contents, types.MarkupContent), result.contents
    assert result.contents.kind == types.MarkupKind.Markdown
    # Every arity, as a call.
    for call in ("(map f)", "(map f coll)", "(map f c1 c2)"):
        assert call in value, value
    assert "glia.core/map" in value, value
    assert "function" in value, value
    # The docstring, its continuation lines unindented.
    assert "A lazy seq of `f` applied to each element (to the elements of several" in value
    assert "\ncolls in step, until one runs out); with no coll, a transducer." in value, value
    assert result.range == range_of(text, "map"), result.range


async def test_hover_range_is_the_whole_symbol_from_its_end(client, workspace):
    text, result = await hover_at(client, workspace, "(map| inc [1 2 3])")
    assert "glia.core/map" in hover_text(result)
    assert result.range == range_of(text, "map")


async def test_hover_on_a_macro_says_macro(client, workspace):
    _, result = await hover_at(client, workspace, "(wh|en true 1)")
    value = hover_text(result)
    assert "macro" in value and "glia.core/when" in value, value


async def test_hover_on_a_user_fn_shows_its_docstring(client, workspace):
    marked = (
        "(ns app.core)\n"
        '(defn greet\n  "Says hello to `who`.\n  Politely."\n  [who greeting]\n  (str greeting who))\n'
        '(gr|eet "you" "hi")\n'
    )
    _, result = await hover_at(client, workspace, marked)
    value = hover_text(result)
    assert "(greet who greeting)" in value, value
    assert "app.core/greet" in value, value
    assert "Says hello to `who`.\nPolitely." in value, value


async def test_hover_on_a_local_names_its_binding_line(client, workspace):
    marked = "(defn f [x]\n  (let [total (inc x)]\n    (* 2 tot|al)))"
    text, result = await hover_at(client, workspace, marked)
    value = hover_text(result)
    assert "total" in value and "local" in value, value
    assert "line 2" in value, value
    assert result.range == range_of(text, "total", nth=1)


async def test_hover_on_a_parameter(client, workspace):
    _, result = await hover_at(client, workspace, "(defn f [alpha]\n  (inc alp|ha))")
    value = hover_text(result)
    assert "alpha" in value and "local" in value and "line 1" in value, value


async def test_hover_on_a_special_form(client, workspace):
    _, result = await hover_at(client, workspace, "(i|f true 1 2)")
    value = hover_text(result)
    assert "special form" in value, value
    assert "(if test then else?)" in value, value
    assert "Evaluates `test`" in value, value


async def test_hover_on_let_shows_its_binding_vector(client, workspace):
    _, result = await hover_at(client, workspace, "(l|et [x 1] x)")
    value = hover_text(result)
    assert "(let [bindings*] & body)" in value, value
    assert "Binds names" in value, value


async def test_hover_anywhere_in_a_when_let_is_not_a_local(client, workspace):
    # `when-let` expands to code binding a made-up local: hovering its
    # name describes the macro, and inside it nothing covers the form.
    text, result = await hover_at(client, workspace, "(when-l|et [x 1]\n  (inc x))")
    value = hover_text(result)
    assert "macro" in value and "glia.core/when-let" in value, value
    assert result.range == range_of(text, "when-let"), result.range
    _, result = await hover_at(client, workspace, "(when-let [x 1]\n  (inc x) | )", "h2.glia")
    assert result is None, result


async def test_hover_through_an_alias(client, workspace):
    marked = '(ns x (:require [glia.string :as str]))\n(str/repl|ace "abc" "b" "x")'
    _, result = await hover_at(client, workspace, marked)
    value = hover_text(result)
    assert "glia.string/replace" in value, value
    assert "(replace s match replacement)" in value, value
    assert "with every match of `match` replaced" in value, value


@pytest.mark.files({"lib/tools.glia": '(ns lib.tools)\n(defn tool "Does the thing." [a b] [a b])\n'})
async def test_hover_on_a_var_of_a_workspace_module(client, workspace):
    marked = "(ns app (:require [lib.tools :as t]))\n(t/to|ol 1 2)"
    _, result = await hover_at(client, workspace, marked, name="app.glia")
    value = hover_text(result)
    assert "lib.tools/tool" in value, value
    assert "(tool a b)" in value and "Does the thing." in value, value


@pytest.mark.parametrize(
    "marked",
    [
        "(inc 4|2)",
        '(str "a st|ring")',
        "(inc 1)  |  ",
        ";; a com|ment\n(inc 1)",
    ],
)
async def test_no_hover_where_there_is_nothing_to_describe(client, workspace, marked):
    _, result = await hover_at(client, workspace, marked)
    assert result is None, result


async def test_hover_past_a_multibyte_character(client, workspace):
    # Columns are UTF-16 code units: the emoji counts two.
    text, result = await hover_at(client, workspace, '(str "😀é" (i|nc 1))')
    assert "glia.core/inc" in hover_text(result)
    assert result.range == range_of(text, "inc")
