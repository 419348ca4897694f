//! Formatting with `ww fmt`'s formatter: the whole document, or the
//! top-level forms a range touches.

use lsp_types::{DocumentFormattingParams, DocumentRangeFormattingParams, TextEdit};

use crate::server::{Answer, Failure, Server};

impl Server {
    pub fn format(&mut self, p: DocumentFormattingParams) -> Answer<Option<Vec<TextEdit>>> {
        let open = self.document(&p.text_document.uri)?;
        let text = &open.doc.text;
        let formatted = glia_syntax::format(text).map_err(|_| unformattable())?;
        if formatted == *text {
            return Ok(Some(Vec::new()));
        }
        let whole = open.doc.lines.range(glia_syntax::Span::new(0, text.len()));
        Ok(Some(vec![TextEdit::new(whole, formatted)]))
    }

    pub fn format_range(
        &mut self,
        p: DocumentRangeFormattingParams,
    ) -> Answer<Option<Vec<TextEdit>>> {
        let open = self.document(&p.text_document.uri)?;
        let text = &open.doc.text;
        let range = open.doc.lines.span(p.range);
        let mut edits = Vec::new();
        for form in open.analysis.read.parse.syntax().children() {
            let span = form.span();
            if span.end < range.start || span.start > range.end {
                continue;
            }
            let own = &text[span.start..span.end];
            let formatted = glia_syntax::format(own).map_err(|_| unformattable())?;
            // The formatter ends a text with a newline; a form ends where it did.
            let formatted = formatted.trim_end_matches('\n');
            if formatted != own {
                edits.push(TextEdit::new(
                    open.doc.lines.range(span),
                    formatted.to_string(),
                ));
            }
        }
        Ok(Some(edits))
    }
}

fn unformattable() -> Failure {
    Failure {
        code: lsp_server::ErrorCode::RequestFailed,
        message: "the text has syntax errors; fix them (see the diagnostics) before formatting"
            .into(),
    }
}
