//! Rendering an [`EvalError`] with miette: the message, the snippet of
//! source where it happened with a caret, the hint, and the stack trace as
//! `file:line:column` entries.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};

use crate::EvalError;
use crate::value::Value;

#[derive(Debug)]
pub struct Report {
    message: String,
    code: String,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    span: Option<SourceSpan>,
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The longest source line quoted in a report.
const MAX_SNIPPET_LINE: usize = 2_000;

/// The length of the line containing byte `offset`.
fn line_len(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    end - start
}

impl Report {
    pub fn new(e: &EvalError) -> Report {
        let ex = &e.exception;
        let trace = ex.trace.borrow();
        let (source, span) = e.location().unzip();
        // miette lays out the whole line of a snippet; a minified script's
        // line can be too long for it, so such a report names the place
        // instead of quoting it.
        let (source, span, place) = match (source, span) {
            (Some(s), Some(sp)) if line_len(&s.text, sp.start) > MAX_SNIPPET_LINE => {
                let (line, col) = line_col(&s.text, sp.start);
                (None, None, Some(format!("at {}:{line}:{col}", s.name)))
            }
            other => (other.0, other.1, None),
        };
        let mut help = ex.hint().unwrap_or_default();
        if let Some(place) = place {
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str(&place);
        }
        // Data the program attached (ex-info) says what went wrong in its
        // own terms; show it as Clojure does.
        let user_data = ex
            .type_keyword()
            .is_none_or(|k| k.ns() != Some("glia.error") || k.name() == "ex-info");
        let data = ex.get("data").filter(|d| match d {
            Value::Map(m) => !m.is_empty(),
            other => !other.is_nil(),
        });
        if let (true, Some(data)) = (user_data, data) {
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str("data: ");
            help.push_str(&crate::value::pr_str(data));
        }
        if !trace.is_empty() {
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str("stack trace (innermost first):");
            for f in trace.iter().take(20) {
                let (line, col) = line_col(&f.source.text, f.span.start);
                help.push_str(&format!(
                    "\n  at {} ({}:{line}:{col})",
                    f.function, f.source.name
                ));
            }
            if trace.len() > 20 {
                help.push_str(&format!("\n  ... and {} more frames", trace.len() - 20));
            }
        }
        Report {
            message: ex.message(),
            code: e
                .type_name()
                .trim_start_matches(':')
                .replace(['/', '.'], "::"),
            help: (!help.is_empty()).then_some(help),
            source: source
                .map(|s| NamedSource::new(s.name.clone(), s.text.clone()).with_language("clojure")),
            span: span.map(SourceSpan::from),
        }
    }

    /// The report as plain text (no colours), as a terminal shows it.
    pub fn render_plain(&self) -> String {
        let mut out = String::new();
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                .with_width(100);
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, self);
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".into()), span),
        )))
    }
}
