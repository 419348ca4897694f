//! The IPFS CID of a blob of bytes, exactly as `ipfs add --cid-version=1 FILE`
//! (Kubo) prints it.
//!
//! Kubo's defaults for CIDv1 are:
//!
//! - the file is cut into chunks of 262144 bytes (the fixed-size chunker);
//! - each chunk is a raw leaf: a block of codec `raw` (0x55) holding the
//!   chunk's bytes as they are;
//! - every block is hashed with sha2-256;
//! - a file of one chunk (at most 262144 bytes, the empty file included) is
//!   that single raw leaf;
//! - a larger file is a balanced DAG: runs of at most 174 children, left to
//!   right, are joined under `dag-pb` nodes, level by level, until one node
//!   (the root) is left. Each of those nodes holds a UnixFS `Data` message
//!   (`Type = File`, the subtree's file size, and each child's file size in
//!   `blocksizes`) and one link per child, with an empty name and a `Tsize`
//!   that is the encoded size of the child's whole subtree.
//!
//! The CID is printed as multibase base32 lower case: `bafk…` for a raw leaf,
//! `bafy…` for a `dag-pb` root.
//!
//! The reference implementation is the npm package `ipfs-unixfs-importer`;
//! `crates/runtime/tests/it/cid.rs` checks this module against it.

use ::cid::Cid;
use multihash::Multihash;
use sha2::{Digest, Sha256};

/// The fixed-size chunker's chunk size: Kubo's default, 256 KiB.
const CHUNK_SIZE: usize = 262_144;

/// The most links a `dag-pb` node of the balanced layout has: Kubo's default.
const MAX_LINKS: usize = 174;

/// Multicodec of a raw leaf.
const RAW: u64 = 0x55;

/// Multicodec of a `dag-pb` node.
const DAG_PB: u64 = 0x70;

/// Multihash code of sha2-256.
const SHA2_256: u64 = 0x12;

/// The CID that `ipfs add --cid-version=1` gives a file holding `bytes`.
///
/// A file of at most 262144 bytes (the empty file included) is a single raw
/// leaf, so its CID is the sha2-256 of the bytes under codec `raw`; a larger
/// one is the root of Kubo's balanced `dag-pb`/UnixFS DAG (see the
/// [module documentation](self)).
///
/// ```
/// let cid = runtime::cid::cid_of(b"hello\n");
/// assert_eq!(
///     cid.to_string(),
///     "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am"
/// );
/// ```
pub fn cid_of(bytes: &[u8]) -> Cid {
    if bytes.len() <= CHUNK_SIZE {
        return block_cid(RAW, bytes);
    }
    let mut level: Vec<Node> = bytes
        .chunks(CHUNK_SIZE)
        .map(|chunk| Node {
            cid: block_cid(RAW, chunk),
            file_size: chunk.len() as u64,
            tree_size: chunk.len() as u64,
        })
        .collect();
    // More than one chunk, so at least one level of parents. A run of one
    // child still gets a parent of its own (as the reference importer does):
    // only a file's sole leaf is its own root.
    loop {
        level = level.chunks(MAX_LINKS).map(parent).collect();
        if let [root] = level.as_slice() {
            return root.cid;
        }
    }
}

/// [`cid_of`] as `ipfs add --cid-version=1` prints it: multibase base32 lower
/// case, `bafk…` for a file of one chunk and `bafy…` for a larger one.
///
/// ```
/// assert_eq!(
///     runtime::cid::cid_string(b""),
///     "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
/// );
/// ```
pub fn cid_string(bytes: &[u8]) -> String {
    // A CIDv1 displays as base32 lower case.
    cid_of(bytes).to_string()
}

/// A block of the DAG as its parent sees it.
struct Node {
    cid: Cid,
    /// The bytes of the file under this node.
    file_size: u64,
    /// The encoded size of this node's block and every block under it (the
    /// `Tsize` of a link to it).
    tree_size: u64,
}

/// The CIDv1 of a block of codec `codec` holding `block`.
fn block_cid(codec: u64, block: &[u8]) -> Cid {
    Cid::new_v1(codec, sha256(block))
}

/// The sha2-256 multihash of `bytes`.
pub fn sha256(bytes: &[u8]) -> Multihash<64> {
    let digest = Sha256::digest(bytes);
    Multihash::<64>::wrap(SHA2_256, &digest).expect("a 32-byte digest fits")
}

/// The `dag-pb` node over `children`, in order.
///
/// The protobuf is written by hand: it is two small messages (and UnixFS's
/// `Data` a third) of varints and byte strings, in the field order that
/// `dag-pb` requires (`PBNode`'s `Links` before its `Data`), which spares a
/// protobuf code generator and its build step for a few dozen lines.
///
/// ```protobuf
/// message PBLink { optional bytes Hash = 1; optional string Name = 2; optional uint64 Tsize = 3; }
/// message PBNode { repeated PBLink Links = 2; optional bytes Data = 1; }
/// message Data {   // UnixFS
///     required DataType Type = 1;   // File = 2
///     optional bytes Data = 2;      // absent: the bytes are in the leaves
///     optional uint64 filesize = 3;
///     repeated uint64 blocksizes = 4;   // not packed
/// }
/// ```
fn parent(children: &[Node]) -> Node {
    let file_size: u64 = children.iter().map(|c| c.file_size).sum();

    let mut data = Vec::with_capacity(16 + 5 * children.len());
    field_varint(&mut data, 1, 2); // Type = File
    field_varint(&mut data, 3, file_size);
    for child in children {
        field_varint(&mut data, 4, child.file_size);
    }

    let mut block = Vec::with_capacity(data.len() + 56 * children.len() + 8);
    let mut link = Vec::with_capacity(56);
    for child in children {
        link.clear();
        field_bytes(&mut link, 1, &child.cid.to_bytes()); // Hash
        field_bytes(&mut link, 2, b""); // Name: empty, but present
        field_varint(&mut link, 3, child.tree_size); // Tsize
        field_bytes(&mut block, 2, &link); // Links
    }
    field_bytes(&mut block, 1, &data); // Data

    let tree_size = block.len() as u64 + children.iter().map(|c| c.tree_size).sum::<u64>();
    Node {
        cid: block_cid(DAG_PB, &block),
        file_size,
        tree_size,
    }
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
fn field_varint(out: &mut Vec<u8>, field: u64, n: u64) {
    varint(out, field << 3);
    varint(out, n);
}

/// Appends protobuf field `field` of wire type 2 (length-delimited).
fn field_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    varint(out, field << 3 | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected CIDs are what the reference importer prints (`node
    // tests/cid/cid.mjs FILE`, the oracle of tests/cid.rs) for the same
    // bytes; the first two are also well-known `ipfs add --cid-version=1`
    // results.

    #[test]
    fn empty_file_is_a_raw_leaf() {
        assert_eq!(
            cid_string(b""),
            "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
        );
        assert_eq!(cid_of(b"").codec(), RAW);
    }

    #[test]
    fn hello() {
        assert_eq!(
            cid_string(b"hello\n"),
            "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am"
        );
    }

    #[test]
    fn one_full_chunk_is_a_raw_leaf() {
        let cid = cid_of(&vec![0; CHUNK_SIZE]);
        assert_eq!(cid.codec(), RAW);
        assert_eq!(
            cid.to_string(),
            "bafkreiekhhjkxu4ztk3tyng3er3ijhg56mb44oe3gwbgquhzu4afrg2ksa"
        );
    }

    #[test]
    fn one_byte_past_a_chunk_is_a_dag_pb_root() {
        let cid = cid_of(&vec![0; CHUNK_SIZE + 1]);
        assert_eq!(cid.codec(), DAG_PB);
        assert_eq!(
            cid.to_string(),
            "bafybeigllfqgfpqydppr6cmv56g7ax4wyhruzswvcefv6j5kj77nzttfki"
        );
    }

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
}
