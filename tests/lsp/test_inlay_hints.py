"""textDocument/inlayHint: after the effect of a `(perform :effect ...)`,
who takes it: the handler around it (and its line), the host, or nobody."""

from __future__ import annotations

from lsprotocol import types

from helpers import doc_id, open_and_wait, range_of, range_within

TEXT = (
    '(perform :stdout "hi\\n")\n'  # 0
    "(with-effect-handler :ask (fn [q k] (k 42))\n"  # 1
    '  (+ 1 (perform :ask "q?")))\n'  # 2
    "(defn lost [] (perform :nobody 1))\n"  # 3
    "(handle [:a (fn [_ k] (k 1))\n"  # 4
    "         :b (fn [_ k] (k 2))]\n"  # 5
    "  (+ (perform :a) (perform :b)))\n"  # 6
    "(try (perform :glia.exception (ex-info \"x\" {}))\n"  # 7
    "  (catch :default e e))\n"  # 8
    "(with-effect-handler :ask (fn [q k] (k 1))\n"  # 9
    "  (perform :other 1))\n"  # 10
)


async def hints(client, uri, r: types.Range):
    result = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=doc_id(uri), range=r)
    )
    out = {}
    for h in result or []:
        label = h.label if isinstance(h.label, str) else "".join(p.value for p in h.label)
        out[(h.position.line, h.position.character)] = label
    return out


def whole(text: str) -> types.Range:
    lines = text.split("\n")
    return types.Range(
        start=types.Position(line=0, character=0),
        end=types.Position(line=len(lines) - 1, character=len(lines[-1])),
    )


def end_of(r: types.Range) -> tuple[int, int]:
    return (r.end.line, r.end.character)


def after(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    return end_of(range_of(text, needle, nth))


async def test_who_takes_each_perform(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "fx.glia", TEXT)
    found = await hints(client, uri, whole(TEXT))
    assert found == {
        after(TEXT, ":stdout"): "host",
        after(TEXT, ":ask", nth=1): "handled (line 2)",
        after(TEXT, ":nobody"): "unhandled",
        end_of(range_within(TEXT, "(perform :a)", ":a")): "handled (line 5)",
        end_of(range_within(TEXT, "(perform :b)", ":b")): "handled (line 5)",
        after(TEXT, ":glia.exception"): "handled (line 8)",
        after(TEXT, ":other"): "unhandled",
    }, found


async def test_hints_are_padded_and_typed(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "fx.glia", TEXT)
    result = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=doc_id(uri), range=whole(TEXT))
    )
    assert result, "no hints"
    for h in result:
        assert h.padding_left, h


async def test_only_the_hints_in_the_range(client, workspace):
    uri, _ = await open_and_wait(client, workspace / "fx.glia", TEXT)
    r = types.Range(
        start=types.Position(line=3, character=0), end=types.Position(line=3, character=40)
    )
    found = await hints(client, uri, r)
    assert found == {after(TEXT, ":nobody"): "unhandled"}, found


async def test_hint_positions_after_multibyte_text(client, workspace):
    text = '(do (str "😀😀") (perform :stdout "é"))\n'
    uri, _ = await open_and_wait(client, workspace / "fx.glia", text)
    found = await hints(client, uri, whole(text))
    assert found == {after(text, ":stdout"): "host"}, found


async def test_no_hints_without_performs(client, workspace):
    text = "(defn f [x] (inc x))\n(f 1)\n"
    uri, _ = await open_and_wait(client, workspace / "fx.glia", text)
    assert await hints(client, uri, whole(text)) == {}
