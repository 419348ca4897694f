//! Files written whole or not at all: to a temporary name beside the file
//! (this process's, so two processes never share one), synced, then
//! renamed (or linked) to its name. A crash leaves the old file or the new
//! one, never half.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path`, created with `mode` (less the umask).
pub fn write(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    settle(path, bytes, mode, |tmp| std::fs::rename(tmp, path))
}

/// Writes `bytes` to `path` if no file is there, created with `mode`
/// (less the umask); fails with `AlreadyExists` if one is. Of two
/// processes making the same file, one wins and the other can read what
/// it wrote.
pub fn create(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    // A link, unlike a rename, does not replace a file already there.
    settle(path, bytes, mode, |tmp| {
        std::fs::hard_link(tmp, path)?;
        std::fs::remove_file(tmp)
    })
}

/// Writes `bytes` to a temporary file beside `path`, synced, and hands it
/// to `place`; removes it if that fails.
fn settle(
    path: &Path,
    bytes: &[u8],
    mode: u32,
    place: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let tmp: PathBuf = path.with_extension(format!("tmp{}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        place(&tmp)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
