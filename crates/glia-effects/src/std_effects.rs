//! The standard host effects (spec §5): what each one's data must be and
//! what it answers. The embedding does the I/O; this module only reads the
//! requests, so every embedding accepts and rejects the same data.
//!
//! | effect | data | answer |
//! |---|---|---|
//! | `:stdout`, `:stderr` | a string | `nil`, after writing it |
//! | `:load` | a path string | the file's bytes |
//! | `:exit` | an integer code, or `nil` for 0 | ends the evaluation (uncatchable `:glia.error/exit`) |
//! | `:now` | `nil` | milliseconds since the Unix epoch |
//! | `:random` | `nil`, or a positive integer `n` | a double in [0, 1), or an integer in [0, n) |

use glia_eval::value::{Keyword, described};
use glia_eval::{Error, ErrorType, Value};

/// A standard effect, read from a `perform`.
#[derive(Debug, PartialEq)]
pub enum Request {
    Stdout(String),
    Stderr(String),
    Load(String),
    Exit(i64),
    Now,
    /// `None`: a double in [0, 1); `Some(n)`: an integer in [0, n).
    Random(Option<i64>),
}

/// The standard effects' names.
pub const NAMES: [&str; 6] = ["stdout", "stderr", "load", "exit", "now", "random"];

/// Reads a standard effect: `None` when `target` is not one, an error when
/// its data is not what the effect takes.
pub fn request(target: &Value, data: Value) -> Option<Result<Request, Error>> {
    let Value::Keyword(k) = target else {
        return None;
    };
    if k.ns().is_some() {
        return None;
    }
    let name = k.name();
    Some(match name {
        "stdout" => string(name, data).map(Request::Stdout),
        "stderr" => string(name, data).map(Request::Stderr),
        "load" => string(name, data).map(Request::Load),
        "exit" => match data {
            Value::Nil => Ok(Request::Exit(0)),
            Value::Int(code) => Ok(Request::Exit(code)),
            other => Err(wrong(name, "an integer exit code", &other)),
        },
        "now" => match data {
            Value::Nil => Ok(Request::Now),
            other => Err(wrong(name, "no data", &other)),
        },
        "random" => match data {
            Value::Nil => Ok(Request::Random(None)),
            Value::Int(n) if n > 0 => Ok(Request::Random(Some(n))),
            other => Err(wrong(name, "nil or a positive integer bound", &other)),
        },
        _ => return None,
    })
}

fn string(name: &str, data: Value) -> Result<String, Error> {
    match data {
        Value::Str(s) => Ok(s.as_str().to_string()),
        other => Err(wrong(name, "a string", &other)),
    }
}

fn wrong(name: &str, wanted: &str, got: &Value) -> Error {
    Error::new(
        ErrorType::TypeMismatch,
        format!("the :{name} effect takes {wanted}, got {}", described(got)),
    )
    .with_hint(format!("usage: {}", usage(name)))
}

fn usage(name: &str) -> &'static str {
    match name {
        "stdout" => "(perform :stdout \"text\"), or (print ...), (println ...)",
        "stderr" => "(perform :stderr \"text\")",
        "load" => "(perform :load \"path/to/file\")",
        "exit" => "(perform :exit 0)",
        "now" => "(perform :now)",
        _ => "(perform :random) or (perform :random 6)",
    }
}

/// The error that ends an evaluation for `(perform :exit code)`: no
/// handler can catch it, and its data is the code.
pub fn exit(code: i64) -> Error {
    Error::limit(
        Keyword::intern(Some("glia.error"), "exit"),
        format!("the program exited with code {code}"),
    )
    .with_data(Value::Int(code))
}

/// The exit code an evaluation's error asks for, if it is an exit.
pub fn exit_code(e: &glia_eval::EvalError) -> Option<i64> {
    if e.type_name() != ":glia.error/exit" {
        return None;
    }
    match e.exception.get("data") {
        Some(Value::Int(code)) => Some(*code),
        _ => Some(1),
    }
}

/// An I/O failure of a host effect, for the program to catch.
pub fn io_error(name: &str, message: impl std::fmt::Display) -> Error {
    Error::new(ErrorType::Io, format!(":{name} failed: {message}"))
}
