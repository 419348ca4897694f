//! Runtime errors as values.
//!
//! Builtins and the compiler return an [`Error`]: a type, a message, an
//! optional hint and data. When it is raised the VM turns it into an
//! [`Exception`], the catchable value `try` sees: a map with
//! `:glia.error/type`, `:glia.error/message`, `:glia.error/hint` and
//! `:glia.error/data`, plus the stack trace of source spans where it was
//! raised.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use glia_syntax::Span;

use crate::value::{Keyword, Map, Value};

/// The `:glia.error/*` type of an error. The sandbox limits' types
/// (`stack-overflow`, `fuel-exhausted`...) are not among these: only
/// `vm::limits::Exceeded` makes those errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Arithmetic,
    UnboundSymbol,
    Arity,
    TypeMismatch,
    NotCallable,
    IndexOutOfBounds,
    IllegalArgument,
    Compile,
    Syntax,
    ExInfo,
    Internal,
    UnhandledEffect,
    ContinuationAlreadyResumed,
    ContinuationAbandoned,
    Io,
    PermissionDenied,
}

impl ErrorType {
    pub fn name(self) -> &'static str {
        match self {
            ErrorType::Arithmetic => "arithmetic",
            ErrorType::UnboundSymbol => "unbound-symbol",
            ErrorType::Arity => "arity",
            ErrorType::TypeMismatch => "type-mismatch",
            ErrorType::NotCallable => "not-callable",
            ErrorType::IndexOutOfBounds => "index-out-of-bounds",
            ErrorType::IllegalArgument => "illegal-argument",
            ErrorType::Compile => "compile",
            ErrorType::Syntax => "syntax",
            ErrorType::ExInfo => "ex-info",
            ErrorType::Internal => "internal",
            ErrorType::UnhandledEffect => "unhandled-effect",
            ErrorType::ContinuationAlreadyResumed => "continuation-already-resumed",
            ErrorType::ContinuationAbandoned => "continuation-abandoned",
            ErrorType::Io => "io",
            ErrorType::PermissionDenied => "permission-denied",
        }
    }

    pub fn keyword(self) -> Keyword {
        Keyword::intern(Some("glia.error"), self.name())
    }
}

/// An error before it is raised. Boxed, so that `Result<Value, Error>`
/// stays small on the VM's hot paths.
#[derive(Clone, Debug)]
pub struct Error(Box<ErrorData>);

#[derive(Clone, Debug)]
pub struct ErrorData {
    pub ty: Keyword,
    pub message: String,
    pub hint: Option<String>,
    pub data: Option<Value>,
    /// Where it happened, when the raiser knows better than the VM (the
    /// compiler points at the offending form).
    pub span: Option<Span>,
    /// A sandbox limit was exceeded: no handler may catch this. Only the
    /// limits themselves set it (a program cannot forge one by naming the
    /// type in ex-info data).
    pub limit: bool,
    /// A value to throw as it is, instead of an exception made from this
    /// error: `(perform :glia.exception x)` is `(throw x)`.
    pub thrown: Option<Value>,
}

impl Error {
    /// Throws `v` itself when raised.
    pub fn thrown(v: Value) -> Self {
        let mut e = Error::new(ErrorType::ExInfo, "thrown");
        e.thrown = Some(v);
        e
    }

    pub fn new(ty: ErrorType, message: impl Into<String>) -> Self {
        Error(Box::new(ErrorData {
            ty: ty.keyword(),
            message: message.into(),
            hint: None,
            data: None,
            span: None,
            limit: false,
            thrown: None,
        }))
    }

    /// A sandbox limit's error (`vm::limits::Exceeded` names the type):
    /// flagged so that no handler can catch it.
    pub fn limit(ty: Keyword, message: impl Into<String>) -> Self {
        Error(Box::new(ErrorData {
            ty,
            message: message.into(),
            hint: None,
            data: None,
            span: None,
            limit: true,
            thrown: None,
        }))
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span.get_or_insert(span);
        self
    }

    pub fn type_mismatch(message: impl Into<String>) -> Self {
        Error::new(ErrorType::TypeMismatch, message)
    }

    pub fn illegal_argument(message: impl Into<String>) -> Self {
        Error::new(ErrorType::IllegalArgument, message)
    }
}

impl std::ops::Deref for Error {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

/// One entry of a stack trace: the function and the span of the call or
/// operation that was executing in it.
#[derive(Clone, Debug)]
pub struct TraceFrame {
    pub function: Rc<str>,
    pub source: Rc<crate::Source>,
    pub span: Span,
}

/// A raised error (or an `ex-info`): the value `catch` binds.
pub struct Exception {
    /// `:glia.error/type`, `:glia.error/message`, `:glia.error/hint`,
    /// `:glia.error/data` and `:glia.error/cause`, when present. Shared, so
    /// that reading the exception as a map ([`Value::map_view`]) copies
    /// nothing.
    pub map: Rc<Map>,
    /// Innermost first; filled in when the exception is first thrown.
    pub trace: RefCell<Vec<TraceFrame>>,
    /// A sandbox limit: uncatchable.
    pub limit: bool,
    /// The signal that unwinds an aborted body through its `finally`
    /// blocks: no `catch` takes it.
    pub abort: bool,
}

fn key(name: &str) -> Value {
    Value::keyword(Some("glia.error"), name)
}

impl Exception {
    pub fn from_error(error: Error) -> Exception {
        let error = *error.0;
        let limit = error.limit;
        let mut map = Map::default();
        map.insert(key("type"), Value::Keyword(error.ty));
        map.insert(key("message"), Value::str(error.message));
        if let Some(hint) = error.hint {
            map.insert(key("hint"), Value::str(hint));
        }
        if let Some(data) = error.data {
            map.insert(key("data"), data);
        }
        Exception {
            map: Rc::new(map),
            trace: RefCell::new(Vec::new()),
            limit,
            abort: false,
        }
    }

    /// `(ex-info message data cause?)`. The type is the data's
    /// `:glia.error/type` when it has one, else `:glia.error/ex-info`.
    pub fn ex_info(message: String, data: Value, cause: Option<Value>) -> Exception {
        let ty = match &data {
            Value::Map(m) => m.get(&key("type")).cloned(),
            _ => None,
        }
        .unwrap_or(Value::Keyword(ErrorType::ExInfo.keyword()));
        let mut map = Map::default();
        map.insert(key("type"), ty);
        map.insert(key("message"), Value::str(message));
        map.insert(key("data"), data);
        if let Some(cause) = cause {
            map.insert(key("cause"), cause);
        }
        Exception {
            map: Rc::new(map),
            trace: RefCell::new(Vec::new()),
            limit: false,
            abort: false,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(&key(name))
    }

    pub fn type_keyword(&self) -> Option<&Keyword> {
        match self.get("type") {
            Some(Value::Keyword(k)) => Some(k),
            _ => None,
        }
    }

    pub fn message(&self) -> String {
        match self.get("message") {
            Some(Value::Str(s)) => (**s).clone(),
            Some(other) => crate::value::str_of(other),
            None => String::new(),
        }
    }

    pub fn hint(&self) -> Option<String> {
        self.get("hint").map(crate::value::str_of)
    }
}

impl fmt::Debug for Exception {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#error {}", self.message())
    }
}
