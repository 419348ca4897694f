//! The embedded content store: IPFS blocks on disk under `~/.ww/store`,
//! and files and directories imported as UnixFS DAGs with Kubo's CIDs.
//!
//! - `unixfs.rs`: the importer (files, directories, symbolic links), block
//!   by block into any [`unixfs::Blocks`] sink.
//! - `hamt.rs`: sharded directories (UnixFS HAMT), as Kubo makes them of a
//!   directory too big for one block.
//! - `blocks.rs`: [`BlockStore`], the blocks on disk, written atomically and
//!   checked against their CIDs when read; roots pinned.
//! - `dag.rs`: reading `dag-pb` nodes and UnixFS data back, from blocks
//!   that may come from anyone.
//! - `export.rs`: a DAG written out as files (`trees/<cid>`), how an image
//!   named by its CID becomes a directory layer.
//! - `gc.rs`: unpinning, and collecting what no pin reaches.
//! - `kubo.rs`: a DAG added to a Kubo node and pinned there, as a CAR
//!   file through its HTTP RPC API (`ww push --ipfs-url`).
//! - `exchange.rs`: blocks between peers (`/ww/0.1.0/blocks`): serving
//!   the store's, fetching a DAG the store lacks, each block checked.

mod blocks;
pub mod dag;
pub mod exchange;
mod export;
mod gc;
pub mod hamt;
pub mod kubo;
pub mod unixfs;

pub use blocks::{BlockStore, StoreError};
pub use export::ExportError;
pub use gc::Collected;
