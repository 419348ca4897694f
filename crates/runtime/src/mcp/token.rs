//! The bearer token that guards a node's MCP endpoint: `~/.ww/mcp-token`,
//! readable by its owner only. A client sends it as
//! `Authorization: Bearer <token>`. It is made once and kept, so a client
//! set up with it goes on working across restarts. Remove the file and
//! restart the node for a new one.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rand::RngCore;

/// The token in `path`, made (32 random bytes, in hex; mode 0600) if there
/// is none. Refused as [`load`] refuses it.
pub fn load_or_create(path: &Path) -> Result<String, String> {
    if let Some(token) = load(path)? {
        return Ok(token);
    }
    let shown = path.display();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    match runtime::atomic::create(path, format!("{token}\n").as_bytes(), 0o600) {
        Ok(()) => Ok(token),
        // Another node made it first: its token is the one.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            load(path)?.ok_or_else(|| format!("the MCP token {shown} vanished as it was made"))
        }
        Err(e) => Err(format!("cannot write the MCP token {shown}: {e}")),
    }
}

/// The token in `path`, or `None` if there is none yet. Refused if others
/// may read it, or if it is not one line of printable characters.
pub fn load(path: &Path) -> Result<Option<String>, String> {
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(meta) => {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(format!(
                    "the MCP token {shown} may be read by others (mode {mode:o}): run `chmod 600 {shown}`, or remove it for a new one"
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read the MCP token {shown}: {e}")),
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the MCP token {shown}: {e}"))?;
    let token = text.trim();
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!(
            "the MCP token {shown} is not one word of printable characters: remove it for a new one"
        ));
    }
    Ok(Some(token.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("ww-token-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_token_is_made_once_private_and_then_kept() {
        let dir = dir("made");
        let path = dir.join("mcp-token");
        let token = load_or_create(&path).unwrap();
        assert_eq!(token.len(), 64);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(load_or_create(&path).unwrap(), token);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_exposed_or_garbled_token_is_refused_with_the_fix() {
        let dir = dir("refused");
        let path = dir.join("mcp-token");
        load_or_create(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = load_or_create(&path).unwrap_err();
        assert!(e.contains("chmod 600"), "{e}");
        std::fs::write(&path, "two words\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let e = load_or_create(&path).unwrap_err();
        assert!(e.contains("remove it"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
