//! The shape of the text: folding ranges (multi-line forms and comment
//! blocks) and selection ranges (each enclosing form in turn).

use glia_syntax::{SyntaxElement, SyntaxKind};
use lsp_types::{
    FoldingRange, FoldingRangeKind, FoldingRangeParams, SelectionRange, SelectionRangeParams,
};

use crate::server::{Answer, Server};

impl Server {
    pub fn folding_ranges(&mut self, p: FoldingRangeParams) -> Answer<Option<Vec<FoldingRange>>> {
        let open = self.document(&p.text_document.uri)?;
        let lines = &open.doc.lines;
        let mut out = Vec::new();
        let mut comments: Option<(u32, u32)> = None;
        let flush = |comments: &mut Option<(u32, u32)>, out: &mut Vec<FoldingRange>| {
            if let Some((start, end)) = comments.take()
                && end > start
            {
                out.push(FoldingRange {
                    start_line: start,
                    end_line: end,
                    kind: Some(FoldingRangeKind::Comment),
                    ..Default::default()
                });
            }
        };
        for element in open.analysis.read.parse.syntax().descendants_with_tokens() {
            match element {
                SyntaxElement::Node(n) if n.kind() != SyntaxKind::Root => {
                    let (start, end) = (
                        lines.position(n.span().start).line,
                        lines.position(n.span().end).line,
                    );
                    if end > start {
                        out.push(FoldingRange {
                            start_line: start,
                            end_line: end,
                            ..Default::default()
                        });
                    }
                }
                SyntaxElement::Token(t) if t.kind() == SyntaxKind::Comment => {
                    let line = lines.position(t.span().start).line;
                    match &mut comments {
                        Some((_, end)) if *end + 1 == line => *end = line,
                        _ => {
                            flush(&mut comments, &mut out);
                            comments = Some((line, line));
                        }
                    }
                }
                _ => {}
            }
        }
        flush(&mut comments, &mut out);
        Ok(Some(out))
    }

    pub fn selection_ranges(
        &mut self,
        p: SelectionRangeParams,
    ) -> Answer<Option<Vec<SelectionRange>>> {
        let open = self.document(&p.text_document.uri)?;
        let lines = &open.doc.lines;
        let root = open.analysis.read.parse.syntax();
        let mut out = Vec::new();
        for pos in p.positions {
            let offset = lines.offset(pos);
            // The spans from the outermost form in: the word, then each form around it.
            let mut spans = Vec::new();
            let mut at = offset;
            if let Some(t) = open
                .analysis
                .token_at(offset)
                .filter(|t| !t.kind().is_trivia())
            {
                spans.push(t.span());
                at = t.span().start.max(offset.min(t.span().end));
            }
            spans.extend(
                crate::syntax::enclosing(root, at)
                    .into_iter()
                    .filter(|n| n.kind() != SyntaxKind::Root)
                    .map(|n| n.span()),
            );
            spans.push(root.span());
            spans.dedup();
            let mut range: Option<SelectionRange> = None;
            for span in spans.into_iter().rev() {
                range = Some(SelectionRange {
                    range: lines.range(span),
                    parent: range.map(Box::new),
                });
            }
            out.push(range.unwrap_or(SelectionRange {
                range: lsp_types::Range::new(pos, pos),
                parent: None,
            }));
        }
        Ok(Some(out))
    }
}
