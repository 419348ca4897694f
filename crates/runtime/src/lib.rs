//! The runtime's library: what the `ww` binary and its tests and benches
//! share. Only this crate touches wasmtime (and, as they land, capnp,
//! libp2p, HTTP and disk).
//!
//! - [`cid`]: the IPFS CID of a blob, as `ipfs add --cid-version=1` prints it.
//! - [`cells`]: running WebAssembly cells in their sandbox.
//! - [`std_cells`]: the standard cells (and test fixtures) `ww` embeds, built
//!   from `stdlib/cells/` by the build script.

pub mod cells;
pub mod cid;
pub mod std_cells;
