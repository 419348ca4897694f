//! Forms: the data view of the tree that the evaluator consumes.
//!
//! Reader macros are already expanded (`'x` is `(quote x)`, `#(...)` is a
//! `fn*`), discards and trivia are gone, and every form carries the span of
//! the source it came from.

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::Span;

/// A symbol, `name` or `ns/name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol {
    pub ns: Option<String>,
    pub name: String,
}

impl Symbol {
    pub fn simple(name: impl Into<String>) -> Self {
        Symbol {
            ns: None,
            name: name.into(),
        }
    }
}

/// A keyword, `:name`, `:ns/name`, or an auto-resolved `::name`/`::alias/name`
/// whose namespace the evaluator fills in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Keyword {
    pub ns: Option<String>,
    pub name: String,
    pub auto_resolve: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    Nil,
    Bool(bool),
    Int(i64),
    BigInt(BigInt),
    /// Always normalised, with a denominator greater than one.
    Ratio(BigRational),
    Float(f64),
    Char(char),
    Str(String),
    /// The pattern source, exactly as written between `#"` and `"`.
    Regex(String),
    Symbol(Symbol),
    Keyword(Keyword),
    List(Vec<Form>),
    Vector(Vec<Form>),
    Map(Vec<(Form, Form)>),
    Set(Vec<Form>),
}

/// A form with its source span and reader metadata (`^{...}`), if any.
#[derive(Debug, Clone)]
pub struct Form {
    pub kind: FormKind,
    pub span: Span,
    pub meta: Option<Box<Form>>,
}

/// Structural equality of data; spans are ignored (they say where, not what).
impl PartialEq for Form {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.meta == other.meta
    }
}

impl Form {
    pub fn new(kind: FormKind, span: Span) -> Self {
        Form {
            kind,
            span,
            meta: None,
        }
    }

    pub fn symbol(name: &str, span: Span) -> Self {
        Form::new(FormKind::Symbol(Symbol::simple(name)), span)
    }

    pub fn list(items: Vec<Form>, span: Span) -> Self {
        Form::new(FormKind::List(items), span)
    }

    /// The name of a form's head symbol when it is an unqualified symbol.
    pub fn as_simple_symbol(&self) -> Option<&str> {
        match &self.kind {
            FormKind::Symbol(Symbol { ns: None, name }) => Some(name),
            _ => None,
        }
    }

    /// Whether reader metadata may be attached (as Clojure's `IMeta`).
    pub fn takes_metadata(&self) -> bool {
        matches!(
            self.kind,
            FormKind::Symbol(_)
                | FormKind::List(_)
                | FormKind::Vector(_)
                | FormKind::Map(_)
                | FormKind::Set(_)
        )
    }
}
