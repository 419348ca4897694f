//! `~/.ww`: where a user's node keeps its identity, its compiled-cell
//! cache, the shell's history, the keys it lets log in, and the state
//! files of the nodes that run.

use std::path::PathBuf;

/// `$HOME/.ww`, or `./.ww` when `HOME` is not set (a service with no home
/// still gets a place of its own, in its working directory).
pub fn ww_home() -> PathBuf {
    std::env::var_os("HOME")
        .map_or_else(|| PathBuf::from("."), PathBuf::from)
        .join(".ww")
}

/// `~/.ww/identity`: the node's key pair.
pub fn identity() -> PathBuf {
    ww_home().join("identity")
}

/// `~/.ww/authorized_keys`: the peer ids that may log in to this node
/// besides its own.
pub fn authorized_keys() -> PathBuf {
    ww_home().join("authorized_keys")
}

/// `~/.ww/run`: the state files of the nodes running now.
pub fn run_dir() -> PathBuf {
    ww_home().join("run")
}

/// `~/.ww/store`: the content store's blocks and pins.
pub fn store() -> PathBuf {
    ww_home().join("store")
}

/// `~/.ww/mcp-token`: the bearer token a node's MCP endpoint wants.
pub fn mcp_token() -> PathBuf {
    ww_home().join("mcp-token")
}
