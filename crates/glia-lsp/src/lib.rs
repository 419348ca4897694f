//! glia-lsp: the Glia language server, built on `glia-syntax`'s lossless tree
//! and the compiler's analysis. It never executes user code with authority.
//!
//! The crate is a placeholder in the workspace until the language server lands.
