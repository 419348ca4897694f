//! Inlay hints on effect performs: after `(perform :effect`, who takes it:
//! the handler around it (and its line), the host, or nobody.

use glia_syntax::{SyntaxElement, SyntaxKind, SyntaxNode};
use lsp_types::{InlayHint, InlayHintKind, InlayHintLabel, InlayHintParams};

use crate::server::{Answer, Server};
use crate::syntax;

/// The handler of `effect` (a keyword's text) around `list`: the line of
/// the `with-effect-handler`, `handle` or `try` that takes it.
fn handler_around(root: SyntaxNode<'_>, list: SyntaxNode<'_>, effect: &str) -> Option<usize> {
    for node in syntax::enclosing(root, list.span().start) {
        if node.kind() != SyntaxKind::List {
            continue;
        }
        let items = syntax::forms(node);
        let takes = match syntax::head(node).map(|h| h.text()) {
            Some("with-effect-handler") => items.get(1).is_some_and(|e| e.text() == effect),
            Some("handle") => match items.get(1) {
                Some(SyntaxElement::Node(v)) => syntax::forms(*v)
                    .iter()
                    .step_by(2)
                    .any(|e| e.text() == effect),
                _ => false,
            },
            Some("try") => effect == ":glia.exception",
            _ => false,
        };
        if takes {
            return Some(node.span().start);
        }
    }
    None
}

impl Server {
    pub fn inlay_hints(&mut self, p: InlayHintParams) -> Answer<Option<Vec<InlayHint>>> {
        let open = self.document(&p.text_document.uri)?;
        let lines = &open.doc.lines;
        let within = lines.span(p.range);
        let root = open.analysis.read.parse.syntax();
        let mut hints = Vec::new();
        for element in root.descendants_with_tokens() {
            let SyntaxElement::Node(list) = element else {
                continue;
            };
            let span = list.span();
            if list.kind() != SyntaxKind::List
                || span.end < within.start
                || span.start > within.end
                || syntax::head(list).is_none_or(|h| h.text() != "perform")
            {
                continue;
            }
            let Some(SyntaxElement::Token(effect)) = syntax::forms(list).get(1).copied() else {
                continue;
            };
            if effect.kind() != SyntaxKind::Keyword {
                continue;
            }
            let label = match handler_around(root, list, effect.text()) {
                Some(at) => format!("handled (line {})", lines.position(at).line + 1),
                None if self
                    .host_effects
                    .contains(&effect.text().trim_start_matches(':')) =>
                {
                    "host".to_string()
                }
                None => "unhandled".to_string(),
            };
            hints.push(InlayHint {
                position: lines.position(effect.span().end),
                label: InlayHintLabel::String(label),
                kind: Some(InlayHintKind::TYPE),
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            });
        }
        Ok(Some(hints))
    }
}
