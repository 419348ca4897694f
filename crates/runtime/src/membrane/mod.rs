//! Capabilities over Cap'n Proto: what a cell in `vat` mode is granted and
//! how the host talks to it.
//!
//! - `grants.rs`: the [`Membrane`] a parent hands a cell, whose `graft`
//!   returns exactly the capabilities granted to it, by name.
//! - `vat.rs`: a Cap'n Proto connection over a spawned cell's stdio
//!   ([`Vat`]): the host's bootstrap capability is the cell's membrane, the
//!   cell's is whatever it serves.
//! - `stream.rs`: [`ByteStream`] served over a pair of tokio streams.

mod grants;
mod stream;
mod vat;

pub use grants::Membrane;
pub use stream::ByteStream;
pub use vat::Vat;
