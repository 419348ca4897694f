from lsprotocol import types
from helpers import *

async def test_probe(client, workspace):
    for marked in ["(l|et [x 1] x)", "(let [x 1] x |)", "(f|n [a] a)", "(fn [a] |)"]:
        text, pos = cursor(marked)
        uri, d = await open_and_wait(client, workspace / "p.glia", text)
        s = await signature_help(client, uri, pos)
        h = await hover(client, uri, pos)
        print(repr(marked), summary(d, text), s and [x.label for x in s.signatures], h and hover_text(h))
    assert 0
