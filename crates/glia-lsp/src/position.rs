//! Byte offsets (what the syntax tree speaks) to and from LSP positions
//! (lines and columns in the encoding the client chose).

use glia_syntax::Span;
use line_index::{LineCol, LineIndex, TextSize, WideEncoding, WideLineCol};
use lsp_types::{Position, Range};

/// The line index of one text and the client's column encoding.
#[derive(Debug)]
pub struct Lines {
    index: LineIndex,
    /// `None`: columns count UTF-8 bytes.
    encoding: Option<WideEncoding>,
    len: usize,
    /// Where each line's content ends (before its `\n` or `\r\n`).
    ends: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str, encoding: Option<WideEncoding>) -> Lines {
        let bytes = text.as_bytes();
        let ends = text
            .match_indices('\n')
            .map(|(i, _)| {
                if i > 0 && bytes[i - 1] == b'\r' {
                    i - 1
                } else {
                    i
                }
            })
            .chain(std::iter::once(text.len()))
            .collect();
        Lines {
            index: LineIndex::new(text),
            encoding,
            len: text.len(),
            ends,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = TextSize::new(offset.min(self.len) as u32);
        let lc = self.index.line_col(offset);
        let col = match self.encoding {
            None => lc.col,
            Some(enc) => self.index.to_wide(enc, lc).map_or(lc.col, |w| w.col),
        };
        Position::new(lc.line, col)
    }

    /// The offset of `pos`; a column past the end of its line means the
    /// end of the line, a line past the end means the end of the text (as
    /// the protocol asks).
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&end) = self.ends.get(pos.line as usize) else {
            return self.len;
        };
        let col = match self.encoding {
            None => pos.character,
            Some(enc) => self
                .index
                .to_utf8(
                    enc,
                    WideLineCol {
                        line: pos.line,
                        col: pos.character,
                    },
                )
                .map_or(u32::MAX, |lc| lc.col),
        };
        let at = self.index.offset(LineCol {
            line: pos.line,
            col,
        });
        at.map_or(end, |a| usize::from(a).min(end))
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    pub fn span(&self, range: Range) -> Span {
        let start = self.offset(range.start);
        Span::new(start, self.offset(range.end).max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "(str \"é😀\" x)\n(y)";
        let lines = Lines::new(text, Some(WideEncoding::Utf16));
        let x = text.find('x').unwrap();
        assert_eq!(lines.position(x), Position::new(0, 11));
        assert_eq!(lines.offset(Position::new(0, 11)), x);
        assert_eq!(lines.offset(Position::new(1, 1)), text.rfind('y').unwrap());
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let text = "ab\ncd";
        let lines = Lines::new(text, Some(WideEncoding::Utf16));
        assert_eq!(lines.offset(Position::new(0, 99)), 2);
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
    }
}
