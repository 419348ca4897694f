"""textDocument/formatting and textDocument/rangeFormatting: `ww fmt`'s
canonical formatter, over the whole document or the top-level forms a
range touches."""

from __future__ import annotations

import subprocess

import pytest
from lsprotocol import types

from helpers import apply_edits, doc_id, open_and_wait, range_of, ww_bin

OPTIONS = types.FormattingOptions(tab_size=2, insert_spaces=True)


def ww_fmt(text: str) -> str:
    """What `ww fmt -` makes of `text`."""
    done = subprocess.run(
        [str(ww_bin()), "fmt", "-"],
        input=text,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout


async def format_document(client, uri):
    return await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc_id(uri), options=OPTIONS)
    )


async def format_range(client, uri, range_):
    return await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=doc_id(uri), range=range_, options=OPTIONS
        )
    )


MESSY = "(defn   f [x]\n(+ x    1))\n(def  y   2)"


async def test_formatting_gives_the_canonical_layout(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "f.glia", MESSY)
    edits = await format_document(client, uri)
    assert edits, "no edits for a badly laid out document"
    formatted = apply_edits(MESSY, edits)
    assert formatted == "(defn f [x]\n  (+ x 1))\n(def y 2)\n", formatted
    assert formatted == ww_fmt(MESSY)


async def test_formatting_keeps_comments_and_multibyte_text(client, workspace):
    text = (
        ";; A file 😀 with comments\n"
        '(defn   greet [who]   ; says hi\n  (str "héllo 😀 "    who))\n'
        "\n\n\n"
        '(greet    "wörld")'
    )
    uri, _ = await open_and_wait(client, workspace / "f.glia", text)
    formatted = apply_edits(text, await format_document(client, uri))
    assert formatted == ww_fmt(text), formatted
    assert ";; A file 😀 with comments" in formatted and "; says hi" in formatted


async def test_a_formatted_document_needs_no_edits(client, workspace):
    text = ww_fmt(MESSY)
    uri, _ = await open_and_wait(client, workspace / "f.glia", text)
    assert list(await format_document(client, uri) or []) == []


async def test_formatting_is_refused_with_syntax_errors(client, workspace):
    text = "(defn   f [x]\n(+ x    1)"
    uri, _ = await open_and_wait(client, workspace / "f.glia", text)
    with pytest.raises(Exception, match="syntax errors"):
        await format_document(client, uri)


THREE = "(def   a   1)\n\n(defn   g [x]\n(* x    2))\n\n(def   b   3)\n"


async def test_range_formatting_touches_only_the_forms_in_the_range(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "r.glia", THREE)
    edits = await format_range(client, uri, range_of(THREE, "(* x    2)"))
    formatted = apply_edits(THREE, edits)
    assert formatted == "(def   a   1)\n\n(defn g [x]\n  (* x 2))\n\n(def   b   3)\n", formatted


async def test_range_formatting_over_two_forms(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "r.glia", THREE)
    r = types.Range(start=range_of(THREE, "a").start, end=range_of(THREE, "defn").end)
    formatted = apply_edits(THREE, await format_range(client, uri, r))
    assert formatted == "(def a 1)\n\n(defn g [x]\n  (* x 2))\n\n(def   b   3)\n", formatted


async def test_range_formatting_of_formatted_forms_needs_no_edits(client, workspace):
    text = "(def a 1)\n(def   b   2)\n"
    uri, _ = await open_and_wait(client, workspace / "r.glia", text)
    assert list(await format_range(client, uri, range_of(text, "(def a 1)")) or []) == []


async def test_range_formatting_after_multibyte_text(client, workspace):
    text = '(def s "😀😀")   (def   t   2)\n'
    uri, _ = await open_and_wait(client, workspace / "r.glia", text)
    formatted = apply_edits(text, await format_range(client, uri, range_of(text, "t   2")))
    assert formatted == '(def s "😀😀")   (def t 2)\n', formatted
