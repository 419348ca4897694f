//! [`BlockStore`]: IPFS blocks as files, `blocks/<cid>`, under a directory
//! (`~/.ww/store`), and the roots pinned there, `pins/<cid>`.
//!
//! A block is written to a temporary file in the same directory, synced,
//! then renamed over its name: a crash leaves the block whole or absent,
//! never half written (a leftover temporary file is ignored and replaced).
//! Reading a block hashes it again: a block whose bytes do not match its
//! CID (a disk error, a hand edit) is an error, never returned.

use std::path::{Path, PathBuf};

use ::cid::Cid;

use super::unixfs::{self, Blocks};

/// What went wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store at {path} failed: {error}")]
    Io { path: String, error: std::io::Error },
    /// (CIDs as text: a `Cid` is large, and errors travel by value.)
    #[error("block {0} is not in the store")]
    Missing(String),
    #[error(
        "block {cid} in the store is corrupt: its bytes hash to {actual}; remove {path} and fetch it again"
    )]
    Corrupt {
        cid: String,
        actual: String,
        path: String,
    },
    #[error("{0} is not pinned")]
    NotPinned(String),
    #[error("block {cid} is not a valid node: {why}")]
    Invalid { cid: String, why: String },
    #[error("{0}")]
    Import(#[from] unixfs::ImportError),
}

/// Blocks and pins under one directory.
#[derive(Clone, Debug)]
pub struct BlockStore {
    root: PathBuf,
}

impl BlockStore {
    /// The store under `root`, made if missing (mode 0700: what a user
    /// imports is theirs).
    pub fn open(root: &Path) -> Result<BlockStore, StoreError> {
        for dir in [root.to_path_buf(), root.join("blocks"), root.join("pins")] {
            std::fs::create_dir_all(&dir).map_err(|error| io(&dir, error))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o700))
                .map_err(|error| io(root, error))?;
        }
        Ok(BlockStore {
            root: root.to_path_buf(),
        })
    }

    /// The directory the store lives in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn block_path(&self, cid: &Cid) -> PathBuf {
        self.root.join("blocks").join(cid.to_string())
    }

    /// Stores `block` as `cid` (the caller's CID for it, which is trusted:
    /// the importer computed it). A block already there is kept.
    pub fn put(&self, cid: &Cid, block: &[u8]) -> Result<(), StoreError> {
        let path = self.block_path(cid);
        if path.is_file() {
            return Ok(());
        }
        crate::atomic::write(&path, block, 0o666).map_err(|error| io(&path, error))
    }

    /// The block `cid`, checked against it.
    pub fn get(&self, cid: &Cid) -> Result<Vec<u8>, StoreError> {
        let path = self.block_path(cid);
        let block = match std::fs::read(&path) {
            Ok(block) => block,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Missing(cid.to_string()));
            }
            Err(error) => return Err(io(&path, error)),
        };
        let actual = unixfs::block_cid(cid.codec(), &block);
        if actual.hash() != cid.hash() {
            return Err(StoreError::Corrupt {
                cid: cid.to_string(),
                actual: actual.to_string(),
                path: path.display().to_string(),
            });
        }
        Ok(block)
    }

    /// Whether the store has the block `cid` (unchecked).
    pub fn has(&self, cid: &Cid) -> bool {
        self.block_path(cid).is_file()
    }

    /// Imports the file or directory at `path` and pins its root.
    pub fn import(&self, path: &Path) -> Result<unixfs::Node, StoreError> {
        let mut sink = Sink { store: self };
        let node = unixfs::path(path, &mut sink)?;
        self.pin(&node.cid)?;
        Ok(node)
    }

    /// Pins `cid`: garbage collection keeps it and what it links to.
    pub fn pin(&self, cid: &Cid) -> Result<(), StoreError> {
        let path = self.root.join("pins").join(cid.to_string());
        std::fs::write(&path, b"").map_err(|error| io(&path, error))
    }

    /// The pinned roots, sorted.
    pub fn pins(&self) -> Result<Vec<Cid>, StoreError> {
        let dir = self.root.join("pins");
        let mut pins = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|error| io(&dir, error))? {
            let entry = entry.map_err(|error| io(&dir, error))?;
            if let Some(cid) = entry
                .file_name()
                .to_str()
                .and_then(|name| name.parse::<Cid>().ok())
            {
                pins.push(cid);
            }
        }
        pins.sort_by_key(|c| c.to_string());
        Ok(pins)
    }
}

/// The store as the importer's sink.
struct Sink<'a> {
    store: &'a BlockStore,
}

impl Blocks for Sink<'_> {
    fn put(&mut self, cid: &Cid, block: &[u8]) -> std::io::Result<()> {
        self.store.put(cid, block).map_err(std::io::Error::other)
    }
}

fn io(path: &Path, error: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.display().to_string(),
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "ww-store-{tag}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_block_put_is_got_back_and_a_tampered_one_is_refused() {
        let root = temp("tamper");
        let store = BlockStore::open(&root).unwrap();
        let cid = unixfs::block_cid(unixfs::RAW, b"hello\n");
        assert!(matches!(store.get(&cid), Err(StoreError::Missing(_))));
        store.put(&cid, b"hello\n").unwrap();
        assert!(store.has(&cid));
        assert_eq!(store.get(&cid).unwrap(), b"hello\n");

        std::fs::write(root.join("blocks").join(cid.to_string()), b"HELLO\n").unwrap();
        let err = store.get(&cid).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("is corrupt"), "{err}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn an_import_stores_every_block_and_pins_the_root() {
        let root = temp("import");
        let image = root.join("image");
        std::fs::create_dir_all(image.join("bin")).unwrap();
        std::fs::write(image.join("bin/big"), vec![3u8; unixfs::CHUNK_SIZE + 10]).unwrap();
        std::fs::write(image.join("readme"), b"hi\n").unwrap();
        std::fs::write(image.join(".hidden"), b"left out, as Kubo does\n").unwrap();
        let store = BlockStore::open(&root.join("store")).unwrap();
        let node = store.import(&image).unwrap();
        assert_eq!(store.pins().unwrap(), vec![node.cid]);
        // The root, `bin`, `big`'s node and its two leaves, `readme`.
        let blocks = std::fs::read_dir(root.join("store/blocks"))
            .unwrap()
            .count();
        assert_eq!(blocks, 6);
        assert_eq!(
            node.cid,
            unixfs::path(&image, &mut unixfs::Discard).unwrap().cid,
            "the same CID with or without a store"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
