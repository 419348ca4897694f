//! glia-lsp: the Glia language server, built on `glia-syntax`'s lossless
//! tree and the compiler's analysis. It never runs user code with
//! authority: checking a document compiles it (running `ns`, `require`,
//! `defmacro` and `def`s of fns, under fuel, memory and time limits) with
//! no effect served but `:load` of workspace modules.
//!
//! [`server`] owns the state and routes messages; each feature is a module
//! adding its handlers to [`server::Server`]. [`analysis`] turns a
//! document into findings and occurrences (what each symbol means), kept
//! cheap on every keystroke by [`checker`].

pub mod analysis;
mod capabilities;
pub mod checker;
mod code_actions;
mod completion;
mod diagnostics;
pub mod document;
mod formatting;
mod hover;
mod inlay_hints;
mod library;
mod navigation;
pub mod position;
mod rename;
mod semantic_tokens;
pub mod server;
mod signature;
mod structure;
mod symbols;
mod syntax;
pub mod workspace;

/// What the embedding binds in a fresh evaluation before a program runs
/// (the names a document may use without defining them).
pub type Prelude = fn(&mut glia_eval::Glia);

/// Serves the language server protocol on stdin and stdout until the
/// client exits, checking documents as evaluations that start as
/// `prelude` leaves them.
pub fn run_stdio(prelude: Prelude) -> Result<(), String> {
    let (connection, io) = lsp_server::Connection::stdio();
    server::run(connection, prelude)?;
    io.join().map_err(|e| e.to_string())
}
