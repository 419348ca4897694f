//! Pins and garbage collection: what the store keeps is what its pins
//! reach.
//!
//! A collection first walks every pinned DAG (each block checked as it is
//! read), then removes the blocks nothing reached, and the written-out
//! trees of CIDs no longer pinned. If a pinned DAG cannot be walked (a
//! block missing or corrupt), nothing is removed: what it links to cannot
//! be known, and a collection must never lose what a pin still needs.

use std::collections::HashSet;

use ::cid::Cid;

use super::dag;
use super::unixfs::DAG_PB;
use super::{BlockStore, StoreError};

/// What a collection removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Collected {
    pub blocks: usize,
    pub bytes: u64,
    pub trees: usize,
}

impl BlockStore {
    /// Unpins `cid` (its blocks go at the next collection unless another
    /// pin reaches them).
    pub fn unpin(&self, cid: &Cid) -> Result<(), StoreError> {
        let path = self.root().join("pins").join(cid.to_string());
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StoreError::NotPinned(cid.to_string()))
            }
            Err(error) => Err(StoreError::Io {
                path: path.display().to_string(),
                error,
            }),
        }
    }

    /// Every block of the DAGs under `roots` (each once, parents before
    /// their children), each read and checked; `visit` is handed each.
    pub fn walk(
        &self,
        roots: Vec<Cid>,
        mut visit: impl FnMut(&Cid, &[u8]) -> Result<(), StoreError>,
    ) -> Result<HashSet<Cid>, StoreError> {
        let mut seen = HashSet::new();
        let mut todo = roots;
        todo.reverse();
        while let Some(cid) = todo.pop() {
            if !seen.insert(cid) {
                continue;
            }
            let block = self.get(&cid)?;
            visit(&cid, &block)?;
            if cid.codec() == DAG_PB {
                let node = dag::pb_node(&block).map_err(|e| StoreError::Invalid {
                    cid: cid.to_string(),
                    why: e.to_string(),
                })?;
                todo.extend(node.links.into_iter().rev().map(|l| l.cid));
            }
        }
        Ok(seen)
    }

    /// Removes what no pin reaches.
    pub fn collect_garbage(&self) -> Result<Collected, StoreError> {
        let keep = self.walk(self.pins()?, |_, _| Ok(()))?;
        let mut collected = Collected::default();
        let blocks = self.root().join("blocks");
        for entry in std::fs::read_dir(&blocks).map_err(|error| StoreError::Io {
            path: blocks.display().to_string(),
            error,
        })? {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name();
            let keep_it = name
                .to_str()
                .and_then(|n| n.parse::<Cid>().ok())
                .is_some_and(|cid| keep.contains(&cid));
            if !keep_it {
                let size = entry.metadata().map_or(0, |m| m.len());
                if std::fs::remove_file(entry.path()).is_ok() {
                    collected.blocks += 1;
                    collected.bytes += size;
                }
            }
        }
        let pinned: HashSet<String> = self.pins()?.iter().map(Cid::to_string).collect();
        let trees = self.root().join("trees");
        if let Ok(entries) = std::fs::read_dir(&trees) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !pinned.contains(&name) && std::fs::remove_dir_all(entry.path()).is_ok() {
                    collected.trees += 1;
                }
            }
        }
        Ok(collected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collection_keeps_what_pins_reach_and_nothing_else() {
        let root = std::env::temp_dir().join(format!("ww-gc-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let (a, b) = (root.join("a"), root.join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("shared"), b"in both\n").unwrap();
        std::fs::write(b.join("shared"), b"in both\n").unwrap();
        std::fs::write(b.join("only-b"), vec![9u8; 300_000]).unwrap();
        let store = BlockStore::open(&root.join("store")).unwrap();
        let a = store.import(&a).unwrap().cid;
        let b = store.import(&b).unwrap().cid;
        store.tree(&b).unwrap();
        assert_eq!(store.collect_garbage().unwrap(), Collected::default());

        store.unpin(&b).unwrap();
        let collected = store.collect_garbage().unwrap();
        // b's root, only-b's node and its two leaves; the shared leaf stays.
        assert_eq!((collected.blocks, collected.trees), (4, 1));
        assert!(collected.bytes > 300_000);
        assert!(store.tree(&a).is_ok(), "a is whole");
        assert!(matches!(store.unpin(&b), Err(StoreError::NotPinned(_))));

        // A pinned DAG with a block missing stops the collection.
        store.pin(&b).unwrap();
        let err = store.collect_garbage().unwrap_err();
        assert!(err.to_string().contains("is not in the store"), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
