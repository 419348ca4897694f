//! The embedded content store: IPFS blocks on disk under `~/.ww/store`,
//! and files and directories imported as UnixFS DAGs with Kubo's CIDs.
//!
//! - `unixfs.rs`: the importer (files, directories, symbolic links), block
//!   by block into any [`unixfs::Blocks`] sink.
//! - `blocks.rs`: [`BlockStore`], the blocks on disk, written atomically and
//!   checked against their CIDs when read; roots pinned.

mod blocks;
pub mod unixfs;

pub use blocks::{BlockStore, StoreError};
