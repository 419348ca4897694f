//! Reading `dag-pb` nodes and their UnixFS data: the inverse of what
//! `unixfs.rs` writes, for blocks that may come from anywhere (a peer, a
//! damaged disk). Every length is checked against what is left, so bad
//! input is an error, never a panic or a huge allocation.

use ::cid::Cid;

/// A link of a `dag-pb` node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub cid: Cid,
    pub name: String,
    pub tree_size: u64,
}

/// A `dag-pb` node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PbNode {
    pub links: Vec<Link>,
    pub data: Vec<u8>,
}

/// What a UnixFS node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Raw,
    Directory,
    File,
    Metadata,
    Symlink,
    HamtShard,
}

/// A UnixFS `Data` message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnixFs {
    pub kind: Kind,
    pub data: Vec<u8>,
    pub file_size: Option<u64>,
    pub block_sizes: Vec<u64>,
    /// A shard's hash function (multicodec).
    pub hash_type: Option<u64>,
    /// A shard's slots.
    pub fanout: Option<u64>,
}

/// A block that is not what it claims to be.
#[derive(Debug, thiserror::Error)]
#[error("not a valid {what}: {why}")]
pub struct DecodeError {
    what: &'static str,
    why: String,
}

fn bad(what: &'static str, why: impl Into<String>) -> DecodeError {
    DecodeError {
        what,
        why: why.into(),
    }
}

/// A protobuf reader over `bytes`.
struct Reader<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

/// A field's value.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut n = 0u64;
        for i in 0..10 {
            let (&byte, rest) = self
                .bytes
                .split_first()
                .ok_or_else(|| bad(self.what, "a varint runs past the end"))?;
            self.bytes = rest;
            let part = u64::from(byte & 0x7f);
            if i == 9 && byte > 1 {
                return Err(bad(self.what, "a varint overflows 64 bits"));
            }
            n |= part << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(bad(self.what, "a varint is longer than 10 bytes"))
    }

    /// The next field, or `None` at the end.
    fn field(&mut self) -> Result<Option<(u64, Value<'a>)>, DecodeError> {
        if self.bytes.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            2 => {
                let len = self.varint()?;
                let len = usize::try_from(len)
                    .ok()
                    .filter(|&l| l <= self.bytes.len())
                    .ok_or_else(|| bad(self.what, "a field runs past the end"))?;
                let (value, rest) = self.bytes.split_at(len);
                self.bytes = rest;
                Value::Bytes(value)
            }
            other => return Err(bad(self.what, format!("wire type {other}"))),
        };
        Ok(Some((key >> 3, value)))
    }
}

/// Decodes a `dag-pb` block.
pub fn pb_node(block: &[u8]) -> Result<PbNode, DecodeError> {
    let what = "dag-pb node";
    let mut reader = Reader { bytes: block, what };
    let mut node = PbNode::default();
    while let Some((field, value)) = reader.field()? {
        match (field, value) {
            (1, Value::Bytes(data)) => node.data = data.to_vec(),
            (2, Value::Bytes(link)) => node.links.push(pb_link(link)?),
            (field, _) => return Err(bad(what, format!("unexpected field {field}"))),
        }
    }
    Ok(node)
}

fn pb_link(bytes: &[u8]) -> Result<Link, DecodeError> {
    let what = "dag-pb link";
    let mut reader = Reader { bytes, what };
    let (mut cid, mut name, mut tree_size) = (None, String::new(), 0);
    while let Some((field, value)) = reader.field()? {
        match (field, value) {
            (1, Value::Bytes(hash)) => {
                cid = Some(Cid::try_from(hash).map_err(|e| bad(what, format!("its CID: {e}")))?)
            }
            (2, Value::Bytes(n)) => {
                name =
                    String::from_utf8(n.to_vec()).map_err(|_| bad(what, "its name is not UTF-8"))?
            }
            (3, Value::Varint(n)) => tree_size = n,
            (field, _) => return Err(bad(what, format!("unexpected field {field}"))),
        }
    }
    Ok(Link {
        cid: cid.ok_or_else(|| bad(what, "it has no CID"))?,
        name,
        tree_size,
    })
}

/// Decodes a UnixFS `Data` message.
pub fn unixfs(data: &[u8]) -> Result<UnixFs, DecodeError> {
    let what = "UnixFS node";
    let mut reader = Reader { bytes: data, what };
    let mut data = UnixFs {
        kind: Kind::Raw,
        data: Vec::new(),
        file_size: None,
        block_sizes: Vec::new(),
        hash_type: None,
        fanout: None,
    };
    let mut kind = None;
    while let Some((field, value)) = reader.field()? {
        match (field, value) {
            (1, Value::Varint(t)) => {
                kind = Some(match t {
                    0 => Kind::Raw,
                    1 => Kind::Directory,
                    2 => Kind::File,
                    3 => Kind::Metadata,
                    4 => Kind::Symlink,
                    5 => Kind::HamtShard,
                    t => return Err(bad(what, format!("type {t}"))),
                })
            }
            (2, Value::Bytes(d)) => data.data = d.to_vec(),
            (3, Value::Varint(n)) => data.file_size = Some(n),
            (4, Value::Varint(n)) => data.block_sizes.push(n),
            (5, Value::Varint(n)) => data.hash_type = Some(n),
            (6, Value::Varint(n)) => data.fanout = Some(n),
            // mode, mtime: not kept by what a node writes out.
            (7 | 8, _) => {}
            (field, _) => return Err(bad(what, format!("unexpected field {field}"))),
        }
    }
    data.kind = kind.ok_or_else(|| bad(what, "it has no type"))?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::unixfs::{self, Kept};
    use proptest::prelude::*;

    #[test]
    fn a_files_root_decodes_to_its_leaves() {
        let bytes = vec![1u8; unixfs::CHUNK_SIZE * 2 + 5];
        let mut kept = Kept::default();
        let root = unixfs::file(&bytes[..], "f", &mut kept).unwrap();
        let node = pb_node(kept.block(&root.cid)).unwrap();
        assert_eq!(node.links.len(), 3);
        let data = unixfs(&node.data).unwrap();
        assert_eq!(data.kind, Kind::File);
        assert_eq!(data.file_size, Some(bytes.len() as u64));
        assert_eq!(
            data.block_sizes,
            vec![unixfs::CHUNK_SIZE as u64, unixfs::CHUNK_SIZE as u64, 5]
        );
    }

    proptest! {
        #[test]
        fn garbage_is_an_error_not_a_panic(block in prop::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(node) = pb_node(&block) {
                let _ = unixfs(&node.data);
            }
            let _ = unixfs(&block);
        }
    }
}
