"""textDocument/semanticTokens/full and /range, decoded from the relative
encoding with the legend the server gave in its initialize answer."""

from __future__ import annotations

from lsprotocol import types

from helpers import decode_semantic_tokens, doc_id, open_and_wait, range_of, range_within


def legend(client) -> types.SemanticTokensLegend:
    provider = client.initialize_result.capabilities.semantic_tokens_provider
    assert provider is not None, "no semanticTokensProvider"
    assert provider.full, provider
    assert provider.range, provider
    return provider.legend


async def full_tokens(client, workspace, text, name="t.glia"):
    uri, _ = await open_and_wait(client, workspace / name, text)
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=doc_id(uri))
    )
    assert result is not None
    return uri, decode_semantic_tokens(list(result.data), legend(client), text)


def by_text(tokens) -> dict[str, list[tuple[str, frozenset]]]:
    out: dict[str, list] = {}
    for t in tokens:
        out.setdefault(t["text"], []).append((t["type"], frozenset(t["modifiers"])))
    return out


def token_at(tokens, r: types.Range):
    found = [
        t
        for t in tokens
        if t["line"] == r.start.line
        and t["character"] == r.start.character
        and t["length"] == r.end.character - r.start.character
    ]
    assert len(found) == 1, (r, tokens)
    return found[0]["type"], found[0]["modifiers"]


def assert_ordered_and_disjoint(tokens):
    previous_end = (0, 0)
    for t in tokens:
        assert t["length"] > 0, t
        start = (t["line"], t["character"])
        assert start >= previous_end, (t, previous_end)
        previous_end = (t["line"], t["character"] + t["length"])


async def test_the_legend_names_standard_types(client):
    lg = legend(client)
    for name in ("function", "macro", "variable", "keyword", "string", "number", "comment"):
        assert name in lg.token_types, lg.token_types
    assert "declaration" in lg.token_modifiers and "defaultLibrary" in lg.token_modifiers


async def test_literals_and_comments(client, workspace):
    text = ';; a comment\n(def s ["str" 42 3.5 :kw #"re+" \\c])\n'
    _, tokens = await full_tokens(client, workspace, text)
    assert_ordered_and_disjoint(tokens)
    seen = by_text(tokens)
    assert seen[";; a comment"] == [("comment", frozenset())], seen
    assert seen['"str"'] == [("string", frozenset())]
    assert seen["42"] == [("number", frozenset())]
    assert seen["3.5"] == [("number", frozenset())]
    assert seen[":kw"] == [("enumMember", frozenset())]
    assert seen['#"re+"'] == [("regexp", frozenset())]
    assert seen["\\c"] == [("string", frozenset())]


async def test_standard_library_fns_and_special_forms(client, workspace):
    text = "(do (pos? 1)\n  (if true (inc 1) (map inc [1])))\n"
    _, tokens = await full_tokens(client, workspace, text)
    lib = frozenset({"defaultLibrary"})
    assert token_at(tokens, range_of(text, "do")) == ("keyword", set())
    assert token_at(tokens, range_of(text, "pos?")) == ("function", lib)
    assert token_at(tokens, range_of(text, "if")) == ("keyword", set())
    assert token_at(tokens, range_of(text, "inc")) == ("function", lib)
    assert token_at(tokens, range_of(text, "map")) == ("function", lib)
    # `inc` passed as a value is still the function.
    assert token_at(tokens, range_of(text, "inc", nth=1)) == ("function", lib)


async def test_standard_library_macros(client, workspace):
    text = "(defn f [x]\n  (when (pos? x) (-> x inc)))\n"
    _, tokens = await full_tokens(client, workspace, text)
    lib = frozenset({"defaultLibrary"})
    assert token_at(tokens, range_of(text, "defn")) == ("macro", lib)
    assert token_at(tokens, range_of(text, "when")) == ("macro", lib)
    assert token_at(tokens, range_of(text, "->")) == ("macro", lib)


async def test_user_definitions_and_their_uses(client, workspace):
    text = '(defn shout "Loud." [word]\n  (str word "!"))\n(def volume 11)\n(shout (str volume))\n'
    _, tokens = await full_tokens(client, workspace, text)
    assert token_at(tokens, range_of(text, "shout", nth=1)) == ("function", set())
    assert token_at(tokens, range_of(text, "volume", nth=1)) == ("variable", set())
    assert token_at(tokens, range_of(text, "volume")) == ("variable", {"declaration"})
    assert token_at(tokens, range_of(text, "shout")) == ("function", {"declaration"})


async def test_locals(client, workspace):
    text = "(defn f [word]\n  (let [n 2]\n    (str word n)))\n"
    _, tokens = await full_tokens(client, workspace, text)
    assert token_at(tokens, range_of(text, "word")) == ("variable", {"declaration"})
    assert token_at(tokens, range_within(text, "[n 2]", "n")) == ("variable", {"declaration"})
    assert token_at(tokens, range_of(text, "word", nth=1)) == ("variable", set())
    assert token_at(tokens, range_within(text, "word n)", "n")) == ("variable", set())


async def test_a_qualified_symbol_is_a_namespace_and_a_name(client, workspace):
    text = '(ns app (:require [glia.string :as str]))\n(str/upper-case (str "a"))\n'
    _, tokens = await full_tokens(client, workspace, text)
    assert token_at(tokens, range_within(text, "str/upper-case", "str")) == ("namespace", set())
    assert token_at(tokens, range_of(text, "upper-case")) == ("function", {"defaultLibrary"})
    assert token_at(tokens, range_within(text, '(str "a")', "str")) == (
        "function",
        {"defaultLibrary"},
    )


async def test_positions_after_multibyte_text_are_utf16(client, workspace):
    text = '(def s "😀é") (inc 1) ;; ünïcode 😀\n(str "𝄞" :k)\n'
    _, tokens = await full_tokens(client, workspace, text)
    assert_ordered_and_disjoint(tokens)
    seen = by_text(tokens)
    # Every token decodes to exactly the text it stands for.
    assert '"😀é"' in seen and "inc" in seen and ";; ünïcode 😀" in seen, seen
    assert '"𝄞"' in seen and ":k" in seen, seen
    assert token_at(tokens, range_of(text, "inc"))[0] == "function"


async def test_a_multiline_string_is_sent_a_line_at_a_time(client, workspace):
    # The client said multilineTokenSupport: false.
    text = '(def doc "first line\n  second line\nthird")\n(inc 1)\n'
    _, tokens = await full_tokens(client, workspace, text)
    assert_ordered_and_disjoint(tokens)
    strings = [t["text"] for t in tokens if t["type"] == "string"]
    assert strings == ['"first line', "  second line", 'third"'], strings
    assert token_at(tokens, range_of(text, "inc"))[0] == "function"


async def test_range_tokens_are_the_full_tokens_in_the_range(client, workspace):
    text = (
        ";; head\n"
        "(def a 1)\n"
        '(defn g [x]\n  (str x "y" :z))\n'
        "(def b 2)\n"
    )
    uri, full = await full_tokens(client, workspace, text)
    r = types.Range(start=types.Position(line=2, character=0), end=types.Position(line=3, character=20))
    result = await client.text_document_semantic_tokens_range_async(
        types.SemanticTokensRangeParams(text_document=doc_id(uri), range=r)
    )
    part = decode_semantic_tokens(list(result.data), legend(client), text)
    assert part, "no tokens in the range"
    # Positions are absolute in the document (relative to line 0 for the first).
    assert all(2 <= t["line"] <= 3 for t in part), part
    inside = [t for t in full if 2 <= t["line"] <= 3]
    assert part == inside, (part, inside)
    assert {t["text"] for t in part} >= {'"y"', ":z", "str"}
