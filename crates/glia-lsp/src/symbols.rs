//! Document and workspace symbols: the top-level definitions, read from
//! the tree (so they are there while the file does not compile).

use glia_syntax::{Span, SyntaxKind, SyntaxNode};
use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Location, SymbolInformation,
    SymbolKind, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use crate::server::{Answer, Server};
use crate::syntax;

/// A top-level definition: what it defines, how, and where.
#[derive(Debug)]
pub struct Definition {
    pub name: String,
    pub kind: SymbolKind,
    /// The defining word (`defn`...).
    pub definer: String,
    pub form: Span,
    pub name_span: Span,
}

fn kind_of(definer: &str) -> Option<SymbolKind> {
    Some(match definer {
        "defn" | "defn-" | "defmulti" => SymbolKind::FUNCTION,
        "defmacro" => SymbolKind::OPERATOR,
        "def" | "defonce" => SymbolKind::VARIABLE,
        "defcap" => SymbolKind::INTERFACE,
        "ns" => SymbolKind::NAMESPACE,
        "deftest" => SymbolKind::METHOD,
        _ => return None,
    })
}

/// The definitions among the top-level forms of a tree.
pub fn definitions(root: SyntaxNode<'_>) -> Vec<Definition> {
    let mut out = Vec::new();
    for form in root.children() {
        if form.kind() != SyntaxKind::List {
            continue;
        }
        let Some(head) = syntax::head(form) else {
            continue;
        };
        let definer = head.text();
        let Some(kind) = kind_of(definer) else {
            continue;
        };
        let Some(name) = syntax::forms(form).get(1).copied() else {
            continue;
        };
        // `(def ^:private x ...)`: the name is the meta form's target.
        let name = match name {
            glia_syntax::SyntaxElement::Node(m) if m.kind() == SyntaxKind::MetaForm => {
                match syntax::forms(m).last() {
                    Some(target) => *target,
                    None => continue,
                }
            }
            other => other,
        };
        if name.kind() != SyntaxKind::Symbol {
            continue;
        }
        out.push(Definition {
            name: name.text().to_string(),
            kind,
            definer: definer.to_string(),
            form: form.span(),
            name_span: name.span(),
        });
    }
    out
}

impl Server {
    pub fn document_symbols(
        &mut self,
        p: DocumentSymbolParams,
    ) -> Answer<Option<DocumentSymbolResponse>> {
        let open = self.document(&p.text_document.uri)?;
        let lines = &open.doc.lines;
        #[allow(deprecated)] // `deprecated` is a required field of the type.
        let symbols = definitions(open.analysis.read.parse.syntax())
            .into_iter()
            .map(|d| DocumentSymbol {
                name: d.name,
                detail: Some(d.definer),
                kind: d.kind,
                tags: None,
                deprecated: None,
                range: lines.range(d.form),
                selection_range: lines.range(d.name_span),
                children: None,
            })
            .collect();
        Ok(Some(DocumentSymbolResponse::Nested(symbols)))
    }

    pub fn workspace_symbols(
        &mut self,
        p: WorkspaceSymbolParams,
    ) -> Answer<Option<WorkspaceSymbolResponse>> {
        self.load_workspace();
        let query = p.query.to_lowercase();
        let mut out = Vec::new();
        for (uri, doc, analysis) in self.files() {
            let ns = analysis.ns().to_string();
            for d in definitions(analysis.read.parse.syntax()) {
                if !d.name.to_lowercase().contains(&query) {
                    continue;
                }
                #[allow(deprecated)] // `deprecated` is a required field of the type.
                out.push(SymbolInformation {
                    name: d.name,
                    kind: d.kind,
                    tags: None,
                    deprecated: None,
                    location: Location::new(uri.clone(), doc.lines.range(d.name_span)),
                    container_name: Some(ns.clone()),
                });
            }
        }
        out.sort_by(|a, b| a.name.len().cmp(&b.name.len()).then(a.name.cmp(&b.name)));
        Ok(Some(WorkspaceSymbolResponse::Flat(out)))
    }
}
