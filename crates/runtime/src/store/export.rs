//! A UnixFS DAG of the store written out as files: how an image named by
//! its CID (`ww run /ipfs/CID`) becomes a directory layer.
//!
//! Every block is checked against its CID as it is read (see
//! [`BlockStore::get`]). The DAG may come from anyone, so nothing in it is
//! trusted: a link's name must be one path component (no `/`, `.` or
//! `..`, not empty) and appear once in its directory, depth is bounded, a file's leaves must add up to the
//! size its node states, and the tree is written under a temporary name
//! and renamed into place whole, so a failed export leaves nothing behind.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use ::cid::Cid;

use super::dag::{self, Kind};
use super::hamt;
use super::unixfs::{DAG_PB, RAW};
use super::{BlockStore, StoreError};

/// The deepest a DAG may nest (directories within directories, or file
/// nodes within file nodes).
const MAX_DEPTH: usize = 256;

/// What went wrong writing a DAG out.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{cid} at {path}: {why}")]
    Invalid {
        cid: String,
        path: String,
        why: String,
    },
    #[error("cannot write {path}: {error}")]
    Write { path: String, error: std::io::Error },
}

fn invalid(cid: &Cid, path: &Path, why: impl Into<String>) -> ExportError {
    ExportError::Invalid {
        cid: cid.to_string(),
        path: path.display().to_string(),
        why: why.into(),
    }
}

fn write_error(path: &Path, error: std::io::Error) -> ExportError {
    ExportError::Write {
        path: path.display().to_string(),
        error,
    }
}

impl BlockStore {
    /// The tree of `cid` as a directory of files, `trees/<cid>` under the
    /// store, written once (the CID fixes its contents) and kept.
    pub fn tree(&self, cid: &Cid) -> Result<PathBuf, ExportError> {
        let trees = self.root().join("trees");
        let dest = trees.join(cid.to_string());
        if dest.exists() {
            return Ok(dest);
        }
        std::fs::create_dir_all(&trees).map_err(|e| write_error(&trees, e))?;
        let tmp = trees.join(format!(".{cid}.tmp{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let written = self
            .export(cid, &tmp, 0)
            .and_then(|()| std::fs::rename(&tmp, &dest).map_err(|e| write_error(&dest, e)));
        if written.is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
            let _ = std::fs::remove_file(&tmp);
        }
        written.map(|()| dest)
    }

    fn export(&self, cid: &Cid, dest: &Path, depth: usize) -> Result<(), ExportError> {
        if depth > MAX_DEPTH {
            return Err(invalid(
                cid,
                dest,
                format!("nested deeper than {MAX_DEPTH}"),
            ));
        }
        let block = self.get(cid)?;
        match cid.codec() {
            RAW => std::fs::write(dest, &block).map_err(|e| write_error(dest, e)),
            DAG_PB => {
                let node = dag::pb_node(&block).map_err(|e| invalid(cid, dest, e.to_string()))?;
                let data =
                    dag::unixfs(&node.data).map_err(|e| invalid(cid, dest, e.to_string()))?;
                match data.kind {
                    Kind::Directory => {
                        std::fs::create_dir(dest).map_err(|e| write_error(dest, e))?;
                        let mut seen = HashSet::new();
                        for link in &node.links {
                            self.export_entry(cid, dest, &link.name, &link.cid, &mut seen, depth)?;
                        }
                        Ok(())
                    }
                    Kind::HamtShard => {
                        std::fs::create_dir(dest).map_err(|e| write_error(dest, e))?;
                        self.export_shard(cid, &node, &data, dest, &mut HashSet::new(), depth)
                    }
                    Kind::File | Kind::Raw => {
                        // A new file, never one there already: a DAG naming
                        // an entry twice must not write through a symbolic
                        // link it made first.
                        let mut file = std::fs::File::options()
                            .write(true)
                            .create_new(true)
                            .open(dest)
                            .map_err(|e| write_error(dest, e))?;
                        let written = self.write_file(cid, &node, &data, &mut file, dest, depth)?;
                        if data.file_size.is_some_and(|size| size != written) {
                            return Err(invalid(
                                cid,
                                dest,
                                format!(
                                    "its leaves hold {written} bytes, not the {:?} it states",
                                    data.file_size
                                ),
                            ));
                        }
                        file.sync_all().map_err(|e| write_error(dest, e))
                    }
                    Kind::Symlink => {
                        let target = String::from_utf8(data.data)
                            .map_err(|_| invalid(cid, dest, "a link target that is not UTF-8"))?;
                        std::os::unix::fs::symlink(&target, dest).map_err(|e| write_error(dest, e))
                    }
                    Kind::Metadata => Err(invalid(cid, dest, "a UnixFS metadata node")),
                }
            }
            codec => Err(invalid(
                cid,
                dest,
                format!("codec {codec:#x} is neither raw nor dag-pb"),
            )),
        }
    }

    /// Writes the directory entry `name` (linking `target`) of the
    /// directory or shard `cid` under `dest`; `seen` holds the names
    /// written there already.
    fn export_entry(
        &self,
        cid: &Cid,
        dest: &Path,
        name: &str,
        target: &Cid,
        seen: &mut HashSet<String>,
        depth: usize,
    ) -> Result<(), ExportError> {
        check_name(cid, dest, name)?;
        if !seen.insert(name.to_string()) {
            return Err(invalid(
                cid,
                dest,
                format!("the entry name {name:?} appears twice"),
            ));
        }
        self.export(target, &dest.join(name), depth + 1)
    }

    /// Writes the entries of the shard `node` (and of the shards under
    /// it) into the directory `dest`.
    fn export_shard(
        &self,
        cid: &Cid,
        node: &dag::PbNode,
        data: &dag::UnixFs,
        dest: &Path,
        seen: &mut HashSet<String>,
        depth: usize,
    ) -> Result<(), ExportError> {
        if depth > MAX_DEPTH {
            return Err(invalid(
                cid,
                dest,
                format!("nested deeper than {MAX_DEPTH}"),
            ));
        }
        if data.hash_type != Some(hamt::MURMUR3_X64_64) {
            return Err(invalid(
                cid,
                dest,
                format!(
                    "a shard hashed with {:?}, not murmur3-x64-64 (0x22)",
                    data.hash_type
                ),
            ));
        }
        // Every link starts with its slot in hex, as many digits as the
        // last slot takes.
        let prefix = match data.fanout {
            Some(f) if f.is_power_of_two() && (2..=1 << 16).contains(&f) => {
                format!("{:X}", f - 1).len()
            }
            f => return Err(invalid(cid, dest, format!("a shard of fanout {f:?}"))),
        };
        for link in &node.links {
            let name = link.name.as_bytes();
            if name.len() < prefix || !name[..prefix].iter().all(u8::is_ascii_hexdigit) {
                return Err(invalid(
                    cid,
                    dest,
                    format!(
                        "the shard link {:?} does not start with its slot",
                        link.name
                    ),
                ));
            }
            if name.len() > prefix {
                let entry = &link.name[prefix..];
                self.export_entry(cid, dest, entry, &link.cid, seen, depth)?;
                continue;
            }
            let block = self.get(&link.cid)?;
            let child =
                dag::pb_node(&block).map_err(|e| invalid(&link.cid, dest, e.to_string()))?;
            let child_data =
                dag::unixfs(&child.data).map_err(|e| invalid(&link.cid, dest, e.to_string()))?;
            if child_data.kind != Kind::HamtShard {
                return Err(invalid(
                    &link.cid,
                    dest,
                    "a shard links a non-shard by slot",
                ));
            }
            self.export_shard(&link.cid, &child, &child_data, dest, seen, depth + 1)?;
        }
        Ok(())
    }

    /// Writes the bytes of the file node `node` (its own data, then its
    /// links in order) to `out`; how many.
    fn write_file(
        &self,
        cid: &Cid,
        node: &dag::PbNode,
        data: &dag::UnixFs,
        out: &mut std::fs::File,
        dest: &Path,
        depth: usize,
    ) -> Result<u64, ExportError> {
        if depth > MAX_DEPTH {
            return Err(invalid(
                cid,
                dest,
                format!("nested deeper than {MAX_DEPTH}"),
            ));
        }
        out.write_all(&data.data)
            .map_err(|e| write_error(dest, e))?;
        let mut written = data.data.len() as u64;
        for link in &node.links {
            let block = self.get(&link.cid)?;
            written += match link.cid.codec() {
                RAW => {
                    out.write_all(&block).map_err(|e| write_error(dest, e))?;
                    block.len() as u64
                }
                DAG_PB => {
                    let child = dag::pb_node(&block)
                        .map_err(|e| invalid(&link.cid, dest, e.to_string()))?;
                    let child_data = dag::unixfs(&child.data)
                        .map_err(|e| invalid(&link.cid, dest, e.to_string()))?;
                    if !matches!(child_data.kind, Kind::File | Kind::Raw) {
                        return Err(invalid(&link.cid, dest, "a file links to a non-file"));
                    }
                    self.write_file(&link.cid, &child, &child_data, out, dest, depth + 1)?
                }
                codec => {
                    return Err(invalid(
                        &link.cid,
                        dest,
                        format!("codec {codec:#x} in a file"),
                    ));
                }
            };
        }
        Ok(written)
    }
}

/// A link name must be one path component.
fn check_name(cid: &Cid, dest: &Path, name: &str) -> Result<(), ExportError> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        return Err(invalid(
            cid,
            dest,
            format!("the entry name {name:?} is not a single path component"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::unixfs;

    fn temp(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ww-export-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Every file under `dir` (relative path, contents), sorted.
    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(dir).unwrap().display().to_string();
                    out.push((rel, std::fs::read(&p).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn an_imported_tree_comes_back_as_it_was() {
        let root = temp("roundtrip");
        let image = root.join("image");
        std::fs::create_dir_all(image.join("a/b")).unwrap();
        std::fs::create_dir_all(image.join("empty")).unwrap();
        std::fs::write(
            image.join("a/b/big"),
            (0..unixfs::CHUNK_SIZE * 3 + 7)
                .map(|i| i as u8)
                .collect::<Vec<_>>(),
        )
        .unwrap();
        std::fs::write(image.join("a/small"), b"small\n").unwrap();
        std::fs::write(image.join("zero"), b"").unwrap();
        std::os::unix::fs::symlink("a/small", image.join("link")).unwrap();
        let store = BlockStore::open(&root.join("store")).unwrap();
        let cid = store.import(&image).unwrap().cid;
        let tree = store.tree(&cid).unwrap();
        assert_eq!(files(&tree), files(&image));
        assert!(tree.join("empty").is_dir());
        assert_eq!(
            std::fs::read_link(tree.join("link")).unwrap(),
            Path::new("a/small")
        );
        // Written once: asked again, the same directory.
        assert_eq!(store.tree(&cid).unwrap(), tree);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_missing_or_tampered_block_fails_the_export_and_leaves_nothing() {
        let root = temp("tamper");
        let image = root.join("image");
        std::fs::create_dir_all(&image).unwrap();
        std::fs::write(image.join("f"), b"the file\n").unwrap();
        let store = BlockStore::open(&root.join("store")).unwrap();
        let cid = store.import(&image).unwrap().cid;
        let leaf = unixfs::block_cid(unixfs::RAW, b"the file\n");
        let leaf_path = root.join("store/blocks").join(leaf.to_string());
        std::fs::write(&leaf_path, b"THE FILE\n").unwrap();
        let err = store.tree(&cid).unwrap_err();
        assert!(err.to_string().contains("is corrupt"), "{err}");
        std::fs::remove_file(&leaf_path).unwrap();
        let err = store.tree(&cid).unwrap_err();
        assert!(err.to_string().contains("is not in the store"), "{err}");
        assert_eq!(
            std::fs::read_dir(root.join("store/trees")).unwrap().count(),
            0
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_sharded_directory_comes_back_as_it_was() {
        let root = temp("shard");
        let image = root.join("image");
        std::fs::create_dir_all(image.join("sub")).unwrap();
        // 1200 links of a 200-byte name and a 36-byte CID: past 256 KiB.
        for i in 0..1200 {
            let name = format!("{i:0>200}");
            std::fs::write(image.join(&name), format!("{i}\n")).unwrap();
        }
        std::fs::write(image.join("sub/inside"), b"inside\n").unwrap();
        let store = BlockStore::open(&root.join("store")).unwrap();
        let cid = store.import(&image).unwrap().cid;
        let top = dag::pb_node(&store.get(&cid).unwrap()).unwrap();
        assert_eq!(dag::unixfs(&top.data).unwrap().kind, Kind::HamtShard);
        let tree = store.tree(&cid).unwrap();
        assert_eq!(files(&tree), files(&image));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_entry_named_twice_is_refused_and_nothing_is_written_through_it() {
        let root = temp("twice");
        let outside = root.join("outside");
        let src = root.join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::os::unix::fs::symlink(&outside, src.join("link")).unwrap();
        std::fs::write(src.join("file"), b"escaped\n").unwrap();
        let store = BlockStore::open(&root.join("store")).unwrap();
        let link = store.import(&src.join("link")).unwrap();
        let file = store.import(&src.join("file")).unwrap();
        // A directory naming `x` twice: a link out, then a file.
        let mut data = Vec::new();
        unixfs::field_varint(&mut data, 1, 1);
        let mut kept = unixfs::Kept::default();
        let dir = unixfs::directory_node(&[("x", &link), ("x", &file)], &data, &mut kept).unwrap();
        store.put(&dir.cid, kept.block(&dir.cid)).unwrap();
        let err = store.tree(&dir.cid).unwrap_err();
        assert!(err.to_string().contains("\"x\" appears twice"), "{err}");
        assert!(!outside.exists(), "written through the link");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_link_named_to_climb_out_is_refused() {
        let root = temp("climb");
        let store = BlockStore::open(&root.join("store")).unwrap();
        let leaf = unixfs::block_cid(unixfs::RAW, b"x");
        store.put(&leaf, b"x").unwrap();
        // A directory node linking `..` by hand.
        let mut link = Vec::new();
        link.extend([0x0a, leaf.to_bytes().len() as u8]);
        link.extend(leaf.to_bytes());
        link.extend([0x12, 2, b'.', b'.', 0x18, 1]);
        let mut block = vec![0x12, link.len() as u8];
        block.extend(&link);
        block.extend([0x0a, 2, 0x08, 1]);
        let dir = unixfs::block_cid(unixfs::DAG_PB, &block);
        store.put(&dir, &block).unwrap();
        let err = store.tree(&dir).unwrap_err();
        assert!(
            err.to_string().contains("not a single path component"),
            "{err}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
