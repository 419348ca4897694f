//! A node's image: layers of files merged into one read-only tree, later
//! layers winning. The first layer is the embedded default (the status
//! cell and its init script); the others are directories on the host.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::store::unixfs::hidden;

/// The embedded default layer: path in the image, and contents. The
/// standard cells are in `bin/` (so an image of init scripts alone can
/// serve them), and the status cell is served at `/status`.
fn default_layer() -> BTreeMap<String, &'static [u8]> {
    let mut layer: BTreeMap<String, &'static [u8]> = crate::std_cells::ALL
        .iter()
        .map(|(name, wasm)| (format!("bin/{name}.wasm"), *wasm))
        .collect();
    layer.insert(
        "etc/init.d/05-status.glia".to_string(),
        include_bytes!("../../../../stdlib/image/etc/init.d/05-status.glia").as_slice(),
    );
    layer
}

/// The directory of an image layer as given to `ww run`: a directory on
/// the host as it is, or `/ipfs/<CID>`, the tree of that CID in `store`
/// (fetched from `network`'s peers first if the store lacks any of it,
/// then pinned), written out there once.
pub async fn layer(
    given: &Path,
    store: &crate::store::BlockStore,
    network: &crate::p2p::Network,
) -> Result<PathBuf, String> {
    let Some(cid) = given.to_str().and_then(|g| g.strip_prefix("/ipfs/")) else {
        return Ok(given.to_path_buf());
    };
    let cid: ::cid::Cid = cid
        .trim_end_matches('/')
        .parse()
        .map_err(|e| format!("{}: not a CID ({e})", given.display()))?;
    let shown = |e: &dyn std::fmt::Display| format!("{}: {e}", given.display());
    // A tree written out already (or a DAG the store holds whole) needs no
    // peer: only a missing block sends the node to the network, so a
    // local image boots without a DHT query or a second walk of its DAG.
    use crate::store::{ExportError, StoreError};
    let tree = match store.tree(&cid) {
        Err(ExportError::Store(StoreError::Missing(_))) => {
            eprintln!("ww: fetching {} from peers", given.display());
            let started = std::time::Instant::now();
            let fetched = crate::store::exchange::fetch(network, store, &cid)
                .await
                .map_err(|e| shown(&e))?;
            eprintln!(
                "ww: fetched {} blocks ({}) of {} from peers in {:.2?}",
                fetched.blocks,
                bytesize::ByteSize::b(fetched.bytes),
                given.display(),
                started.elapsed()
            );
            store.tree(&cid)
        }
        other => other,
    }
    .map_err(|e| shown(&e))?;
    // Pinned once whole, so a collection keeps what the node runs.
    store.pin(&cid).map_err(|e| shown(&e))?;
    Ok(tree)
}

/// Where init scripts live in an image.
const INIT_D: &str = "etc/init.d";

#[derive(Debug)]
enum Layer {
    Embedded(BTreeMap<String, &'static [u8]>),
    /// A directory, canonical.
    Dir(PathBuf),
}

/// The merged layers.
#[derive(Debug)]
pub struct Image {
    layers: Vec<Layer>,
}

/// A path inside an image, checked: relative to its root (a leading `/` is
/// allowed), no `..`, not empty.
fn inside(path: &str) -> Result<PathBuf, String> {
    let mut out = PathBuf::new();
    for part in Path::new(path).components() {
        match part {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(p) => out.push(p),
            Component::ParentDir | Component::Prefix(_) => {
                return Err(format!(
                    "{path:?} leaves the image (no `..` in an image path)"
                ));
            }
        }
    }
    if out.as_os_str().is_empty() {
        return Err(format!("{path:?} names no file of the image"));
    }
    Ok(out)
}

impl Image {
    /// The default layer, then `dirs` in order.
    pub fn new(dirs: &[PathBuf]) -> Result<Image, String> {
        let mut layers = vec![Layer::Embedded(default_layer())];
        for dir in dirs {
            let canonical = dir
                .canonicalize()
                .map_err(|e| format!("the image layer {} cannot be read: {e}", dir.display()))?;
            if !canonical.is_dir() {
                return Err(format!(
                    "the image layer {} is not a directory",
                    dir.display()
                ));
            }
            // Every cell reads the image: the home holding the node's key
            // is never part of it.
            if crate::home::ww_home()
                .canonicalize()
                .is_ok_and(|home| home == canonical)
            {
                return Err(format!(
                    "the image layer {} is this node's home, which holds its private key: every cell could read it; make an image directory of what you want served (its bin/ and etc/, say) and run that",
                    dir.display()
                ));
            }
            layers.push(Layer::Dir(canonical));
        }
        Ok(Image { layers })
    }

    /// The file at `path`, from the last layer that has it. A directory
    /// layer's symbolic links may not lead out of it.
    pub fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.get(path)?
            .ok_or_else(|| format!("{path}: no such file in the image"))
    }

    /// As [`Image::read`], but a file no layer has is `None`, not an error.
    pub fn get(&self, path: &str) -> Result<Option<Vec<u8>>, String> {
        let rel = inside(path)?;
        for layer in self.layers.iter().rev() {
            match layer {
                Layer::Embedded(files) => {
                    if let Some(bytes) = rel.to_str().and_then(|p| files.get(p)) {
                        return Ok(Some(bytes.to_vec()));
                    }
                }
                Layer::Dir(_) if inside_hidden(&rel) => continue,
                Layer::Dir(root) => {
                    let Ok(real) = root.join(&rel).canonicalize() else {
                        continue;
                    };
                    if !real.starts_with(root) {
                        return Err(format!(
                            "{path:?} leads out of the image layer {}",
                            root.display()
                        ));
                    }
                    if real.is_file() {
                        return std::fs::read(&real)
                            .map(Some)
                            .map_err(|e| format!("{path}: {e}"));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Every file path of the merged image, in order.
    pub fn paths(&self) -> Vec<String> {
        let mut paths = std::collections::BTreeSet::new();
        for layer in &self.layers {
            match layer {
                Layer::Embedded(files) => paths.extend(files.keys().map(|p| p.to_string())),
                Layer::Dir(root) => walk(root, root, &mut paths),
            }
        }
        paths.into_iter().collect()
    }

    /// Writes the merged image into `dir` (made if missing): the tree the
    /// node's cells see as `/`, read-only. Host paths cannot be handed to
    /// WASI as an overlay, so the layers are flattened once, at boot.
    pub fn materialize(&self, dir: &Path) -> Result<(), String> {
        let failed = |path: &Path, e: std::io::Error| {
            format!("cannot write the image into {}: {e}", path.display())
        };
        std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
        for path in self.paths() {
            let target = dir.join(&path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| failed(parent, e))?;
            }
            std::fs::write(&target, self.read(&path)?).map_err(|e| failed(&target, e))?;
        }
        Ok(())
    }

    /// The init scripts (`etc/init.d/*.glia`) of every layer, a later
    /// layer's replacing an earlier one's of the same name, in name order.
    pub fn init_scripts(&self) -> Vec<String> {
        let mut names = std::collections::BTreeSet::new();
        for layer in &self.layers {
            match layer {
                Layer::Embedded(files) => names.extend(
                    files
                        .keys()
                        .filter_map(|p| p.strip_prefix(INIT_D)?.strip_prefix('/'))
                        .map(str::to_string),
                ),
                Layer::Dir(root) => {
                    if let Ok(entries) = std::fs::read_dir(root.join(INIT_D)) {
                        names.extend(
                            entries
                                .flatten()
                                .map(|e| e.file_name())
                                .filter(|n| !hidden(n))
                                .filter_map(|n| n.into_string().ok()),
                        );
                    }
                }
            }
        }
        names
            .into_iter()
            .filter(|n| n.ends_with(".glia"))
            .map(|n| format!("{INIT_D}/{n}"))
            .collect()
    }
}

/// Whether `rel` is, or is inside, a hidden entry. A directory layer
/// leaves those out, as `ww push` does, so that `ww run DIR` and `ww run
/// /ipfs/$(ww push DIR)` boot the same image: a cell project's `.target/`
/// and `.sdk/` are not part of it.
fn inside_hidden(rel: &Path) -> bool {
    rel.components().any(|c| hidden(c.as_os_str()))
}

/// The files under `dir` (following no symbolic link to a directory: a
/// linked file is read through [`Image::read`], which keeps it inside),
/// as paths relative to `root`.
fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if hidden(&entry.file_name()) {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(root, &path, out);
        } else if let Some(rel) = path.strip_prefix(root).ok().and_then(Path::to_str) {
            out.insert(rel.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_layers_win_and_paths_stay_inside() {
        let dir = std::env::temp_dir().join(format!("ww-image-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("etc/init.d")).unwrap();
        std::fs::write(dir.join("etc/init.d/05-status.glia"), "(+ 1 2)").unwrap();
        std::fs::write(dir.join("etc/init.d/10-more.glia"), "(+ 3 4)").unwrap();
        std::fs::write(dir.join("etc/init.d/README"), "not a script").unwrap();
        let image = Image::new(std::slice::from_ref(&dir)).unwrap();
        assert_eq!(
            image.init_scripts(),
            ["etc/init.d/05-status.glia", "etc/init.d/10-more.glia"]
        );
        assert_eq!(
            image.read("/etc/init.d/05-status.glia").unwrap(),
            b"(+ 1 2)"
        );
        assert_eq!(
            image.read("bin/status.wasm").unwrap(),
            crate::std_cells::STATUS
        );
        assert!(image.read("../x").unwrap_err().contains("leaves the image"));
        assert!(image.read("nope").unwrap_err().contains("no such file"));
        assert_eq!(image.get("boot/main.wasm"), Ok(None));
        let flat = dir.join("flat");
        image.materialize(&flat).unwrap();
        assert_eq!(
            std::fs::read(flat.join("etc/init.d/05-status.glia")).unwrap(),
            b"(+ 1 2)"
        );
        assert_eq!(
            std::fs::read(flat.join("bin/status.wasm")).unwrap(),
            crate::std_cells::STATUS
        );
        std::fs::remove_dir_all(&flat).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.join("escape")).unwrap();
        assert!(image.read("escape").unwrap_err().contains("leads out"));
        assert!(Image::new(&[dir.join("missing")]).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn hidden_entries_are_not_part_of_a_directory_layer() {
        let dir = std::env::temp_dir().join(format!("ww-image-hidden-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".target/release")).unwrap();
        std::fs::create_dir_all(dir.join("etc/init.d")).unwrap();
        std::fs::write(dir.join(".target/release/big"), "build output").unwrap();
        std::fs::write(dir.join(".env"), "SECRET=1").unwrap();
        std::fs::write(dir.join("etc/init.d/.10-draft.glia"), "(+ 1 2)").unwrap();
        std::fs::write(dir.join("data.txt"), "kept").unwrap();
        let image = Image::new(std::slice::from_ref(&dir)).unwrap();
        let paths = image.paths();
        assert!(paths.contains(&"data.txt".to_string()), "{paths:?}");
        assert!(
            !paths.iter().any(|p| p.contains("/.") || p.starts_with('.')),
            "{paths:?}"
        );
        assert_eq!(image.get(".env"), Ok(None));
        assert_eq!(image.get(".target/release/big"), Ok(None));
        assert_eq!(image.init_scripts(), ["etc/init.d/05-status.glia"]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
