//! What a symbol at the cursor denotes, and the requests that follow it:
//! definition, declaration, references, highlights.

use glia_syntax::{Span, SyntaxKind};
use lsp_types::{
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams, GotoDefinitionParams,
    GotoDefinitionResponse, Location, Position, ReferenceParams, Uri,
};

use crate::analysis::{Target, symbol_name};
use crate::position::Lines;
use crate::server::{Answer, Server};

/// A symbol's text split as Clojure reads it: `a.b/c` is `(Some("a.b"),
/// "c")`; `/` is a name.
pub fn split_symbol(text: &str) -> (Option<&str>, &str) {
    match text.find('/') {
        Some(i) if i > 0 && i + 1 < text.len() => (Some(&text[..i]), &text[i + 1..]),
        _ => (None, text),
    }
}

impl Server {
    /// The symbol at `pos` in `uri` and what it denotes: from the
    /// compiler's facts, else (in a form that does not compile) by
    /// resolving its name in the namespace it is in.
    pub fn target_at(&mut self, uri: &Uri, pos: Position) -> Answer<Option<(Span, Target)>> {
        let open = self.document(uri)?;
        let offset = open.doc.lines.offset(pos);
        if let Some(o) = open.analysis.occurrence_at(offset) {
            return Ok(Some((o.span, o.target.clone())));
        }
        let Some(token) = open
            .analysis
            .token_at(offset)
            .filter(|t| t.kind() == SyntaxKind::Symbol)
        else {
            return Ok(None);
        };
        let (span, text) = (token.span(), token.text().to_string());
        let ns = open.analysis.ns_at(offset).to_string();
        let (sym_ns, name) = split_symbol(&text);
        let resolved = self
            .session(uri)
            .and_then(|c| c.glia().resolve_in(&ns, sym_ns, name));
        Ok(resolved.map(|(ns, name)| (span, Target::Var { ns, name })))
    }

    /// Where `target` (seen from `uri`) is defined: every definition in
    /// the workspace, else its place in the standard library's sources.
    pub fn definitions(&mut self, uri: &Uri, target: &Target) -> Vec<Location> {
        let open = match self.document(uri) {
            Ok(o) => o,
            Err(_) => return Vec::new(),
        };
        if let Target::Local(binding) = target {
            return vec![Location::new(uri.clone(), open.doc.lines.range(*binding))];
        }
        self.load_workspace();
        let mut found: Vec<Location> = self
            .files()
            .flat_map(|(u, doc, a)| {
                a.occurrences_of(target)
                    .filter(|o| o.def)
                    .map(|o| Location::new(u.clone(), doc.lines.range(o.span)))
                    .collect::<Vec<_>>()
            })
            .collect();
        if found.is_empty()
            && let Target::Var { ns, name } = target
        {
            found.extend(self.stdlib_location(uri, ns, name));
        }
        found
    }

    /// Where the standard library defines `ns/name`, in the sources written
    /// to the cache directory.
    fn stdlib_location(&mut self, uri: &Uri, ns: &str, name: &str) -> Option<Location> {
        let dir = self.stdlib.clone()?;
        let description = self.session(uri)?.glia().describe(ns, name)?;
        let (file, line) = (description.file?, description.line?);
        let (_, _, text) = glia_eval::stdlib_sources()
            .into_iter()
            .find(|(_, f, _)| *f == file)?;
        let lines = Lines::new(text, self.encoding);
        let line_start = lines.offset(Position::new(line.checked_sub(1)? as u32, 0));
        let line_text = text[line_start..].lines().next().unwrap_or("");
        // The name after the defining word: `(defn map` → `map`.
        let column = line_text
            .match_indices(name)
            .map(|(i, _)| i)
            .find(|&i| i > 0 && line_text[..i].ends_with(' '))
            .unwrap_or(0);
        let start = line_start + column;
        let uri = crate::workspace::uri_of(&dir.join(&file))?;
        Some(Location::new(
            uri,
            lines.range(Span::new(start, start + name.len())),
        ))
    }

    pub fn definition(
        &mut self,
        p: GotoDefinitionParams,
        declaration: bool,
    ) -> Answer<Option<GotoDefinitionResponse>> {
        let uri = p.text_document_position_params.text_document.uri;
        let pos = p.text_document_position_params.position;
        let Some((_, target)) = self.target_at(&uri, pos)? else {
            // A namespace's name (in a `require`) leads to its file.
            let open = self.document(&uri)?;
            let token = open.analysis.token_at(open.doc.lines.offset(pos));
            let name = token
                .filter(|t| t.kind() == SyntaxKind::Symbol)
                .map(|t| t.text().to_string());
            let found = name.and_then(|n| self.namespace_location(&glia_eval::canonical_ns(&n)));
            return Ok(found.map(|l| GotoDefinitionResponse::Array(vec![l])));
        };
        let mut found = self.definitions(&uri, &target);
        if declaration {
            found.truncate(1);
        }
        Ok((!found.is_empty()).then_some(GotoDefinitionResponse::Array(found)))
    }

    /// Every occurrence of `target` (seen from `uri`): in that document
    /// for a local, in every workspace file for a var (its `:refer`s
    /// included).
    pub fn occurrences(&mut self, uri: &Uri, target: &Target) -> Vec<(Uri, Span, bool)> {
        if matches!(target, Target::Local(_)) {
            let Ok(open) = self.document(uri) else {
                return Vec::new();
            };
            return open
                .analysis
                .occurrences_of(target)
                .map(|o| (uri.clone(), o.span, o.def))
                .collect();
        }
        self.load_workspace();
        let Target::Var { ns, name } = target else {
            return Vec::new();
        };
        self.files()
            .flat_map(|(u, _, a)| {
                let refers = crate::syntax::refers(a.read.parse.syntax(), ns, name);
                a.occurrences_of(target)
                    .map(|o| (u.clone(), o.span, o.def))
                    .chain(refers.into_iter().map(|span| (u.clone(), span, false)))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// The range of `span` in the file at `uri` (open or analysed).
    pub fn range_in(&self, uri: &Uri, span: Span) -> Option<lsp_types::Range> {
        self.files()
            .find(|(u, _, _)| *u == uri)
            .map(|(_, doc, _)| doc.lines.range(span))
    }

    pub fn references(&mut self, p: ReferenceParams) -> Answer<Option<Vec<Location>>> {
        let uri = p.text_document_position.text_document.uri;
        let pos = p.text_document_position.position;
        let Some((_, target)) = self.target_at(&uri, pos)? else {
            // A keyword: every place the workspace writes it.
            let Some(keyword) = self.keyword_at(&uri, pos) else {
                return Ok(None);
            };
            self.load_workspace();
            let found = self
                .files()
                .flat_map(|(u, doc, a)| {
                    keyword_spans(a.read.parse.syntax(), &keyword)
                        .into_iter()
                        .map(|span| Location::new(u.clone(), doc.lines.range(span)))
                        .collect::<Vec<_>>()
                })
                .collect();
            return Ok(Some(found));
        };
        let with_defs = p.context.include_declaration;
        let found = self.occurrences(&uri, &target);
        Ok(Some(
            found
                .into_iter()
                .filter(|(_, _, def)| with_defs || !def)
                .filter_map(|(u, span, _)| Some(Location::new(u.clone(), self.range_in(&u, span)?)))
                .collect(),
        ))
    }

    /// Where namespace `ns` is written: its file in the workspace, or in
    /// the standard library's sources.
    fn namespace_location(&mut self, ns: &str) -> Option<Location> {
        self.load_workspace();
        let start = lsp_types::Range::default();
        if let Some((uri, _, _)) = self.files().find(|(_, _, a)| a.ns() == ns) {
            return Some(Location::new(uri.clone(), start));
        }
        let dir = self.stdlib.clone()?;
        let (_, file, _) = glia_eval::stdlib_sources()
            .into_iter()
            .find(|(n, _, _)| *n == ns)?;
        Some(Location::new(
            crate::workspace::uri_of(&dir.join(file))?,
            start,
        ))
    }

    /// The keyword at `pos`, if the cursor is on one.
    fn keyword_at(&self, uri: &Uri, pos: Position) -> Option<String> {
        let open = self.document(uri).ok()?;
        let token = open.analysis.token_at(open.doc.lines.offset(pos))?;
        (token.kind() == SyntaxKind::Keyword).then(|| token.text().to_string())
    }

    pub fn highlight(
        &mut self,
        p: DocumentHighlightParams,
    ) -> Answer<Option<Vec<DocumentHighlight>>> {
        let uri = p.text_document_position_params.text_document.uri;
        let pos = p.text_document_position_params.position;
        let Some((_, target)) = self.target_at(&uri, pos)? else {
            // A keyword: every place this document writes it.
            let Some(keyword) = self.keyword_at(&uri, pos) else {
                return Ok(None);
            };
            let open = self.document(&uri)?;
            let spans = keyword_spans(open.analysis.read.parse.syntax(), &keyword);
            return Ok(Some(
                spans
                    .into_iter()
                    .map(|span| DocumentHighlight {
                        range: open.doc.lines.range(span),
                        kind: Some(DocumentHighlightKind::TEXT),
                    })
                    .collect(),
            ));
        };
        let open = self.document(&uri)?;
        Ok(Some(
            open.analysis
                .occurrences_of(&target)
                .map(|o| DocumentHighlight {
                    range: open.doc.lines.range(o.span),
                    kind: Some(if o.def {
                        DocumentHighlightKind::WRITE
                    } else {
                        DocumentHighlightKind::READ
                    }),
                })
                .collect(),
        ))
    }
}

/// Where a tree writes `keyword`.
fn keyword_spans(root: glia_syntax::SyntaxNode<'_>, keyword: &str) -> Vec<Span> {
    root.tokens()
        .filter(|t| t.kind() == SyntaxKind::Keyword && t.text() == keyword)
        .map(|t| t.span())
        .collect()
}

/// The span of the name part of the symbol at `span` (`c` of `a/c`).
pub fn name_span(text: &str, span: Span) -> Span {
    let symbol = &text[span.start..span.end];
    let name = symbol_name(symbol);
    Span::new(span.end - name.len(), span.end)
}
