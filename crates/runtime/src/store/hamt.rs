//! Sharded directories: the UnixFS HAMT Kubo makes of a directory too big
//! for one block, built on import and walked on export.
//!
//! A shard is a `dag-pb` node (UnixFS `HAMTShard`) with 256 slots. An
//! entry's slot at depth `d` is byte `d` of the murmur3-x64-64 hash of its
//! name (the first half of murmur3-x64-128, seed 0, most significant byte
//! first); past 8 levels the name is hashed again with the round number
//! appended. A slot holding one entry links it as `XX<name>` (`XX` the
//! slot in two upper-case hex digits); a slot holding more links a shard a
//! level down as `XX`. The shard's UnixFS data carries the occupied slots
//! as a bitfield (big-endian, leading zero bytes dropped), the hash
//! function (`0x22`) and the fanout (256).

use std::collections::BTreeMap;

use super::unixfs::{self, Blocks, ImportError, Node};

/// Slots per shard: Kubo's default.
pub const FANOUT: u64 = 256;

/// Multicodec of murmur3-x64-64, the only hash UnixFS shards use.
pub const MURMUR3_X64_64: u64 = 0x22;

/// UnixFS type of a shard.
pub const HAMT_SHARD: u64 = 5;

/// How deep shards may nest: 8 rounds of 64 bits of hash. Distinct names
/// part long before; names that never do are a crafted collision.
const MAX_DEPTH: usize = 64;

/// The slot of `name` in a shard `depth` levels below the root.
pub fn slot(name: &str, depth: usize) -> u8 {
    let round = depth / 8;
    let hash = if round == 0 {
        murmur3_x64_64(name.as_bytes())
    } else {
        let mut salted = name.as_bytes().to_vec();
        // Rounds past 255 cannot happen: depth is bounded by MAX_DEPTH.
        salted.push(round as u8);
        murmur3_x64_64(&salted)
    };
    (hash >> (56 - 8 * (depth % 8))) as u8
}

fn murmur3_x64_64(bytes: &[u8]) -> u64 {
    let hash = murmur3::murmur3_x64_128(&mut &bytes[..], 0).expect("reading a slice cannot fail");
    // The first 64 bits of murmur3-x64-128 (`h1`) are its low half here.
    hash as u64
}

/// Builds the shard (and the shards under it) holding `entries`, sorted
/// by name and already imported, `depth` levels below the root; `path`
/// names the directory in errors.
pub fn build(
    entries: &[(&str, Node)],
    depth: usize,
    path: &str,
    blocks: &mut impl Blocks,
) -> Result<Node, ImportError> {
    if depth >= MAX_DEPTH {
        return Err(ImportError::Collision {
            path: path.to_string(),
        });
    }
    let mut slots: BTreeMap<u8, Vec<(&str, Node)>> = BTreeMap::new();
    for &(name, node) in entries {
        slots
            .entry(slot(name, depth))
            .or_default()
            .push((name, node));
    }
    let mut occupied = [0u8; (FANOUT / 8) as usize];
    let mut links = Vec::with_capacity(slots.len());
    for (index, group) in slots {
        occupied[occupied.len() - 1 - usize::from(index / 8)] |= 1 << (index % 8);
        links.push(match group.as_slice() {
            [(name, node)] => (format!("{index:02X}{name}"), *node),
            _ => (
                format!("{index:02X}"),
                build(&group, depth + 1, path, blocks)?,
            ),
        });
    }
    let first = occupied
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(occupied.len() - 1);
    let mut data = Vec::new();
    unixfs::field_varint(&mut data, 1, HAMT_SHARD);
    unixfs::field_bytes(&mut data, 2, &occupied[first..]);
    unixfs::field_varint(&mut data, 5, MURMUR3_X64_64);
    unixfs::field_varint(&mut data, 6, FANOUT);
    let links: Vec<(&str, &Node)> = links.iter().map(|(n, node)| (n.as_str(), node)).collect();
    unixfs::directory_node(&links, &data, blocks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::dag::pb_node;

    #[test]
    fn slots_are_the_top_bytes_of_murmur3_x64_64() {
        // murmur3-x64-128("hello", 0) is cbd8a7b341bd9b02 5b1e906a48ae1d19
        // (the reference importer's hash, printed by Node).
        assert_eq!(murmur3_x64_64(b"hello"), 0xcbd8_a7b3_41bd_9b02);
        assert_eq!(slot("hello", 0), 0xcb);
        assert_eq!(slot("hello", 1), 0xd8);
        assert_eq!(slot("hello", 7), 0x02);
        // A second round hashes the name with the round appended.
        assert_eq!(slot("hello", 8), (murmur3_x64_64(b"hello\x01") >> 56) as u8);
    }

    #[test]
    fn names_sharing_a_slot_go_a_level_down() {
        // Find two names sharing a root slot.
        let mut by_slot: BTreeMap<u8, String> = BTreeMap::new();
        let (a, b) = (0..)
            .map(|i| format!("n{i}"))
            .find_map(|name| {
                let s = slot(&name, 0);
                match by_slot.get(&s) {
                    Some(other) => Some((other.clone(), name)),
                    None => {
                        by_slot.insert(s, name);
                        None
                    }
                }
            })
            .unwrap();
        let leaf = unixfs::file(&b"x"[..], "x", &mut unixfs::Discard).unwrap();
        let mut kept = unixfs::Kept::default();
        let root = build(&[(&a, leaf), (&b, leaf)], 0, "d", &mut kept).unwrap();
        let node = pb_node(kept.block(&root.cid)).unwrap();
        assert_eq!(node.links.len(), 1);
        assert_eq!(node.links[0].name, format!("{:02X}", slot(&a, 0)));
        let sub = pb_node(kept.block(&node.links[0].cid)).unwrap();
        // Past the slot's two hex digits, the entry's name.
        let names: Vec<&str> = sub.links.iter().map(|l| &l.name[2..]).collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&a.as_str()) && names.contains(&b.as_str()));
    }
}
