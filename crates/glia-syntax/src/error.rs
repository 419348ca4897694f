//! Syntax errors as values with spans, rendered by miette.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};

/// A byte range in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// What went wrong; each kind has a stable diagnostic code
/// (`glia::syntax::<kebab-name>`) that tools may match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    UnclosedDelimiter,
    UnmatchedDelimiter,
    MissingForm,
    InvalidToken,
    UnterminatedString,
    UnterminatedRegex,
    InvalidEscape,
    InvalidNumber,
    InvalidCharacter,
    InvalidSymbol,
    InvalidKeyword,
    InvalidSymbolicValue,
    InvalidRegex,
    UnsupportedDispatch,
    OddMap,
    DuplicateKey,
    DuplicateSetElement,
    InvalidMetadata,
    NestedFnLiteral,
    TooDeep,
    TooLarge,
    /// The grammar rejected a token stream the balancer let through. This is
    /// a bug in glia-syntax; the tree is still lossless.
    Internal,
}

impl ErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::UnclosedDelimiter => "glia::syntax::unclosed-delimiter",
            Self::UnmatchedDelimiter => "glia::syntax::unmatched-delimiter",
            Self::MissingForm => "glia::syntax::missing-form",
            Self::InvalidToken => "glia::syntax::invalid-token",
            Self::UnterminatedString => "glia::syntax::unterminated-string",
            Self::UnterminatedRegex => "glia::syntax::unterminated-regex",
            Self::InvalidEscape => "glia::syntax::invalid-escape",
            Self::InvalidNumber => "glia::syntax::invalid-number",
            Self::InvalidCharacter => "glia::syntax::invalid-character",
            Self::InvalidSymbol => "glia::syntax::invalid-symbol",
            Self::InvalidKeyword => "glia::syntax::invalid-keyword",
            Self::InvalidSymbolicValue => "glia::syntax::invalid-symbolic-value",
            Self::InvalidRegex => "glia::syntax::invalid-regex",
            Self::UnsupportedDispatch => "glia::syntax::unsupported-dispatch",
            Self::OddMap => "glia::syntax::odd-map",
            Self::DuplicateKey => "glia::syntax::duplicate-key",
            Self::DuplicateSetElement => "glia::syntax::duplicate-set-element",
            Self::InvalidMetadata => "glia::syntax::invalid-metadata",
            Self::NestedFnLiteral => "glia::syntax::nested-fn-literal",
            Self::TooDeep => "glia::syntax::too-deep",
            Self::TooLarge => "glia::syntax::too-large",
            Self::Internal => "glia::syntax::internal",
        }
    }
}

/// One syntax error: a message, the span it is about (with a label), an
/// optional hint on how to fix it and optional secondary spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Span,
    pub label: String,
    pub hint: Option<String>,
    pub related: Vec<(Span, String)>,
}

impl SyntaxError {
    pub fn new(kind: ErrorKind, span: Span, message: impl Into<String>) -> Self {
        SyntaxError {
            kind,
            message: message.into(),
            span,
            label: String::from("here"),
            hint: None,
            related: Vec::new(),
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

impl Diagnostic for SyntaxError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.label.clone()),
            SourceSpan::from(self.span),
        );
        let secondary = self
            .related
            .iter()
            .map(|(span, label)| LabeledSpan::new_with_span(Some(label.clone()), *span));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

/// All the syntax errors of one source text, with that text, ready to be
/// rendered by miette (each error becomes a related diagnostic with its own
/// snippet, line, column and caret).
#[derive(Debug, Clone)]
pub struct SyntaxErrors {
    source: NamedSource<Arc<str>>,
    errors: Vec<SyntaxError>,
}

impl SyntaxErrors {
    pub fn new(name: &str, source: impl Into<Arc<str>>, errors: Vec<SyntaxError>) -> Self {
        SyntaxErrors {
            source: NamedSource::new(name, source.into()).with_language("clojure"),
            errors,
        }
    }

    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }

    /// Renders every error as text (no colours), as a terminal would show it.
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

impl fmt::Display for SyntaxErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.len() {
            1 => write!(f, "1 syntax error in {}", self.source.name()),
            n => write!(f, "{n} syntax errors in {}", self.source.name()),
        }
    }
}

impl std::error::Error for SyntaxErrors {}

impl Diagnostic for SyntaxErrors {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("glia::syntax"))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.errors.iter().map(|e| e as &dyn Diagnostic)))
    }
}
