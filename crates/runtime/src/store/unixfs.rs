//! Files and directories as UnixFS DAGs, block by block, exactly as
//! `ipfs add -r --cid-version=1` (Kubo) makes them: the blocks go to a
//! [`Blocks`] sink (the store, or nowhere when only the CID is wanted).
//!
//! - A file is cut into chunks of 262144 bytes, each a raw leaf (codec
//!   `raw`); a file of one chunk (the empty file included) is that leaf;
//!   a larger one is a balanced DAG: runs of at most 174 children are
//!   joined under `dag-pb` nodes (UnixFS `File`, with the subtree's size
//!   and each child's in `blocksizes`), level by level, until one is left.
//! - A directory is a `dag-pb` node (UnixFS `Directory`) with a link per
//!   entry, sorted by name (bytewise), each with the entry's CID and its
//!   `Tsize` (the encoded size of its whole subtree).
//! - A symbolic link is a `dag-pb` node (UnixFS `Symlink`) holding its
//!   target.
//! - Hidden entries (names starting with `.`) are left out, as Kubo does
//!   without `--hidden`.
//!
//! - A directory whose links' names and CIDs add up to more than 256 KiB
//!   is sharded, as Kubo shards it: a HAMT of `HAMTShard` nodes (see
//!   `hamt.rs`). Every entry counts, subdirectories included, as in Kubo;
//!   the reference JS importer counts a subdirectory only once it is
//!   empty, so the two can part for a directory of many subdirectories.
//!
//! The protobufs are written by hand: three small messages of varints and
//! byte strings, in the field order `dag-pb` requires (`PBNode`'s `Links`
//! before its `Data`), which spares a code generator for a few dozen lines.
//!
//! ```protobuf
//! message PBLink { optional bytes Hash = 1; optional string Name = 2; optional uint64 Tsize = 3; }
//! message PBNode { repeated PBLink Links = 2; optional bytes Data = 1; }
//! message Data {   // UnixFS
//!     required DataType Type = 1;   // Directory = 1, File = 2, Symlink = 4, HAMTShard = 5
//!     optional bytes Data = 2;      // a symlink's target, a shard's bitfield
//!     optional uint64 filesize = 3;
//!     repeated uint64 blocksizes = 4;   // not packed
//!     optional uint64 hashType = 5;     // a shard's: murmur3-x64-64
//!     optional uint64 fanout = 6;       // a shard's: 256
//! }
//! ```

use std::io::Read;
use std::path::Path;

use ::cid::Cid;
use multihash::Multihash;
use sha2::{Digest, Sha256};

use super::hamt;

/// The fixed-size chunker's chunk size: Kubo's default, 256 KiB.
pub const CHUNK_SIZE: usize = 262_144;

/// The most links a file's `dag-pb` node has: Kubo's default.
const MAX_LINKS: usize = 174;

/// Kubo shards a directory (HAMT) once the names and CIDs of its links
/// pass this many bytes (Kubo's `Import.UnixFSHAMTDirectorySizeThreshold`).
pub const SHARD_THRESHOLD: usize = 262_144;

/// Multicodec of a raw leaf.
pub const RAW: u64 = 0x55;

/// Multicodec of a `dag-pb` node.
pub const DAG_PB: u64 = 0x70;

/// Multihash code of sha2-256.
const SHA2_256: u64 = 0x12;

const DIRECTORY: u64 = 1;
const FILE: u64 = 2;
const SYMLINK: u64 = 4;

/// Where the blocks of an import go.
pub trait Blocks {
    fn put(&mut self, cid: &Cid, block: &[u8]) -> std::io::Result<()>;
}

/// A sink that keeps nothing: for the CID alone.
#[derive(Debug, Default)]
pub struct Discard;

impl Blocks for Discard {
    fn put(&mut self, _: &Cid, _: &[u8]) -> std::io::Result<()> {
        Ok(())
    }
}

/// Keeps the blocks an import makes, for tests to look into.
/// Whether an entry named `name` is hidden (its name starts with `.`):
/// left out of an import, as Kubo leaves it out without `--hidden`, and
/// out of a directory layer of `ww run`, so both give the same image.
pub fn hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

#[cfg(test)]
#[derive(Default)]
pub(crate) struct Kept(Vec<(Cid, Vec<u8>)>);

#[cfg(test)]
impl Kept {
    /// The block of `cid`, which the import must have made.
    pub(crate) fn block(&self, cid: &Cid) -> &[u8] {
        let found = self.0.iter().find(|(c, _)| c == cid);
        &found.expect("the import made this block").1
    }
}

#[cfg(test)]
impl Blocks for Kept {
    fn put(&mut self, cid: &Cid, block: &[u8]) -> std::io::Result<()> {
        self.0.push((*cid, block.to_vec()));
        Ok(())
    }
}

/// A block of a DAG as its parent sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub cid: Cid,
    /// The bytes of the file under this node (0 for a directory or link).
    pub file_size: u64,
    /// The encoded size of this node's block and every block under it (the
    /// `Tsize` of a link to it).
    pub tree_size: u64,
}

/// What went wrong importing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("cannot store a block: {0}")]
    Store(std::io::Error),
    #[error(
        "{path} holds names whose hashes agree for 64 levels of sharding, which only a crafted collision does; rename one of them"
    )]
    Collision { path: String },
    #[error("{path} is neither a file, a directory nor a symbolic link")]
    Unsupported { path: String },
    #[error("{path}: a name that is not UTF-8 cannot be a UnixFS link")]
    Name { path: String },
}

/// The sha2-256 multihash of `bytes`.
pub fn sha256(bytes: &[u8]) -> Multihash<64> {
    let digest = Sha256::digest(bytes);
    Multihash::<64>::wrap(SHA2_256, &digest).expect("a 32-byte digest fits")
}

/// The CIDv1 of a block of codec `codec` holding `block`.
pub fn block_cid(codec: u64, block: &[u8]) -> Cid {
    Cid::new_v1(codec, sha256(block))
}

/// Hashes `block` under `codec` and hands it to `blocks`.
fn put(blocks: &mut impl Blocks, codec: u64, block: &[u8]) -> Result<Cid, ImportError> {
    let cid = block_cid(codec, block);
    blocks.put(&cid, block).map_err(ImportError::Store)?;
    Ok(cid)
}

/// Imports the file `reader` reads (named `path` in errors), a chunk at a
/// time.
pub fn file(
    mut reader: impl Read,
    path: &str,
    blocks: &mut impl Blocks,
) -> Result<Node, ImportError> {
    let read_error = |error| ImportError::Read {
        path: path.to_string(),
        error,
    };
    let mut leaves = Vec::new();
    let mut chunk = vec![0; CHUNK_SIZE];
    loop {
        let n = read_full(&mut reader, &mut chunk).map_err(read_error)?;
        // The empty file is one (empty) leaf; otherwise an empty read ends.
        if n == 0 && !leaves.is_empty() {
            break;
        }
        let cid = put(blocks, RAW, &chunk[..n])?;
        leaves.push(Node {
            cid,
            file_size: n as u64,
            tree_size: n as u64,
        });
        if n < CHUNK_SIZE {
            break;
        }
    }
    if let [leaf] = leaves.as_slice() {
        return Ok(*leaf);
    }
    // A run of one child still gets a parent of its own (as the reference
    // importer does): only a file's sole leaf is its own root.
    let mut level = leaves;
    loop {
        level = level
            .chunks(MAX_LINKS)
            .map(|children| file_node(children, blocks))
            .collect::<Result<_, _>>()?;
        if let [root] = level.as_slice() {
            return Ok(*root);
        }
    }
}

/// Reads until `buf` is full or the input ends; how much was read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The `dag-pb` file node over `children`, in order.
fn file_node(children: &[Node], blocks: &mut impl Blocks) -> Result<Node, ImportError> {
    let file_size: u64 = children.iter().map(|c| c.file_size).sum();
    let mut data = Vec::with_capacity(16 + 5 * children.len());
    field_varint(&mut data, 1, FILE);
    field_varint(&mut data, 3, file_size);
    for child in children {
        field_varint(&mut data, 4, child.file_size);
    }
    let links: Vec<(&str, &Node)> = children.iter().map(|c| ("", c)).collect();
    let block = pb_node(&links, &data);
    let tree_size = block.len() as u64 + children.iter().map(|c| c.tree_size).sum::<u64>();
    Ok(Node {
        cid: put(blocks, DAG_PB, &block)?,
        file_size,
        tree_size,
    })
}

/// A `PBNode` with `links` (name, target) and `data`.
fn pb_node(links: &[(&str, &Node)], data: &[u8]) -> Vec<u8> {
    let mut block = Vec::with_capacity(data.len() + 64 * links.len() + 8);
    let mut link = Vec::with_capacity(64);
    for (name, node) in links {
        link.clear();
        field_bytes(&mut link, 1, &node.cid.to_bytes()); // Hash
        field_bytes(&mut link, 2, name.as_bytes()); // Name: present even if empty
        field_varint(&mut link, 3, node.tree_size); // Tsize
        field_bytes(&mut block, 2, &link); // Links
    }
    field_bytes(&mut block, 1, data); // Data
    block
}

/// Imports the file, directory or symbolic link at `path` (not following
/// a link), with everything under it.
pub fn path(path: &Path, blocks: &mut impl Blocks) -> Result<Node, ImportError> {
    let shown = path.display().to_string();
    let read_error = |error| ImportError::Read {
        path: shown.clone(),
        error,
    };
    let meta = std::fs::symlink_metadata(path).map_err(read_error)?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path).map_err(read_error)?;
        let target = target.to_str().ok_or_else(|| ImportError::Name {
            path: shown.clone(),
        })?;
        let mut data = Vec::new();
        field_varint(&mut data, 1, SYMLINK);
        field_bytes(&mut data, 2, target.as_bytes());
        let block = pb_node(&[], &data);
        return Ok(Node {
            cid: put(blocks, DAG_PB, &block)?,
            file_size: 0,
            tree_size: block.len() as u64,
        });
    }
    if meta.is_file() {
        let reader = std::fs::File::open(path).map_err(read_error)?;
        return file(reader, &shown, blocks);
    }
    if !meta.is_dir() {
        return Err(ImportError::Unsupported { path: shown });
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(path).map_err(read_error)? {
        let name = entry.map_err(read_error)?.file_name();
        let name = name.into_string().map_err(|name| ImportError::Name {
            path: path.join(name).display().to_string(),
        })?;
        if !hidden(std::ffi::OsStr::new(&name)) {
            names.push(name);
        }
    }
    // Bytewise, as Kubo sorts links.
    names.sort();
    let mut children = Vec::with_capacity(names.len());
    for name in &names {
        children.push(self::path(&path.join(name), blocks)?);
    }
    let estimate: usize = names
        .iter()
        .zip(&children)
        .map(|(name, child)| name.len() + child.cid.encoded_len())
        .sum();
    if estimate > SHARD_THRESHOLD {
        let entries: Vec<(&str, Node)> = names.iter().map(String::as_str).zip(children).collect();
        return hamt::build(&entries, 0, &shown, blocks);
    }
    let mut data = Vec::new();
    field_varint(&mut data, 1, DIRECTORY);
    let links: Vec<(&str, &Node)> = names.iter().map(String::as_str).zip(&children).collect();
    directory_node(&links, &data, blocks)
}

/// The `dag-pb` node of a directory or shard: `links` (name, target) and
/// the UnixFS `data`.
pub(super) fn directory_node(
    links: &[(&str, &Node)],
    data: &[u8],
    blocks: &mut impl Blocks,
) -> Result<Node, ImportError> {
    let block = pb_node(links, data);
    let tree_size = block.len() as u64 + links.iter().map(|(_, c)| c.tree_size).sum::<u64>();
    Ok(Node {
        cid: put(blocks, DAG_PB, &block)?,
        file_size: 0,
        tree_size,
    })
}

/// Appends the unsigned LEB128 varint of `n`.
fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Appends protobuf field `field` of wire type 0 (varint) with value `n`.
pub(super) fn field_varint(out: &mut Vec<u8>, field: u64, n: u64) {
    varint(out, field << 3);
    varint(out, n);
}

/// Appends protobuf field `field` of wire type 2 (length-delimited).
pub(super) fn field_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    varint(out, field << 3 | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints() {
        let encode = |n| {
            let mut out = Vec::new();
            varint(&mut out, n);
            out
        };
        assert_eq!(encode(0), [0]);
        assert_eq!(encode(127), [0x7f]);
        assert_eq!(encode(128), [0x80, 0x01]);
        assert_eq!(encode(262_144), [0x80, 0x80, 0x10]);
        assert_eq!(encode(u64::MAX).len(), 10);
    }

    #[test]
    fn the_empty_directory_is_kubos() {
        let dir = std::env::temp_dir().join(format!("ww-unixfs-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let node = path(&dir, &mut Discard).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        // `ipfs add -r --cid-version=1` of an empty directory.
        assert_eq!(
            node.cid.to_string(),
            "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"
        );
    }

    #[test]
    fn a_file_read_in_pieces_is_the_file() {
        // A reader that returns a few bytes at a time still fills chunks.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(self.0.len()).min(1000);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let bytes = vec![7u8; CHUNK_SIZE * 2 + 3];
        let whole = file(&bytes[..], "whole", &mut Discard).unwrap();
        let trickled = file(Trickle(&bytes), "trickled", &mut Discard).unwrap();
        assert_eq!(whole, trickled);
        assert_eq!(whole.file_size, bytes.len() as u64);
    }
}
