"""Helpers for the language server tests: the client, documents, positions.

Positions follow LSP: lines from 0, characters in UTF-16 code units.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO_ROOT = Path(__file__).resolve().parents[2]

#: How long a test waits for something the server should send by itself.
WAIT_SECONDS = float(os.environ.get("WW_LSP_WAIT", "15"))


def ww_bin() -> Path:
    """The `ww` binary under test: $WW_BIN, else target/debug/ww."""
    path = Path(os.environ.get("WW_BIN", REPO_ROOT / "target" / "debug" / "ww"))
    if not path.is_absolute():
        path = REPO_ROOT / path
    return path


# --- the client --------------------------------------------------------------


class GliaClient(LanguageClient):
    """pytest-lsp's client, also keeping what the tests need to wait on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: The server's answer to `initialize`.
        self.initialize_result: types.InitializeResult | None = None
        #: Every publishDiagnostics received, by URI, oldest first.
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = defaultdict(
            list
        )


def _publish_diagnostics(client: GliaClient, params: types.PublishDiagnosticsParams):
    client.diagnostics[params.uri] = params.diagnostics
    client.published[params.uri].append(params)


def make_client() -> GliaClient:
    client = GliaClient()
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish_diagnostics
    register_lsp_features(client, features)
    return client


# --- documents ---------------------------------------------------------------


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


def open_document(
    client: LanguageClient, path: Path, text: str | None = None, version: int = 1
) -> str:
    """Send didOpen (languageId "glia") for `path` and return its URI.

    With `text`, the file is written first (the server may read the
    workspace from disk too); without it, the file's contents are sent.
    Diagnostics held for the URI are forgotten, so that
    `wait_for_diagnostics` waits for the server's answer to this open.
    """
    if text is None:
        text = path.read_text(encoding="utf-8")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    uri = uri_of(path)
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="glia", version=version, text=text
            )
        )
    )
    return uri


def change_document(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """Send didChange replacing the whole text (valid for full and
    incremental sync alike). Forgets the diagnostics held for the URI."""
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=uri, version=version
            ),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def close_document(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)
        )
    )


async def wait_for_diagnostics(
    client: LanguageClient,
    uri: str,
    *,
    until=None,
    version: int | None = None,
    timeout: float = WAIT_SECONDS,
) -> list[types.Diagnostic]:
    """Wait for textDocument/publishDiagnostics for `uri` and return its list.

    `until(diagnostics)`, when given, must also hold (a server may publish
    more than once for one change, e.g. syntax first, analysis later). With
    `version`, a publish that names another version is not the one awaited
    (one that names none is).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        diagnostics = client.diagnostics.get(uri)
        if diagnostics is not None and (until is None or until(diagnostics)):
            published = getattr(client, "published", {}).get(uri) or []
            last = published[-1].version if published else None
            if version is None or last is None or last == version:
                return list(diagnostics)
        if loop.time() > deadline:
            seen = {u: len(d) for u, d in client.diagnostics.items()}
            raise AssertionError(
                f"no suitable publishDiagnostics for {uri} within {timeout}s; "
                f"last for it: {diagnostics!r}; diagnostics held by URI: {seen}"
            )
        await asyncio.sleep(0.02)


def has_diagnostics(diagnostics) -> bool:
    return len(diagnostics) > 0


def no_diagnostics(diagnostics) -> bool:
    return len(diagnostics) == 0


# --- positions ---------------------------------------------------------------


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def position_at(text: str, offset: int) -> types.Position:
    """The LSP position of the character offset `offset` in `text`."""
    before = text[:offset]
    line = before.count("\n")
    start = before.rfind("\n") + 1
    return types.Position(line=line, character=utf16_len(before[start:]))


def offset_at(text: str, position: types.Position) -> int:
    """The character offset of an LSP position in `text` (the inverse of
    `position_at`; a character past the line's end means its end)."""
    lines = text.split("\n")
    if position.line >= len(lines):
        return len(text)
    offset = sum(len(line) + 1 for line in lines[: position.line])
    units = 0
    for ch in lines[position.line]:
        if units >= position.character:
            break
        units += utf16_len(ch)
        offset += 1
    return offset


def cursors(text: str, marker: str = "|") -> tuple[str, list[types.Position]]:
    """`text` without the markers, and the position of each marker in it."""
    positions = []
    clean = []
    rest = text
    length = 0
    while (i := rest.find(marker)) >= 0:
        clean.append(rest[:i])
        length += i
        positions.append(length)
        rest = rest[i + len(marker) :]
    clean.append(rest)
    plain = "".join(clean)
    return plain, [position_at(plain, offset) for offset in positions]


def cursor(text: str, marker: str = "|") -> tuple[str, types.Position]:
    """`text` without its one marker, and the marker's position:
    `cursor("(inc| 1)")` is `("(inc 1)", Position(line=0, character=4))`."""
    plain, positions = cursors(text, marker)
    assert len(positions) == 1, f"expected one {marker!r} in {text!r}"
    return plain, positions[0]


def range_of(text: str, needle: str, nth: int = 0) -> types.Range:
    """The range of the `nth` occurrence of `needle` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.find(needle, start + 1)
        assert start >= 0, f"{needle!r} occurs fewer than {nth + 1} times"
    return types.Range(
        start=position_at(text, start), end=position_at(text, start + len(needle))
    )


def text_in(text: str, range_: types.Range) -> str:
    return text[offset_at(text, range_.start) : offset_at(text, range_.end)]


def _key(p: types.Position) -> tuple[int, int]:
    return (p.line, p.character)


def overlaps(a: types.Range, b: types.Range) -> bool:
    """Whether two ranges share a character, or an empty one touches the other."""
    if _key(a.start) == _key(a.end) or _key(b.start) == _key(b.end):
        return _key(a.start) <= _key(b.end) and _key(b.start) <= _key(a.end)
    return _key(a.start) < _key(b.end) and _key(b.start) < _key(a.end)


def within(text: str, position: types.Position) -> bool:
    lines = text.split("\n")
    return position.line < len(lines) and position.character <= utf16_len(
        lines[position.line]
    )


def assert_diagnostic_shape(diagnostic: types.Diagnostic, text: str) -> None:
    """A diagnostic as a client shows it: a range inside the document, a
    message, a severity, and "glia" as its source."""
    assert isinstance(diagnostic, types.Diagnostic), diagnostic
    r = diagnostic.range
    assert within(text, r.start) and within(text, r.end), (r, text)
    assert _key(r.start) <= _key(r.end), r
    assert isinstance(diagnostic.message, str) and diagnostic.message.strip()
    assert diagnostic.severity is not None, diagnostic
    assert diagnostic.source == "glia", diagnostic


# --- the server's environment -------------------------------------------------

#: The cache directory the server under test writes the standard library's
#: sources to ($XDG_CACHE_HOME/ww/stdlib-VERSION/), a temporary directory
#: made for this test run and removed when it ends, so that the tests
#: neither read nor write the user's ~/.cache.
CACHE_HOME = Path(tempfile.mkdtemp(prefix="ww-lsp-cache-"))
atexit.register(shutil.rmtree, CACHE_HOME, ignore_errors=True)


def server_env() -> dict[str, str]:
    """The environment the server runs in: ours, with $XDG_CACHE_HOME
    pointing at CACHE_HOME."""
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(CACHE_HOME)
    return env


# --- requests ------------------------------------------------------------------


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def open_file(client: LanguageClient, path: Path) -> str:
    """didOpen a workspace file as it is on disk; return its URI."""
    return open_document(client, path)


async def open_and_wait(
    client: LanguageClient, path: Path, text: str | None = None
) -> tuple[str, list[types.Diagnostic]]:
    """didOpen `path` (writing `text` first, if given) and wait for the
    diagnostics published for it: (uri, diagnostics)."""
    uri = open_document(client, path, text)
    diagnostics = await wait_for_diagnostics(client, uri)
    return uri, diagnostics


async def hover(client, uri: str, pos: types.Position) -> types.Hover | None:
    return await client.text_document_hover_async(
        types.HoverParams(text_document=doc_id(uri), position=pos)
    )


def hover_text(result: types.Hover | None) -> str:
    """A hover's contents as one string (Markdown or plain)."""
    assert result is not None, "no hover"
    contents = result.contents
    if isinstance(contents, types.MarkupContent):
        return contents.value
    if isinstance(contents, str):
        return contents
    if isinstance(contents, types.MarkedStringWithLanguage):
        return contents.value
    return "\n".join(c if isinstance(c, str) else c.value for c in contents)


async def complete(
    client, uri: str, pos: types.Position, trigger: str | None = None
) -> list[types.CompletionItem]:
    """The completion items at `pos` (a list, whatever shape the answer has)."""
    context = (
        types.CompletionContext(
            trigger_kind=types.CompletionTriggerKind.TriggerCharacter,
            trigger_character=trigger,
        )
        if trigger
        else types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked)
    )
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc_id(uri), position=pos, context=context)
    )
    if result is None:
        return []
    if isinstance(result, types.CompletionList):
        return list(result.items)
    return list(result)


def labels(items) -> list[str]:
    return [i.label for i in items]


def item_named(items, label: str) -> types.CompletionItem:
    found = [i for i in items if i.label == label]
    assert found, f"no completion item {label!r} among {sorted(labels(items))[:80]}"
    return found[0]


async def signature_help(client, uri: str, pos: types.Position):
    return await client.text_document_signature_help_async(
        types.SignatureHelpParams(text_document=doc_id(uri), position=pos)
    )


def locations(result) -> list[types.Location]:
    """A definition/declaration answer as a list of Locations."""
    if result is None:
        return []
    if isinstance(result, (types.Location, types.LocationLink)):
        result = [result]
    out = []
    for r in result:
        if isinstance(r, types.LocationLink):
            out.append(types.Location(uri=r.target_uri, range=r.target_selection_range))
        else:
            out.append(r)
    return out


async def definition(client, uri: str, pos: types.Position) -> list[types.Location]:
    return locations(
        await client.text_document_definition_async(
            types.DefinitionParams(text_document=doc_id(uri), position=pos)
        )
    )


async def declaration(client, uri: str, pos: types.Position) -> list[types.Location]:
    return locations(
        await client.text_document_declaration_async(
            types.DeclarationParams(text_document=doc_id(uri), position=pos)
        )
    )


async def references(
    client, uri: str, pos: types.Position, include_declaration: bool = True
) -> list[types.Location]:
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc_id(uri),
            position=pos,
            context=types.ReferenceContext(include_declaration=include_declaration),
        )
    )
    return list(result or [])


def path_of_uri(uri: str) -> Path:
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(uri).path))


def where(locs) -> set[tuple[str, int, int, int, int]]:
    """Locations as comparable tuples: (file name, start line, start
    character, end line, end character)."""
    return {
        (
            path_of_uri(l.uri).name,
            l.range.start.line,
            l.range.start.character,
            l.range.end.line,
            l.range.end.character,
        )
        for l in locs
    }


def spot(name: str, r: types.Range) -> tuple[str, int, int, int, int]:
    """A range of the file `name` as `where` gives it."""
    return (name, r.start.line, r.start.character, r.end.line, r.end.character)


def same_file(uri_a: str, uri_b: str) -> bool:
    return path_of_uri(uri_a).resolve() == path_of_uri(uri_b).resolve()


# --- edits ---------------------------------------------------------------------


def apply_edits(text: str, edits) -> str:
    """`text` with the TextEdits applied (as the protocol says: all ranges
    refer to the original text; they must not overlap)."""
    spans = []
    for e in edits:
        start, end = offset_at(text, e.range.start), offset_at(text, e.range.end)
        assert start <= end, e
        spans.append((start, end, e.new_text))
    spans.sort(key=lambda s: (s[0], s[1]))
    for a, b in zip(spans, spans[1:]):
        assert a[1] <= b[0], f"overlapping edits: {a} and {b}"
    out = text
    for start, end, new in reversed(spans):
        out = out[:start] + new + out[end:]
    return out


def workspace_edits(edit: types.WorkspaceEdit | None) -> dict[str, list[types.TextEdit]]:
    """A WorkspaceEdit's text edits by URI, whether it uses `changes` or
    `documentChanges`."""
    assert edit is not None, "no workspace edit"
    out: dict[str, list] = defaultdict(list)
    if edit.changes:
        for uri, edits in edit.changes.items():
            out[uri].extend(edits)
    for change in edit.document_changes or []:
        assert isinstance(change, types.TextDocumentEdit), change
        out[change.text_document.uri].extend(change.edits)
    return dict(out)


def edits_by_file(edit: types.WorkspaceEdit | None) -> dict[str, list[types.TextEdit]]:
    """`workspace_edits`, keyed by file name."""
    return {path_of_uri(u).name: e for u, e in workspace_edits(edit).items()}


def edit_document(
    client: LanguageClient,
    uri: str,
    version: int,
    changes: list[tuple[types.Range, str]],
) -> None:
    """Send one didChange with ranged (incremental) changes, applied in order."""
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(range=r, text=t)
                for r, t in changes
            ],
        )
    )


def replace_in(text: str, range_: types.Range, new: str) -> str:
    """`text` with `range_` replaced by `new` (what a ranged change does)."""
    return text[: offset_at(text, range_.start)] + new + text[offset_at(text, range_.end) :]


# --- diagnostics ---------------------------------------------------------------


def code_of(d: types.Diagnostic) -> str | None:
    return None if d.code is None else str(d.code)


def with_code(diagnostics, code: str) -> list[types.Diagnostic]:
    return [d for d in diagnostics if code_of(d) == code]


def summary(diagnostics, text: str) -> list[tuple[str | None, str]]:
    """Diagnostics as (code, covered text) pairs, in order, for messages."""
    return [(code_of(d), text_in(text, d.range)) for d in diagnostics]


# --- semantic tokens ---------------------------------------------------------


def decode_semantic_tokens(
    data: list[int], legend: types.SemanticTokensLegend, text: str
) -> list[dict]:
    """The relative encoding decoded: one dict per token with its absolute
    line and character, length, the text it covers, its type's name and
    its modifiers' names (a set)."""
    assert len(data) % 5 == 0, f"{len(data)} integers is not a whole number of tokens"
    lines = text.split("\n")
    out = []
    line = char = 0
    for i in range(0, len(data), 5):
        d_line, d_start, length, type_index, bits = data[i : i + 5]
        if d_line:
            line += d_line
            char = d_start
        else:
            char += d_start
        assert 0 <= type_index < len(legend.token_types), (i // 5, type_index)
        modifiers = {
            name for bit, name in enumerate(legend.token_modifiers) if bits & (1 << bit)
        }
        assert bits < (1 << len(legend.token_modifiers)), (i // 5, bits)
        start = types.Position(line=line, character=char)
        end = types.Position(line=line, character=char + length)
        covered = text_in(text, types.Range(start=start, end=end)) if line < len(lines) else ""
        out.append(
            {
                "line": line,
                "character": char,
                "length": length,
                "text": covered,
                "type": legend.token_types[type_index],
                "modifiers": modifiers,
            }
        )
    return out


def range_within(text: str, outer: str, inner: str, nth: int = 0) -> types.Range:
    """The range of the first `inner` inside the `nth` occurrence of
    `outer`: `range_within(t, "(+ n 1)", "n")`."""
    start = offset_at(text, range_of(text, outer, nth).start) + outer.index(inner)
    return types.Range(
        start=position_at(text, start), end=position_at(text, start + len(inner))
    )
