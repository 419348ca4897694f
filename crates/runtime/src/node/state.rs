//! The state file a running node leaves for `ww shell` to find it:
//! `~/.ww/run/<pid>.json`, beside `<pid>.sock`, the Unix socket it hands
//! its capabilities out on. The directory is 0700 and the file and socket
//! 0600, so only the node's user can attach; both go when the node stops.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What a node says of itself in its state file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub pid: u32,
    pub peer_id: String,
    /// The socket to attach through.
    pub socket: PathBuf,
    pub listen_addrs: Vec<String>,
    pub http: String,
    pub admin: Option<String>,
    /// When it started, in seconds since the Unix epoch.
    pub started: u64,
}

/// The socket a node of process `pid` serves in `dir`.
pub fn socket_path(dir: &Path, pid: u32) -> PathBuf {
    dir.join(format!("{pid}.sock"))
}

/// Makes `dir` (0700) if it is missing, and refuses one others can enter.
pub fn make_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let mode = std::fs::metadata(dir)?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(std::io::Error::other(format!(
            "{} can be entered by other users (mode {:o}): run `chmod 700 {}`",
            dir.display(),
            mode & 0o777,
            dir.display()
        )));
    }
    Ok(())
}

/// A written state file; dropping it removes the file and the socket.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    socket: PathBuf,
}

impl StateFile {
    /// Writes `state` to `dir/<pid>.json`, mode 0600 (written whole, then
    /// renamed into place, so a reader never sees half of it).
    pub fn write(dir: &Path, state: &State) -> std::io::Result<StateFile> {
        make_dir(dir)?;
        let path = dir.join(format!("{}.json", state.pid));
        let partial = dir.join(format!(".{}.json.partial", state.pid));
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&partial)?;
        file.write_all(&serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?)?;
        file.sync_all()?;
        std::fs::rename(&partial, &path)?;
        Ok(StateFile {
            path,
            socket: state.socket.clone(),
        })
    }
}

impl Drop for StateFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// The nodes running now whose state files are in `dir`, the newest
/// first. A state file whose socket no longer answers is a node that died
/// without cleaning up: it is removed, with its socket.
pub fn running(dir: &Path) -> Vec<State> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut nodes: Vec<State> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|path| {
            let state: State = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
            if std::os::unix::net::UnixStream::connect(&state.socket).is_ok() {
                Some(state)
            } else {
                let _ = std::fs::remove_file(&path);
                let _ = std::fs::remove_file(&state.socket);
                None
            }
        })
        .collect();
    nodes.sort_by(|a, b| b.started.cmp(&a.started).then(b.pid.cmp(&a.pid)));
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_node_is_found_and_a_dead_ones_files_are_removed() {
        let dir = std::env::temp_dir().join(format!("ww-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let state = |pid: u32, started| State {
            pid,
            peer_id: format!("peer-{pid}"),
            socket: socket_path(&dir, pid),
            listen_addrs: vec![],
            http: "127.0.0.1:2080".into(),
            admin: None,
            started,
        };
        let live = state(1, 10);
        let file = StateFile::write(&dir, &live).unwrap();
        let _listener = std::os::unix::net::UnixListener::bind(&live.socket).unwrap();
        let dead = state(2, 20);
        let dead_file = StateFile::write(&dir, &dead).unwrap();
        std::mem::forget(dead_file); // as a killed node leaves it
        std::fs::write(&dead.socket, "").unwrap();

        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("1.json")), 0o600);
        assert_eq!(running(&dir), std::slice::from_ref(&live));
        assert!(!dir.join("2.json").exists() && !dead.socket.exists());
        drop(file);
        assert!(!dir.join("1.json").exists() && !live.socket.exists());
        assert!(running(&dir).is_empty());

        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(
            make_dir(&dir)
                .unwrap_err()
                .to_string()
                .contains("chmod 700")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
