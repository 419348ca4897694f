//! glia-syntax: the Glia reader.
//!
//! Text goes through four stages, each a module:
//!
//! 1. [`lexer`]: logos splits the text into tokens covering every byte.
//! 2. `balance`: repairs unbalanced delimiters and missing forms so that
//!    the grammar never fails (errors are recorded, not thrown).
//! 3. `grammar.lalrpop` + [`parser`]: builds the **lossless** tree; its
//!    text is the input, byte for byte, whatever the input was.
//! 4. [`read`](mod@read): lowers the tree to [`Form`]s, the data the evaluator
//!    consumes, checking numbers, escapes, duplicate keys and the like.
//!
//! [`printer`] prints forms as Clojure does (`pr-str`, `print-str`, `str`);
//! [`format()`] re-indents the lossless tree canonically.
//!
//! Invariant: this crate does no I/O and never panics on any input.

mod balance;
mod equiv;
mod error;
mod escape;
mod form;
mod format;
mod invariants;
mod kind;
pub mod lexer;
mod number;
pub mod parser;
pub mod printer;
pub mod read;
mod tree;

pub use error::{ErrorKind, Span, SyntaxError, SyntaxErrors};
pub use form::{Form, FormKind, Keyword, Symbol};
pub use format::format;
pub use invariants::check_invariants;
pub use kind::SyntaxKind;
pub use parser::{MAX_NESTING, MAX_TEXT_LEN, Parse, parse};
pub use read::{Read, read};
pub use tree::{SyntaxElement, SyntaxNode, SyntaxToken, SyntaxTree};
