//! The private files a node keeps in `~/.ww`: its identity, the MCP
//! token, and the directory running nodes announce themselves in. Each is
//! read as the node reads it, so what doctor accepts the node accepts.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use runtime::node::IdentityError;

use super::Finding;

pub fn check(identity: &Path) -> Vec<Finding> {
    vec![
        self::identity(identity),
        token(&runtime::home::mcp_token()),
        run_dir(&runtime::home::run_dir()),
    ]
}

fn identity(path: &Path) -> Finding {
    const WHAT: &str = "identity";
    let shown = path.display();
    if !path.exists() {
        return Finding::note(
            WHAT,
            format!("{shown} does not exist yet"),
            "`ww run` makes it at first boot; `ww keygen` makes it now",
        );
    }
    match runtime::node::load_identity(path) {
        Ok(key) => Finding::ok(
            WHAT,
            format!(
                "{shown} (mode {:o}), peer id {}",
                mode(path),
                key.public().to_peer_id()
            ),
        ),
        Err(IdentityError::Exposed(_, mode)) => Finding::problem(
            WHAT,
            format!("{shown} may be read by others (mode {mode:o}); a node refuses it"),
            format!("run `chmod 600 {shown}`"),
        ),
        Err(IdentityError::Decode(_, why)) => Finding::problem(
            WHAT,
            format!("{shown} is not a libp2p Ed25519 key pair: {why}"),
            "move it away and run `ww keygen`, or `ww keygen --force` to replace it",
        ),
        Err(e) => Finding::problem(WHAT, e.to_string(), format!("check the file {shown}")),
    }
}

fn token(path: &Path) -> Finding {
    const WHAT: &str = "MCP token";
    let shown = path.display();
    match crate::mcp::load_token(path) {
        Ok(Some(_)) => Finding::ok(WHAT, format!("{shown} (mode {:o})", mode(path))),
        Ok(None) => Finding::note(
            WHAT,
            format!("{shown} does not exist yet"),
            "`ww run` makes it at first boot, for /mcp on the admin plane",
        ),
        Err(why) if mode(path) & 0o077 != 0 => {
            Finding::problem(WHAT, why, format!("run `chmod 600 {shown}`"))
        }
        Err(why) => Finding::problem(
            WHAT,
            why,
            format!("remove {shown}; the next `ww run` makes a new one"),
        ),
    }
}

/// The permission bits of `path` (0 if it cannot be read).
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).map_or(0, |m| m.permissions().mode() & 0o777)
}

/// A run directory others can enter would let them attach to a node, so
/// a node refuses to start with one.
fn run_dir(dir: &Path) -> Finding {
    const WHAT: &str = "run directory";
    let shown = dir.display();
    match std::fs::metadata(dir) {
        Ok(meta) if meta.permissions().mode() & 0o077 != 0 => Finding::problem(
            WHAT,
            format!(
                "{shown} can be entered by other users (mode {:o}); a node refuses to start",
                meta.permissions().mode() & 0o777
            ),
            format!("run `chmod 700 {shown}`"),
        ),
        Ok(_) => Finding::ok(WHAT, format!("{shown} (mode 700)")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Finding::ok(WHAT, format!("{shown} is made at first boot"))
        }
        Err(e) => Finding::problem(
            WHAT,
            format!("cannot read {shown}: {e}"),
            format!("check the permissions of {shown}"),
        ),
    }
}
