//! Completion: locals, vars (the document's, referred, aliased, the
//! standard library's), special forms, namespaces, keywords seen in the
//! workspace, and the methods of a capability after `(perform cap :`.
//! Items carry their var in `data`; resolving one adds its documentation.

use std::collections::BTreeSet;

use glia_eval::{Description, Kind};
use glia_syntax::{Span, SyntaxKind};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, MarkupContent, MarkupKind, TextEdit,
};
use serde::{Deserialize, Serialize};

use crate::library::Library;
use crate::server::{Answer, Server};
use crate::syntax;

/// What a completion item stands for, for `completionItem/resolve`.
#[derive(Debug, Serialize, Deserialize)]
struct Data {
    ns: String,
    name: String,
}

fn kind_of(d: &Description) -> CompletionItemKind {
    match d.kind {
        Kind::SpecialForm => CompletionItemKind::KEYWORD,
        Kind::Macro | Kind::Function => CompletionItemKind::FUNCTION,
        Kind::Value => CompletionItemKind::VARIABLE,
    }
}

/// Items are offered in this order: locals, the document's vars, other
/// vars, then everything else.
fn var_item(label: String, d: &Description, rank: char) -> CompletionItem {
    CompletionItem {
        label,
        kind: Some(kind_of(d)),
        detail: Some(match (d.arglists.first(), &d.ns) {
            (Some(a), _) => format!(
                "({} {})",
                d.name,
                a.trim_start_matches('[').trim_end_matches(']')
            )
            .replace(" )", ")"),
            (None, Some(ns)) => ns.clone(),
            (None, None) => "special form".into(),
        }),
        sort_text: Some(format!("{rank}{}", d.name)),
        data: d.ns.as_ref().map(|ns| {
            serde_json::to_value(Data {
                ns: ns.clone(),
                name: d.name.clone(),
            })
            .unwrap_or_default()
        }),
        ..Default::default()
    }
}

fn plain_item(label: String, kind: CompletionItemKind, detail: &str, rank: char) -> CompletionItem {
    CompletionItem {
        sort_text: Some(format!("{rank}{label}")),
        label,
        kind: Some(kind),
        detail: Some(detail.into()),
        ..Default::default()
    }
}

impl Server {
    pub fn completion(&mut self, p: CompletionParams) -> Answer<Option<CompletionResponse>> {
        let uri = p.text_document_position.text_document.uri;
        let open = self.document(&uri)?;
        let offset = open.doc.lines.offset(p.text_document_position.position);
        let root = open.analysis.read.parse.syntax();
        // The word being typed, up to the cursor.
        let (start, prefix) = match open.analysis.token_at(offset) {
            Some(t)
                if matches!(t.kind(), SyntaxKind::Symbol | SyntaxKind::Keyword)
                    && t.span().start < offset
                    && offset <= t.span().end =>
            {
                (
                    t.span().start,
                    open.doc.text[t.span().start..offset].to_string(),
                )
            }
            _ => (offset, String::new()),
        };
        let replace = open.doc.lines.range(Span::new(start, offset));
        let ns = open.analysis.ns_at(offset).to_string();
        let locals = syntax::locals_at(root, offset);
        let perform_target = perform_target(root, offset);

        let mut items = Vec::new();
        if prefix.starts_with(':') {
            let methods = match &perform_target {
                Some(cap) => self.capability_methods(cap),
                None => Vec::new(),
            };
            for m in &methods {
                items.push(plain_item(
                    m.clone(),
                    CompletionItemKind::METHOD,
                    "capability method",
                    '0',
                ));
            }
            for k in self.workspace_keywords() {
                if !methods.contains(&k) {
                    items.push(plain_item(
                        k,
                        CompletionItemKind::ENUM_MEMBER,
                        "keyword",
                        '1',
                    ));
                }
            }
        } else if let Some((qualifier, _)) = prefix.split_once('/').filter(|(q, _)| !q.is_empty()) {
            let target = self.namespace_of(&uri, &ns, qualifier);
            for d in self.public_vars(&uri, &target) {
                items.push(var_item(format!("{qualifier}/{}", d.name), &d, '2'));
            }
        } else {
            for (name, _) in &locals {
                items.push(plain_item(
                    name.clone(),
                    CompletionItemKind::VARIABLE,
                    "local",
                    '0',
                ));
            }
            let session = self.session(&uri).map(|c| {
                let glia = c.glia();
                let own = glia.vars_of(&ns);
                let referred = glia.referred(&ns);
                let aliases = glia.aliases(&ns);
                let namespaces = glia.namespace_names();
                (own, referred, aliases, namespaces)
            });
            let (own, referred, aliases, mut namespaces) = session.unwrap_or_default();
            for d in &own {
                items.push(var_item(d.name.clone(), d, '1'));
            }
            for (name, (var_ns, var_name)) in referred {
                if var_ns == glia_eval::CORE_NS {
                    continue;
                }
                if let Some(d) = self.describe_var(&uri, &var_ns, &var_name) {
                    items.push(var_item(name, &d, '1'));
                }
            }
            for d in self.library.vars(glia_eval::CORE_NS).to_vec() {
                items.push(var_item(d.name.clone(), &d, '2'));
            }
            for name in glia_eval::special_forms() {
                if let Some(d) = glia_eval::special_form(name) {
                    items.push(var_item(name.to_string(), &d, '2'));
                }
            }
            for (alias, target) in aliases {
                items.push(plain_item(
                    format!("{alias}/"),
                    CompletionItemKind::MODULE,
                    &target,
                    '3',
                ));
            }
            namespaces.extend(Library::namespaces().into_iter().map(String::from));
            namespaces.extend(self.workspace_namespaces());
            namespaces.sort();
            namespaces.dedup();
            for n in namespaces {
                items.push(plain_item(n, CompletionItemKind::MODULE, "namespace", '3'));
            }
        }
        let mut seen = BTreeSet::new();
        items.retain(|i| i.label.starts_with(&prefix) && seen.insert(i.label.clone()));
        for item in &mut items {
            item.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(
                replace,
                item.label.clone(),
            )));
        }
        Ok(Some(CompletionResponse::Array(items)))
    }

    pub fn resolve_completion(&mut self, mut item: CompletionItem) -> Answer<CompletionItem> {
        let data = item
            .data
            .clone()
            .and_then(|d| serde_json::from_value::<Data>(d).ok());
        let description = match data {
            Some(d) => self.describe_anywhere(&d.ns, &d.name),
            None => glia_eval::special_form(&item.label),
        };
        if let Some(d) = description {
            item.documentation = Some(Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: crate::hover::markdown(&d),
            }));
        }
        Ok(item)
    }

    /// A var described, from whichever session knows it.
    fn describe_anywhere(&mut self, ns: &str, name: &str) -> Option<Description> {
        if self.library.has(ns) {
            return self.library.describe(ns, name);
        }
        self.open
            .values_mut()
            .find_map(|o| o.checker.glia().describe(ns, name))
    }

    /// The namespace `qualifier` means in `ns`: an alias's target, or the
    /// name itself.
    fn namespace_of(&mut self, uri: &lsp_types::Uri, ns: &str, qualifier: &str) -> String {
        self.session(uri)
            .and_then(|c| {
                c.glia()
                    .aliases(ns)
                    .into_iter()
                    .find(|(a, _)| a == qualifier)
                    .map(|(_, t)| t)
            })
            .unwrap_or_else(|| glia_eval::canonical_ns(qualifier))
    }

    /// The public vars of `ns`: the standard library's, or a workspace
    /// namespace's as the session of `uri` loaded it.
    fn public_vars(&mut self, uri: &lsp_types::Uri, ns: &str) -> Vec<Description> {
        if self.library.has(ns) {
            return self.library.vars(ns).to_vec();
        }
        self.session(uri)
            .map(|c| {
                c.glia()
                    .vars_of(ns)
                    .into_iter()
                    .filter(Description::is_public)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every keyword written in the workspace's files.
    fn workspace_keywords(&mut self) -> BTreeSet<String> {
        self.load_workspace();
        let mut out = BTreeSet::new();
        for (_, _, a) in self.files() {
            syntax::keywords(a.read.parse.syntax(), &mut out);
        }
        out
    }

    /// The namespaces the workspace's files declare.
    fn workspace_namespaces(&mut self) -> Vec<String> {
        self.load_workspace();
        self.files().map(|(_, _, a)| a.ns().to_string()).collect()
    }

    /// The methods of the capability named `cap`, from its `defcap` in the
    /// workspace.
    fn capability_methods(&mut self, cap: &str) -> Vec<String> {
        self.load_workspace();
        self.files()
            .map(|(_, _, a)| syntax::defcap_methods(a.read.parse.syntax(), cap))
            .find(|m| !m.is_empty())
            .unwrap_or_default()
    }
}

/// The capability symbol of the `(perform cap :` the cursor is at the
/// method of.
fn perform_target(root: glia_syntax::SyntaxNode<'_>, offset: usize) -> Option<String> {
    let list = syntax::enclosing(root, offset)
        .into_iter()
        .find(|n| n.kind() == SyntaxKind::List)?;
    if syntax::head(list)?.text() != "perform" {
        return None;
    }
    let items = syntax::forms(list);
    let cap = items.get(1)?;
    let method_here = items
        .get(2)
        .is_none_or(|m| m.span().start <= offset && offset <= m.span().end);
    (cap.kind() == SyntaxKind::Symbol && cap.span().end < offset && method_here)
        .then(|| cap.text().to_string())
}
