"""textDocument/signatureHelp: the arglists of the fn or macro called,
with the one that takes the argument at the cursor and that parameter."""

from __future__ import annotations

import pytest
from lsprotocol import types

from helpers import cursor, open_and_wait, signature_help


async def help_at(client, workspace, marked: str, name="sig.glia"):
    text, pos = cursor(marked)
    uri, _ = await open_and_wait(client, workspace / name, text)
    return await signature_help(client, uri, pos)


def parameter_text(sig: types.SignatureInformation, index: int) -> str:
    param = sig.parameters[index]
    label = param.label
    if isinstance(label, str):
        return label
    start, end = label
    # Offsets are UTF-16 code units into the signature's label.
    units = sig.label.encode("utf-16-le")
    return units[2 * start : 2 * end].decode("utf-16-le")


def active(result: types.SignatureHelp) -> tuple[types.SignatureInformation, int]:
    sig = result.signatures[result.active_signature or 0]
    param = sig.active_parameter
    if param is None:
        param = result.active_parameter
    return sig, param


async def test_a_user_fn_and_its_second_parameter(client, workspace):
    marked = "(defn add [left right] (+ left right))\n(add 1 |)"
    result = await help_at(client, workspace, marked)
    assert result is not None
    assert [s.label for s in result.signatures] == ["(add left right)"]
    sig, param = active(result)
    assert param == 1
    assert [parameter_text(sig, i) for i in range(len(sig.parameters))] == [
        "left",
        "right",
    ]


async def test_the_first_parameter_right_after_the_name(client, workspace):
    marked = "(defn add [left right] (+ left right))\n(add |)"
    result = await help_at(client, workspace, marked)
    sig, param = active(result)
    assert parameter_text(sig, param) == "left"


async def test_inside_an_argument_that_is_being_typed(client, workspace):
    marked = "(defn add [left right] (+ left right))\n(add 1 (inc 2)|)"
    result = await help_at(client, workspace, marked)
    sig, param = active(result)
    assert sig.label == "(add left right)"
    assert parameter_text(sig, param) == "right"


async def test_the_arity_of_reduce_that_takes_the_argument(client, workspace):
    result = await help_at(client, workspace, "(reduce + 0 |)")
    labels = [s.label for s in result.signatures]
    assert labels == ["(reduce f coll)", "(reduce f init coll)"], labels
    sig, param = active(result)
    assert sig.label == "(reduce f init coll)"
    assert param == 2 and parameter_text(sig, param) == "coll"


async def test_map_with_one_coll(client, workspace):
    result = await help_at(client, workspace, "(map inc |)")
    sig, param = active(result)
    assert sig.label == "(map f coll)", [s.label for s in result.signatures]
    assert parameter_text(sig, param) == "coll"


async def test_a_rest_parameter_takes_every_later_argument(client, workspace):
    marked = "(defn log [level & parts] parts)\n(log :info 1 2 3 |)"
    result = await help_at(client, workspace, marked)
    sig, param = active(result)
    assert sig.label == "(log level & parts)"
    assert parameter_text(sig, param) == "parts"


async def test_the_innermost_call(client, workspace):
    marked = "(defn outer [a b] b)\n(defn inner [x y z] z)\n(outer 1 (inner 1 2 |))"
    result = await help_at(client, workspace, marked)
    sig, param = active(result)
    assert sig.label == "(inner x y z)"
    assert parameter_text(sig, param) == "z"


async def test_a_macro(client, workspace):
    result = await help_at(client, workspace, "(when (pos? 1) :a |)")
    sig, param = active(result)
    assert sig.label == "(when test & body)"
    assert parameter_text(sig, param) == "body"


async def test_when_let_is_not_mistaken_for_a_local(client, workspace):
    # `when-let` expands to code binding a made-up local: that local is
    # not what the name `when-let` means.
    result = await help_at(client, workspace, "(when-let [x 1]\n  (inc x)\n  |)")
    assert result is not None
    sig, param = active(result)
    assert sig.label == "(when-let bindings & body)", sig.label
    assert parameter_text(sig, param) == "body"


async def test_let_shows_its_binding_vector(client, workspace):
    result = await help_at(client, workspace, "(let [x 1]\n  x\n  |)")
    sig, param = active(result)
    assert sig.label == "(let [bindings*] & body)", sig.label
    assert parameter_text(sig, param) == "body"


async def test_a_special_form(client, workspace):
    result = await help_at(client, workspace, "(if true |)")
    sig, param = active(result)
    assert sig.label == "(if test then else?)"
    assert parameter_text(sig, param) == "then"


async def test_while_the_call_is_unclosed(client, workspace):
    marked = "(defn add [left right] (+ left right))\n(add 1 |"
    result = await help_at(client, workspace, marked)
    sig, param = active(result)
    assert sig.label == "(add left right)"
    assert parameter_text(sig, param) == "right"


@pytest.mark.parametrize(
    "marked",
    ["|(inc 1)", "(in|c 1)", "(inc 1) |", "[1 |2]"],
)
async def test_no_signature_outside_the_arguments_of_a_call(client, workspace, marked):
    assert await help_at(client, workspace, marked) is None
