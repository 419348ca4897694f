//! The files around the open documents: the workspace's `.glia` files, the
//! module files `require` loads, and the embedded standard library,
//! written out so that an editor can open its definitions.

use std::path::{Path, PathBuf};

use lsp_types::Uri;

/// The workspace roots the client named, and the `.glia` files under them.
#[derive(Debug, Default)]
pub struct Workspace {
    pub roots: Vec<PathBuf>,
    /// The files found by the last walk; `None` until a walk, or after the
    /// client reported files changed.
    files: Option<Vec<PathBuf>>,
}

/// At most this many files are analysed for workspace-wide requests, and
/// this many directory entries looked at to find them, so that a client
/// opening a home directory as its root does not stall.
const MAX_FILES: usize = 2_000;
const MAX_ENTRIES: usize = 200_000;

/// Directories never searched for `.glia` files.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "target" | "node_modules")
}

impl Workspace {
    pub fn new(roots: Vec<PathBuf>) -> Workspace {
        Workspace { roots, files: None }
    }

    /// Forgets the files found, so the next request walks the roots again.
    pub fn forget_files(&mut self) {
        self.files = None;
    }

    /// The `.glia` files under the roots (walked once, then remembered).
    pub fn glia_files(&mut self) -> &[PathBuf] {
        if self.files.is_none() {
            self.files = Some(self.walk());
        }
        self.files.as_deref().unwrap_or_default()
    }

    fn walk(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for root in &self.roots {
            let walk = walkdir::WalkDir::new(root)
                .max_depth(16)
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !skipped(&e.file_name().to_string_lossy()));
            for entry in walk.take(MAX_ENTRIES).flatten() {
                if out.len() >= MAX_FILES {
                    break;
                }
                if entry.file_type().is_file()
                    && entry.path().extension().is_some_and(|e| e == "glia")
                {
                    out.push(entry.into_path());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Where the module file `path` (`my/cool_lib.glia`, as `require`
    /// asks for it) is: under a root, or under a directory above the file
    /// that requires it.
    pub fn module_file(&self, path: &str, from: Option<&Path>) -> Option<PathBuf> {
        let relative = Path::new(path);
        if relative.is_absolute() || relative.components().any(|c| c.as_os_str() == "..") {
            return None;
        }
        let above = from
            .and_then(Path::parent)
            .into_iter()
            .flat_map(Path::ancestors);
        self.roots
            .iter()
            .map(PathBuf::as_path)
            .chain(above)
            .map(|dir| dir.join(relative))
            .find(|candidate| candidate.is_file())
    }
}

pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

pub fn uri_of(path: &Path) -> Option<Uri> {
    url::Url::from_file_path(path).ok()?.as_str().parse().ok()
}

/// Writes the standard library's Glia sources under the user's cache
/// directory (once per version; rewritten if they differ) and returns it,
/// so that goto-definition into `glia.core` opens a real file.
pub fn extract_stdlib() -> Option<PathBuf> {
    // Hand-written rather than with the `dirs` crate: the XDG rule for one
    // directory is three lines.
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let dir = cache
        .join("ww")
        .join(format!("stdlib-{}", env!("CARGO_PKG_VERSION")));
    for (_, file, text) in glia_eval::stdlib_sources() {
        let path = dir.join(file);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            std::fs::create_dir_all(path.parent()?).ok()?;
            std::fs::write(&path, text).ok()?;
        }
    }
    Some(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_files_are_found_under_roots_and_above_the_requirer() {
        let dir = std::env::temp_dir().join(format!("glia-lsp-ws-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src/app")).unwrap();
        std::fs::create_dir_all(dir.join(".hidden")).unwrap();
        std::fs::write(dir.join("src/app/util.glia"), "(ns app.util)").unwrap();
        std::fs::write(dir.join("src/app/main.glia"), "(ns app.main)").unwrap();
        std::fs::write(dir.join(".hidden/x.glia"), "").unwrap();
        let mut ws = Workspace::new(vec![dir.clone()]);
        assert_eq!(ws.glia_files().len(), 2);
        let main = dir.join("src/app/main.glia");
        assert_eq!(
            ws.module_file("app/util.glia", Some(&main)),
            Some(dir.join("src/app/util.glia"))
        );
        assert_eq!(ws.module_file("../etc/passwd", Some(&main)), None);
        assert_eq!(ws.module_file("app/none.glia", Some(&main)), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
