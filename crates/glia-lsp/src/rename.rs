//! Renaming a local or a var defined in the workspace, in every file.

use std::collections::HashMap;

use glia_syntax::FormKind;
use lsp_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};

use crate::analysis::Target;
use crate::navigation::name_span;
use crate::server::{Answer, Failure, Server};

impl Server {
    pub fn prepare_rename(
        &mut self,
        p: TextDocumentPositionParams,
    ) -> Answer<Option<PrepareRenameResponse>> {
        let Some((span, target)) = self.target_at(&p.text_document.uri, p.position)? else {
            return Ok(None);
        };
        self.renamable(&p.text_document.uri, &target)?;
        let open = self.document(&p.text_document.uri)?;
        let name = name_span(&open.doc.text, span);
        Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
            range: open.doc.lines.range(name),
            placeholder: open.doc.text[name.start..name.end].to_string(),
        }))
    }

    /// Only names the workspace defines can be renamed (not the standard
    /// library's).
    fn renamable(&mut self, uri: &lsp_types::Uri, target: &Target) -> Answer<()> {
        match target {
            Target::Local(_) => Ok(()),
            Target::Var { ns, name } => {
                if self.occurrences(uri, target).iter().any(|(_, _, def)| *def) {
                    Ok(())
                } else {
                    Err(Failure::invalid(format!(
                        "`{ns}/{name}` is not defined in this workspace, so it cannot be renamed here"
                    )))
                }
            }
        }
    }

    pub fn rename(&mut self, p: RenameParams) -> Answer<Option<WorkspaceEdit>> {
        let uri = p.text_document_position.text_document.uri;
        let new_name = p.new_name;
        let read = glia_syntax::read(&new_name);
        let valid = read.errors.is_empty()
            && matches!(&read.forms[..], [f] if matches!(&f.kind, FormKind::Symbol(s) if s.ns.is_none() && s.name == new_name && !new_name.contains('/')));
        if !valid {
            return Err(Failure::invalid(format!(
                "`{new_name}` is not a valid name: use a plain symbol such as `my-name`"
            )));
        }
        let Some((_, target)) = self.target_at(&uri, p.text_document_position.position)? else {
            return Ok(None);
        };
        self.renamable(&uri, &target)?;
        let mut changes: HashMap<lsp_types::Uri, Vec<TextEdit>> = HashMap::new();
        for (file, span, _) in self.occurrences(&uri, &target) {
            let Some((_, doc, _)) = self.files().find(|(u, _, _)| **u == file) else {
                continue;
            };
            let range = doc.lines.range(name_span(&doc.text, span));
            changes
                .entry(file.clone())
                .or_default()
                .push(TextEdit::new(range, new_name.clone()));
        }
        Ok(Some(WorkspaceEdit::new(changes)))
    }
}
