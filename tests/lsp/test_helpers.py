"""The test helpers themselves: positions are UTF-16 code units."""

from lsprotocol.types import Position, Range

from helpers import (
    apply_edits,
    cursor,
    cursors,
    decode_semantic_tokens,
    offset_at,
    overlaps,
    position_at,
    range_of,
    range_within,
    replace_in,
    text_in,
)


def test_cursor_removes_the_marker_and_gives_its_position():
    assert cursor("(inc| 1)") == ("(inc 1)", Position(line=0, character=4))
    assert cursor('(def a "é")\n(str |a)') == (
        '(def a "é")\n(str a)',
        Position(line=1, character=5),
    )


def test_characters_outside_the_bmp_count_two():
    text, pos = cursor('"😀" |x')
    assert text == '"😀" x'
    assert pos == Position(line=0, character=5)
    assert offset_at(text, pos) == text.index("x")
    assert position_at(text, text.index("x")) == pos


def test_several_cursors_and_another_marker():
    text, positions = cursors("(f $a\n  $b)", marker="$")
    assert text == "(f a\n  b)"
    assert positions == [Position(line=0, character=3), Position(line=1, character=2)]


def test_ranges():
    text = "(let [a 1]\n  (😀 a))"
    r = range_of(text, "a", nth=1)
    assert r == Range(
        start=Position(line=1, character=6), end=Position(line=1, character=7)
    )
    assert text_in(text, range_of(text, "(😀 a)")) == "(😀 a)"
    assert overlaps(r, range_of(text, "(😀 a)"))
    assert not overlaps(r, range_of(text, "[a 1]"))
    empty = Range(
        start=Position(line=1, character=7), end=Position(line=1, character=7)
    )
    assert overlaps(empty, r)


def test_apply_edits_uses_the_original_ranges():
    from lsprotocol.types import TextEdit

    text = '(str "😀" a)\n(b)'
    edits = [
        TextEdit(range=range_of(text, "b"), new_text="bee"),
        TextEdit(range=range_of(text, "a"), new_text="ay"),
        TextEdit(range=range_of(text, "(str"), new_text="(string"),
    ]
    assert apply_edits(text, edits) == '(string "😀" ay)\n(bee)'


def test_replace_in_and_range_within():
    text = "(+ n 1)\n(* n n)"
    r = range_within(text, "(* n n)", "n")
    assert r == Range(start=Position(line=1, character=3), end=Position(line=1, character=4))
    assert replace_in(text, r, "m") == "(+ n 1)\n(* m n)"


def test_semantic_tokens_decode_relative_positions():
    from lsprotocol.types import SemanticTokensLegend

    text = '(inc 1)\n  "😀" x'
    legend = SemanticTokensLegend(
        token_types=["function", "number", "string", "variable"],
        token_modifiers=["declaration", "defaultLibrary"],
    )
    data = [0, 1, 3, 0, 2, 0, 4, 1, 1, 0, 1, 2, 4, 2, 0, 0, 5, 1, 3, 1]
    tokens = decode_semantic_tokens(data, legend, text)
    assert [(t["text"], t["type"], t["modifiers"]) for t in tokens] == [
        ("inc", "function", {"defaultLibrary"}),
        ("1", "number", set()),
        ('"😀"', "string", set()),
        ("x", "variable", {"declaration"}),
    ]
