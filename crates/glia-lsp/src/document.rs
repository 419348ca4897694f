//! An open document: its text, kept in step with the editor's edits, and
//! the line index for positions.

use line_index::WideEncoding;
use lsp_types::TextDocumentContentChangeEvent;

use crate::position::Lines;

#[derive(Debug)]
pub struct Document {
    pub version: i32,
    pub text: String,
    pub lines: Lines,
    encoding: Option<WideEncoding>,
}

impl Document {
    pub fn new(text: String, version: i32, encoding: Option<WideEncoding>) -> Document {
        Document {
            version,
            lines: Lines::new(&text, encoding),
            text,
            encoding,
        }
    }

    /// Applies the editor's changes in order: a change with a range
    /// replaces that range (incremental sync), one without replaces the
    /// whole text.
    pub fn apply(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = self.lines.span(range);
                    // A column inside a character (half a surrogate pair)
                    // means the character's start.
                    let floor = |mut i: usize| {
                        while !self.text.is_char_boundary(i) {
                            i -= 1;
                        }
                        i
                    };
                    let (start, end) = (floor(span.start), floor(span.end));
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
            self.lines = Lines::new(&self.text, self.encoding);
        }
        self.version = version;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn edit(range: Option<((u32, u32), (u32, u32))>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|(a, b)| Range::new(Position::new(a.0, a.1), Position::new(b.0, b.1))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn incremental_edits_apply_in_order() {
        let mut doc = Document::new("(inc 1)\n(dec 2)".into(), 1, Some(WideEncoding::Utf16));
        doc.apply(
            2,
            vec![
                edit(Some(((0, 1), (0, 4))), "str"),
                edit(Some(((1, 5), (1, 6))), "\"é\""),
                edit(Some(((1, 0), (1, 0))), ";; x\n"),
            ],
        );
        assert_eq!(doc.text, "(str 1)\n;; x\n(dec \"é\")");
        assert_eq!(doc.version, 2);
        doc.apply(3, vec![edit(None, "(whole)")]);
        assert_eq!(doc.text, "(whole)");
        // Half of a surrogate pair: the edit starts at the character.
        let mut doc = Document::new("\"😀\"".into(), 1, Some(WideEncoding::Utf16));
        doc.apply(2, vec![edit(Some(((0, 2), (0, 3))), "x")]);
        assert_eq!(doc.text, "\"x\"");
    }
}
