//! glia-eval: the Glia compiler and VM (values, namespaces, macros, core
//! library). It does no I/O: all outside contact is an effect that the
//! embedding handles.
//!
//! Text is read by glia-syntax into forms; each top-level form is
//! macro-expanded and compiled (`compiler`) into register bytecode (`chunk`),
//! which the [`vm`] runs with its call stack on the heap. Values
//! ([`value`]) are Clojure's, with Clojure's equality and printing.
//!
//! ```
//! let mut glia = glia_eval::Glia::new();
//! let v = glia.eval_str("example", "(defn sq [x] (* x x)) (sq 12)").unwrap();
//! assert_eq!(glia_eval::value::pr_str(&v), "144");
//! ```

mod builtins;
mod check;
mod chunk;
mod compiler;
mod convert;
mod core;
mod describe;
mod error;
mod eval;
mod namespace;
mod report;
pub mod value;
pub mod vm;

pub use check::{
    Fact, Finding, FormCheck, Loader, Severity, file_lints, has_error, syntax_findings,
    unhandled_effects, unused_bindings,
};
pub use describe::{Description, Kind, special_form, special_forms, stdlib_sources};
pub use error::{Error, ErrorType, Exception, TraceFrame};
pub use eval::{EvalError, Glia, Step};
pub use namespace::{Namespace, Var};

/// The namespace a name means (`clojure.string` is `glia.string`).
pub fn canonical_ns(name: &str) -> String {
    namespace::canonical(name).to_string()
}
pub use report::{Report, line_col};
pub use value::Value;
pub use vm::{Answer, Exit, Limits, Vm};

/// Reads `text` as data, evaluating nothing: the value of each form (as
/// `quote` would give it). `Err` with the first syntax error's message.
pub fn read_data(text: &str) -> Result<Vec<Value>, String> {
    let read = glia_syntax::read(text);
    if let Some(e) = read.errors.first() {
        return Err(e.message.clone());
    }
    let mut spans = convert::Spans::default();
    Ok(read
        .forms
        .iter()
        .map(|f| convert::form_to_value(f, "user", &mut spans))
        .collect())
}

/// The namespace of the core library (`clojure.core` is an alias of it).
pub const CORE_NS: &str = "glia.core";

/// A text that code was compiled from, for error reports.
#[derive(Debug)]
pub struct Source {
    pub name: String,
    pub text: std::sync::Arc<str>,
    /// Where each line starts, computed on first use.
    lines: std::sync::OnceLock<Vec<usize>>,
}

impl Source {
    pub fn new(name: &str, text: &str) -> Source {
        Source {
            name: name.to_string(),
            text: text.into(),
            lines: std::sync::OnceLock::new(),
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let starts = self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        starts.partition_point(|&s| s <= offset)
    }
}
