//! Hover: a var's arglists, kind, namespace and docstring; a local's
//! binding; a special form's usage.

use glia_eval::{Description, Kind};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::analysis::Target;
use crate::navigation::split_symbol;
use crate::server::{Answer, Server};

/// A description as Markdown: the call forms, what it is and where from,
/// then the docstring.
pub fn markdown(d: &Description) -> String {
    let call = |args: &str| {
        let args = args
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(args);
        if args.is_empty() {
            format!("({})", d.name)
        } else {
            format!("({} {args})", d.name)
        }
    };
    let mut out = String::new();
    if !d.arglists.is_empty() {
        out.push_str("```clojure\n");
        for a in &d.arglists {
            out.push_str(&call(a));
            out.push('\n');
        }
        out.push_str("```\n");
    }
    let kind = match d.kind {
        Kind::SpecialForm => "special form",
        Kind::Macro => "macro",
        Kind::Function => "function",
        Kind::Value => "var",
    };
    let mut line = match &d.ns {
        Some(ns) => format!("*{kind}* `{ns}/{}`", d.name),
        None => format!("*{kind}* `{}`", d.name),
    };
    if d.private {
        line.push_str(", private");
    }
    if d.dynamic {
        line.push_str(", dynamic");
    }
    out.push_str(&line);
    out.push('\n');
    if let Some(doc) = &d.doc {
        out.push('\n');
        out.push_str(&unindent(doc));
        out.push('\n');
    }
    out
}

/// A docstring's continuation lines lose the indentation they have in the
/// source.
fn unindent(doc: &str) -> String {
    doc.lines()
        .map(str::trim_start)
        .collect::<Vec<_>>()
        .join("\n")
}

impl Server {
    /// A var described: a standard namespace's public ones from the
    /// library (described once per server), others from the session of
    /// `uri`.
    pub fn describe_var(
        &mut self,
        uri: &lsp_types::Uri,
        ns: &str,
        name: &str,
    ) -> Option<Description> {
        if self.library.has(ns) {
            return self.library.describe(ns, name);
        }
        self.session(uri)?.glia().describe(ns, name)
    }

    /// What `target` is, described (a var through the session of `uri`).
    pub fn describe(&mut self, uri: &lsp_types::Uri, target: &Target) -> Option<Description> {
        match target {
            Target::Var { ns, name } => self.session(uri)?.glia().describe(ns, name),
            Target::Local(_) => None,
        }
    }

    pub fn hover(&mut self, p: HoverParams) -> Answer<Option<Hover>> {
        let uri = p.text_document_position_params.text_document.uri;
        let pos = p.text_document_position_params.position;
        let found = self.target_at(&uri, pos)?;
        let open = self.document(&uri)?;
        let offset = open.doc.lines.offset(pos);
        let (span, text) = match (&found, open.analysis.token_at(offset)) {
            (Some((span, Target::Local(binding))), _) => {
                let line = open.doc.lines.position(binding.start).line + 1;
                let name = &open.doc.text[span.start..span.end];
                (
                    *span,
                    format!("```clojure\n{name}\n```\n*local*, bound on line {line}\n"),
                )
            }
            (Some((span, target @ Target::Var { .. })), _) => {
                let (target, span) = (target.clone(), *span);
                match self.describe(&uri, &target) {
                    Some(d) => (span, markdown(&d)),
                    None => return Ok(None),
                }
            }
            (None, Some(token)) if token.kind() == glia_syntax::SyntaxKind::Symbol => {
                match glia_eval::special_form(split_symbol(token.text()).1) {
                    Some(d) if split_symbol(token.text()).0.is_none() => {
                        (token.span(), markdown(&d))
                    }
                    _ => return Ok(None),
                }
            }
            _ => return Ok(None),
        };
        let open = self.document(&uri)?;
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(open.doc.lines.range(span)),
        }))
    }
}
