//! Code actions: add the missing `require` for an unbound symbol, remove
//! (or mark) an unused binding, wrap a form in `try`.

use std::collections::HashMap;

use glia_syntax::{Span, SyntaxElement, SyntaxKind, SyntaxNode};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    TextEdit, Uri, WorkspaceEdit,
};

use crate::library::Library;
use crate::navigation::split_symbol;
use crate::server::{Answer, Open, Server};
use crate::syntax;

/// Aliases the standard namespaces are usually required under.
const CONVENTIONAL: &[(&str, &str)] = &[
    ("str", "glia.string"),
    ("string", "glia.string"),
    ("set", "glia.set"),
    ("json", "glia.json"),
    ("t", "glia.test"),
    ("test", "glia.test"),
    ("policy", "glia.policy"),
];

fn action(
    title: String,
    kind: CodeActionKind,
    uri: &Uri,
    edits: Vec<TextEdit>,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(kind),
        edit: Some(WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)]))),
        ..Default::default()
    })
}

impl Server {
    pub fn code_actions(&mut self, p: CodeActionParams) -> Answer<Option<CodeActionResponse>> {
        let uri = p.text_document.uri;
        let span = self.document(&uri)?.doc.lines.span(p.range);
        let findings: Vec<(String, Span)> = self
            .document(&uri)?
            .analysis
            .findings
            .iter()
            .filter(|f| f.span.start <= span.end && span.start <= f.span.end)
            .map(|f| (f.code.clone(), f.span))
            .collect();
        let mut actions = Vec::new();
        for (code, at) in findings {
            match code.as_str() {
                "glia::error::unbound-symbol" => actions.extend(self.add_require(&uri, at)),
                "glia::check::unused-binding" => {
                    actions.extend(remove_unused(self.document(&uri)?, &uri, at))
                }
                _ => {}
            }
        }
        actions.extend(wrap_in_try(self.document(&uri)?, &uri, span));
        Ok(Some(actions))
    }

    /// For `q/name`: require the namespace `q` stands for as `q`. For
    /// `name`: refer it from a namespace that defines it.
    fn add_require(&mut self, uri: &Uri, at: Span) -> Vec<CodeActionOrCommand> {
        let Ok(open) = self.document(uri) else {
            return Vec::new();
        };
        let symbol = open.doc.text[at.start..at.end].to_string();
        let (qualifier, name) = split_symbol(&symbol);
        self.load_workspace();
        let mut candidates: Vec<String> = Library::namespaces()
            .into_iter()
            .filter(|n| *n != glia_eval::CORE_NS)
            .map(String::from)
            .collect();
        candidates.extend(self.files().map(|(_, _, a)| a.ns().to_string()));
        candidates.sort();
        candidates.dedup();
        let mut out = Vec::new();
        for ns in candidates {
            let fits = match qualifier {
                Some(q) => {
                    ns == q
                        || ns.rsplit('.').next() == Some(q)
                        || CONVENTIONAL.contains(&(q, ns.as_str()))
                }
                None => true,
            };
            if !fits || !self.defines(&ns, name) {
                continue;
            }
            let spec = match qualifier {
                Some(q) => format!("[{ns} :as {q}]"),
                None => format!("[{ns} :refer [{name}]]"),
            };
            let Ok(open) = self.document(uri) else {
                break;
            };
            out.push(action(
                format!("Add require {spec}"),
                CodeActionKind::QUICKFIX,
                uri,
                vec![require_edit(open, &spec)],
            ));
        }
        out
    }

    /// Whether namespace `ns` (standard or in the workspace) has the public
    /// var `name`.
    fn defines(&mut self, ns: &str, name: &str) -> bool {
        if self.library.has(ns) {
            return self.library.vars(ns).iter().any(|d| d.name == name);
        }
        self.files().any(|(_, _, a)| {
            a.ns() == ns
                && crate::symbols::definitions(a.read.parse.syntax())
                    .iter()
                    .any(|d| d.name == name && d.definer != "defn-" && d.definer != "ns")
        })
    }
}

/// The edit that adds `spec` to the document's `ns` form (to its
/// `:require` clause, made if missing), or a `require` at the top.
fn require_edit(open: &Open, spec: &str) -> TextEdit {
    let root = open.analysis.read.parse.syntax();
    let lines = &open.doc.lines;
    let insert = |at: usize, text: String| TextEdit::new(lines.range(Span::new(at, at)), text);
    let Some(ns) = root.children().find(|n| {
        n.kind() == SyntaxKind::List && syntax::head(*n).is_some_and(|h| h.text() == "ns")
    }) else {
        return insert(0, format!("(require '{spec})\n"));
    };
    let clause = syntax::forms(ns).into_iter().find_map(|f| match f {
        SyntaxElement::Node(n)
            if n.kind() == SyntaxKind::List
                && syntax::forms(n)
                    .first()
                    .is_some_and(|h| h.text() == ":require") =>
        {
            Some(n)
        }
        _ => None,
    });
    match clause {
        Some(clause) => {
            let items = syntax::forms(clause);
            let last = items
                .last()
                .map_or(clause.span().start + 1, |l| l.span().end);
            let column = items.get(1).map_or(2, |first| {
                lines.position(first.span().start).character as usize
            });
            insert(last, format!("\n{}{spec}", " ".repeat(column)))
        }
        None => {
            let end = closing(ns);
            insert(end, format!("\n  (:require {spec})"))
        }
    }
}

/// Where a list's closing delimiter is (its end if it has none).
fn closing(list: SyntaxNode<'_>) -> usize {
    match list.children_with_tokens().last() {
        Some(SyntaxElement::Token(t)) if t.kind().is_closer() => t.span().start,
        _ => list.span().end,
    }
}

/// Removes an unused `let`-like binding with its init; a parameter or a
/// destructured name is renamed `_name` (`:keys` names are removed, since
/// renaming one would change the key).
fn remove_unused(open: &Open, uri: &Uri, at: Span) -> Vec<CodeActionOrCommand> {
    let root = open.analysis.read.parse.syntax();
    let text = &open.doc.text;
    let name = &text[at.start..at.end];
    let chain = syntax::enclosing(root, at.start);
    let Some(vector) = chain
        .first()
        .copied()
        .filter(|n| n.kind() == SyntaxKind::Vector)
    else {
        return Vec::new();
    };
    let lines = &open.doc.lines;
    let items = syntax::forms(vector);
    let index = items.iter().position(|e| e.span() == at);
    let parent = chain.get(1).copied();
    let let_like = parent.and_then(syntax::head).is_some_and(|h| {
        matches!(
            h.text(),
            "let" | "let*" | "loop" | "when-let" | "if-let" | "when-some" | "if-some"
        )
    }) && parent.is_some_and(|p| {
        syntax::forms(p)
            .get(1)
            .is_some_and(|b| b.span() == vector.span())
    });
    let keys = parent.is_some_and(|p| p.kind() == SyntaxKind::Map)
        && chain.get(1).is_some_and(|m| {
            syntax::forms(*m).windows(2).any(|w| {
                w[1].span() == vector.span() && matches!(w[0].text(), ":keys" | ":strs" | ":syms")
            })
        });
    let remove = |from: usize, to: usize, title: String| {
        vec![action(
            title,
            CodeActionKind::QUICKFIX,
            uri,
            vec![TextEdit::new(
                lines.range(Span::new(from, to)),
                String::new(),
            )],
        )]
    };
    match index {
        Some(i) if let_like && i % 2 == 0 && i + 1 < items.len() => {
            let end = match items.get(i + 2) {
                Some(next) => next.span().start,
                None => items[i + 1].span().end,
            };
            let start = match (i, items.get(i + 2)) {
                (0, _) | (_, Some(_)) => at.start,
                // The last pair: take the space before it instead.
                _ => items[i - 1].span().end,
            };
            remove(start, end, format!("Remove unused binding `{name}`"))
        }
        Some(i) if keys => {
            let end = items.get(i + 1).map_or(at.end, |n| n.span().start);
            remove(at.start, end, format!("Remove unused key `{name}`"))
        }
        _ => vec![action(
            format!("Rename `{name}` to `_{name}` (unused on purpose)"),
            CodeActionKind::QUICKFIX,
            uri,
            vec![TextEdit::new(
                lines.range(Span::new(at.start, at.start)),
                "_".into(),
            )],
        )],
    }
}

/// Wraps the innermost list at the range in `(try ... (catch :default e
/// ...))`.
fn wrap_in_try(open: &Open, uri: &Uri, range: Span) -> Vec<CodeActionOrCommand> {
    let root = open.analysis.read.parse.syntax();
    // One past the start: a cursor on a list's opening paren means that list.
    let Some(form) = syntax::enclosing(root, range.start + 1)
        .into_iter()
        .find(|n| {
            n.kind() == SyntaxKind::List
                && n.span().start <= range.start
                && n.span().end >= range.end
        })
    else {
        return Vec::new();
    };
    let lines = &open.doc.lines;
    let indent = " ".repeat(lines.position(form.span().start).character as usize);
    let body = form.text().replace('\n', "\n  ");
    let wrapped =
        format!("(try\n{indent}  {body}\n{indent}  (catch :default e\n{indent}    (throw e)))");
    vec![action(
        "Wrap in try".into(),
        CodeActionKind::REFACTOR_REWRITE,
        uri,
        vec![TextEdit::new(lines.range(form.span()), wrapped)],
    )]
}
