//! The runtime's library: what the `ww` binary and its tests and benches
//! share. Only this crate touches wasmtime, capnp, libp2p, HTTP (and, as
//! they land, the disk).
//!
//! - [`cid`]: the IPFS CID of a blob, as `ipfs add --cid-version=1` prints it.
//! - [`cells`]: running WebAssembly cells in their sandbox.
//! - [`home`]: the paths under `~/.ww`.
//! - [`membrane`]: capabilities over Cap'n Proto: a cell's grants, and RPC
//!   with a cell in `vat` mode.
//! - [`p2p`]: the node's libp2p network.
//! - [`project`]: cell projects (`ww init`, `ww build`).
//! - [`bindings`]: Cap'n Proto capabilities as Glia capability values.
//! - [`schema`]: the code generated from the Cap'n Proto schemas in
//!   `schema/`.
//! - [`store`]: the embedded content store: blocks on disk, UnixFS import
//!   with Kubo's CIDs.
//! - [`std_cells`]: the standard cells (and test fixtures) `ww` embeds, built
//!   from `stdlib/cells/` by the build script.

pub mod atomic;
pub mod bindings;
pub mod cells;
pub mod cid;
pub mod home;
pub mod membrane;
pub mod node;
pub mod outbound_http;
pub mod p2p;
pub mod project;
pub mod schema;
pub mod std_cells;
pub mod store;
pub mod web;
