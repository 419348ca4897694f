//! The IPFS CID of a blob of bytes, exactly as `ipfs add --cid-version=1 FILE`
//! (Kubo) prints it.
//!
//! A file of at most 262144 bytes (the empty file included) is a single
//! raw leaf, `bafk…`; a larger one is the root of Kubo's balanced
//! `dag-pb`/UnixFS DAG, `bafy…`. The DAG is built by
//! [`crate::store::unixfs`], which this calls with no store behind it.
//!
//! The reference implementation is the npm package `ipfs-unixfs-importer`;
//! `crates/runtime/tests/it/cid.rs` checks this module against it.

use ::cid::Cid;

pub use crate::store::unixfs::sha256;
use crate::store::unixfs::{self, Discard};

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
    unixfs::file(bytes, "bytes", &mut Discard)
        .expect("bytes in memory read, and Discard keeps nothing")
        .cid
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::unixfs::{CHUNK_SIZE, DAG_PB, RAW};

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
}
