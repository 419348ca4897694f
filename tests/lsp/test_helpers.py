"""The test helpers themselves: positions are UTF-16 code units."""

from lsprotocol.types import Position, Range

from helpers import cursor, cursors, offset_at, overlaps, position_at, range_of, text_in


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
