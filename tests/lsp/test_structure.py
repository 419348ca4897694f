"""textDocument/foldingRange (multi-line forms, comment blocks) and
textDocument/selectionRange (the word, then each form around it)."""

from __future__ import annotations

from lsprotocol import types

from helpers import cursors, doc_id, open_and_wait, text_in

TEXT = (
    ";; one\n"  # 0
    ";; two\n"  # 1
    ";; three\n"  # 2
    "(defn f [x]\n"  # 3
    "  (let [y 1]\n"  # 4
    "    (+ x y)))\n"  # 5
    "(def a 1)\n"  # 6
    "(def m {:a 1\n"  # 7
    "        :b 2})\n"  # 8
    ";; alone\n"  # 9
    '(def s "a\n'  # 10
    'b")\n'  # 11
)


async def folding(client, uri):
    result = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=doc_id(uri))
    )
    return list(result or [])


async def test_folding_ranges_of_multiline_forms_and_comment_blocks(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "fold.glia", TEXT)
    ranges = await folding(client, uri)
    spans = {(r.start_line, r.end_line) for r in ranges}
    assert (3, 5) in spans, spans  # the defn
    assert (4, 5) in spans, spans  # the let
    assert (7, 8) in spans, spans  # the def of the map
    comments = [r for r in ranges if r.kind == types.FoldingRangeKind.Comment]
    assert [(r.start_line, r.end_line) for r in comments] == [(0, 2)], comments
    # Nothing for one-line forms, nor a lone comment line.
    assert not any(r.start_line == 6 for r in ranges), ranges
    assert not any(r.start_line == 9 for r in ranges), ranges
    for r in ranges:
        assert r.end_line > r.start_line, r


async def test_no_folding_ranges_in_a_one_line_document(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "fold.glia", "(inc 1) (dec 2) ;; c\n")
    assert await folding(client, uri) == []


async def selection(client, uri, positions):
    result = await client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=doc_id(uri), positions=positions)
    )
    return list(result or [])


def chain(text: str, sr: types.SelectionRange) -> list[str]:
    out = []
    previous = None
    while sr is not None:
        r = sr.range
        if previous is not None:
            # Each parent contains its child.
            assert (r.start.line, r.start.character) <= (
                previous.start.line,
                previous.start.character,
            ), (r, previous)
            assert (r.end.line, r.end.character) >= (
                previous.end.line,
                previous.end.character,
            ), (r, previous)
        out.append(text_in(text, r))
        previous = r
        sr = sr.parent
    return out


async def test_selection_ranges_grow_form_by_form(client, workspace):
    marked = "(defn f [x]\n  (let [y 1]\n    (+ x |y)))\n(def a 1)\n"
    text, positions = cursors(marked)
    uri, _ = await open_and_wait(client, workspace / "sel.glia", text)
    [sr] = await selection(client, uri, positions)
    assert chain(text, sr) == [
        "y",
        "(+ x y)",
        "(let [y 1]\n    (+ x y))",
        "(defn f [x]\n  (let [y 1]\n    (+ x y)))",
        text,
    ]


async def test_one_selection_range_per_position_in_order(client, workspace):
    marked = '(def a |1)\n(str "😀" |:kw)\n'
    text, positions = cursors(marked)
    uri, _ = await open_and_wait(client, workspace / "sel.glia", text)
    first, second = await selection(client, uri, positions)
    assert chain(text, first)[:2] == ["1", "(def a 1)"]
    # After a character outside the BMP: UTF-16 columns.
    assert chain(text, second)[:2] == [":kw", '(str "😀" :kw)']


async def test_selection_inside_a_vector_and_a_map(client, workspace):
    marked = "(def m {:k [1 |2 3]})"
    text, positions = cursors(marked)
    uri, _ = await open_and_wait(client, workspace / "sel.glia", text)
    [sr] = await selection(client, uri, positions)
    assert chain(text, sr) == ["2", "[1 2 3]", "{:k [1 2 3]}", "(def m {:k [1 2 3]})"]
