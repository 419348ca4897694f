"""Incremental document sync: ranged didChange edits (several per
notification, several notifications in a row, multi-byte and emoji text)
must leave the server with the text the client has, and checked as that
text is checked when opened fresh."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from lsprotocol import types

from helpers import (
    complete,
    cursor,
    edit_document,
    hover,
    hover_text,
    labels,
    open_and_wait,
    position_at,
    range_of,
    replace_in,
    summary,
    wait_for_diagnostics,
)

_fresh = itertools.count()


@dataclass
class Edit:
    """A ranged change, placed by an anchor in the text as it is when the
    change applies: replace the anchor, or insert before or after it, or
    delete it (new == "")."""

    anchor: str
    new: str
    where: str = "replace"  # or "before", "after"
    nth: int = 0

    def range(self, text: str) -> types.Range:
        r = range_of(text, self.anchor, self.nth)
        if self.where == "before":
            return types.Range(start=r.start, end=r.start)
        if self.where == "after":
            return types.Range(start=r.end, end=r.end)
        return r


def comparable(diagnostics):
    return sorted(
        (
            (d.range.start.line, d.range.start.character),
            (d.range.end.line, d.range.end.character),
            d.severity,
            None if d.code is None else str(d.code),
            d.message,
            tuple(d.tags or ()),
        )
        for d in diagnostics
    )


async def fresh(client, workspace, text):
    """The diagnostics of `text` opened in a new document."""
    _, diagnostics = await open_and_wait(client, workspace / f"fresh{next(_fresh)}.glia", text)
    return diagnostics


async def edit_in_steps(client, workspace, initial: str, steps: list[list[Edit]]):
    """Opens `initial`, sends one didChange per step (its edits applied in
    order, each to the text the one before left), without waiting between
    steps; returns (final text, the diagnostics for the last version)."""
    uri, _ = await open_and_wait(client, workspace / "edited.glia", initial)
    text = initial
    version = 1
    for step in steps:
        changes = []
        for e in step:
            r = e.range(text)
            changes.append((r, e.new))
            text = replace_in(text, r, e.new)
        version += 1
        edit_document(client, uri, version, changes)
    diagnostics = await wait_for_diagnostics(client, uri, version=version)
    return uri, text, diagnostics


async def assert_same_as_fresh(client, workspace, initial, steps):
    uri, text, diagnostics = await edit_in_steps(client, workspace, initial, steps)
    expected = await fresh(client, workspace, text)
    assert comparable(diagnostics) == comparable(expected), (
        text,
        summary(diagnostics, text),
        summary(expected, text),
    )
    return uri, text, diagnostics


INITIAL = '(defn greet [who]\n  (str "hi " who))\n'


async def test_several_edits_in_one_change_with_emoji(client, workspace):
    steps = [
        [
            # Multi-byte text first, so that every later column is off by
            # some if the server counted bytes or code points.
            Edit('"hi "', '"héllo 😀 "'),
            Edit("who))", '\n(greet "😀😀 wörld" extra-arg)', where="after"),
            Edit("extra-arg", "extra-unbound"),
            Edit('"😀😀 wörld"', " (str \"𝄞\" missing-one)", where="after"),
        ]
    ]
    _, text, diagnostics = await assert_same_as_fresh(client, workspace, INITIAL, steps)
    assert text == (
        '(defn greet [who]\n  (str "héllo 😀 " who))\n'
        '(greet "😀😀 wörld" (str "𝄞" missing-one) extra-unbound)\n'
    )
    # And the fresh check finds what is there: an arity error and two
    # unbound symbols, at the right columns.
    got = summary(diagnostics, text)
    assert ("glia::error::unbound-symbol", "missing-one") in got, got
    assert ("glia::error::unbound-symbol", "extra-unbound") in got, got
    assert any(code == "glia::check::arity" for code, _ in got), got


async def test_several_changes_in_a_row(client, workspace):
    steps = [
        [Edit("(str ", "(str \"😀\" ", where="replace")],
        [Edit("who))", "\n(defn twice [n] (* 2 n))", where="after")],
        [Edit("(* 2 n)", "(* 2 n extra)")],
        [Edit("extra", "")],
        [Edit("twice [n] ", "", where="after"), Edit("(* 2 n )", "(* 2 n)")],
        [Edit("(* 2 n))", " ;; é😀 done\n(twice 1 2)", where="after")],
    ]
    _, text, diagnostics = await assert_same_as_fresh(client, workspace, INITIAL, steps)
    assert text == (
        '(defn greet [who]\n  (str "😀" "hi " who))\n'
        "(defn twice [n] (* 2 n)) ;; é😀 done\n(twice 1 2)\n"
    ), text
    assert [d.code for d in diagnostics] == ["glia::check::arity"], summary(diagnostics, text)


async def test_deleting_across_lines(client, workspace):
    initial = "(defn a [x]\n  x)\n\n(defn b [y]\n  (a y))\n\n(b 1)\n"
    steps = [[Edit("  x)\n\n(defn b [y]\n  (a y))\n\n", "  x)\n")]]
    _, text, diagnostics = await assert_same_as_fresh(client, workspace, initial, steps)
    assert text == "(defn a [x]\n  x)\n(b 1)\n"
    assert [d.code for d in diagnostics] == ["glia::error::unbound-symbol"]


async def test_an_edit_after_emoji_on_the_same_line(client, workspace):
    initial = '(str "😀😀😀" aa)\n'
    # `aa` is at UTF-16 column 13; in bytes it would be 19, in code points 10.
    steps = [[Edit("aa", "(inc 1 2)")]]
    _, text, diagnostics = await assert_same_as_fresh(client, workspace, initial, steps)
    assert text == '(str "😀😀😀" (inc 1 2))\n'
    assert [d.code for d in diagnostics] == ["glia::check::arity"], summary(diagnostics, text)


async def test_breaking_and_fixing_the_syntax(client, workspace):
    initial = "(defn f [x]\n  (inc x))\n(f 1)\n"
    steps = [
        [Edit("(inc x))", "(inc x)")],  # unclosed
        [Edit("(f 1)", "(f 1 2)")],
        [Edit("(inc x)", "(inc x))")],  # closed again
    ]
    _, text, diagnostics = await assert_same_as_fresh(client, workspace, initial, steps)
    assert text == "(defn f [x]\n  (inc x))\n(f 1 2)\n"
    assert [d.code for d in diagnostics] == ["glia::check::arity"]


async def test_an_edit_inside_a_body_rechecks_only_what_changed_correctly(client, workspace):
    # Only g's body changes: the server may recheck g alone, and must find
    # what a full check finds.
    initial = "(defn f [x] x)\n(defn g [] (f 1))\n(g)\n"
    steps = [[Edit("(f 1)", "(f 1 2)")]]
    _, _, diagnostics = await assert_same_as_fresh(client, workspace, initial, steps)
    assert [d.code for d in diagnostics] == ["glia::check::arity"]


async def test_a_use_before_its_definition_after_an_edit(client, workspace):
    initial = "(defn g [] 1)\n(defn h [x] x)\n"
    steps = [[Edit("(defn g [] 1)", "(defn g [] (h 1))")]]
    _, text, diagnostics = await assert_same_as_fresh(client, workspace, initial, steps)
    assert summary(diagnostics, text) == [("glia::error::unbound-symbol", "h")]


async def test_changing_a_parameter_vector_rechecks_the_callers(client, workspace):
    initial = "(defn f [x] x)\n(f 1)\n"
    steps = [[Edit("[x]", "[x y]")], [Edit("x)", "(+ x y))")]]
    _, text, diagnostics = await assert_same_as_fresh(client, workspace, initial, steps)
    assert text == "(defn f [x y] (+ x y))\n(f 1)\n"
    assert [d.code for d in diagnostics] == ["glia::check::arity"]


async def test_renaming_a_definition_by_typing(client, workspace):
    initial = "(defn f [x] x)\n(f 1)\n"
    steps = [[Edit("f", "fg", nth=1)], [Edit("fg", "fgh")]]
    _, text, diagnostics = await assert_same_as_fresh(client, workspace, initial, steps)
    assert text == "(defn fgh [x] x)\n(f 1)\n"
    assert summary(diagnostics, text) == [("glia::error::unbound-symbol", "f")]


async def test_requests_see_the_edited_text(client, workspace):
    uri, text, _ = await edit_in_steps(
        client,
        workspace,
        INITIAL,
        [[Edit("(str ", '(str "😀é" ', where="replace")], [Edit("who))", "\n(map inc [1])", where="after")]],
    )
    assert text == '(defn greet [who]\n  (str "😀é" "hi " who))\n(map inc [1])\n'
    pos = range_of(text, "map").start
    assert "glia.core/map" in hover_text(await hover(client, uri, pos))
    # Completion of a prefix typed after the emoji.
    edit_document(client, uri, 4, [(types.Range(start=position_at(text, text.index('"hi "')), end=position_at(text, text.index('"hi "'))), "gre ")])
    text = text.replace('"hi "', 'gre "hi "')
    await wait_for_diagnostics(client, uri, version=4)
    _, pos = cursor(text.replace("gre ", "gre| "))
    assert "greet" in labels(await complete(client, uri, pos))
