//! A node's identity: an Ed25519 key pair kept in a file (libp2p's
//! protobuf encoding), readable by its owner only.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use libp2p_identity::Keypair;

/// What went wrong with an identity file.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("cannot read the identity {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error(
        "{0} is not an identity (a libp2p Ed25519 key pair): {1}; make a new one with `ww keygen --output FILE`"
    )]
    Decode(PathBuf, String),
    #[error(
        "the identity {0} may be read by others (mode {1:o}): run `chmod 600 {0}`, or make a new one with `ww keygen`"
    )]
    Exposed(PathBuf, u32),
    #[error("cannot write the identity {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("{0} exists already: keep it, or pass --force to replace it")]
    Exists(PathBuf),
}

/// The identity in `path`, made (mode 0600) if there is none; and whether
/// it was made now.
pub fn load_or_create(path: &Path) -> Result<(Keypair, bool), IdentityError> {
    match std::fs::metadata(path) {
        Ok(_) => Ok((load(path)?, false)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((create(path, false)?, true)),
        Err(e) => Err(IdentityError::Read(path.to_path_buf(), e)),
    }
}

/// The identity in `path`, refused if others may read it.
pub fn load(path: &Path) -> Result<Keypair, IdentityError> {
    let read = |e| IdentityError::Read(path.to_path_buf(), e);
    let mode = std::fs::metadata(path).map_err(read)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(IdentityError::Exposed(path.to_path_buf(), mode));
    }
    let bytes = std::fs::read(path).map_err(read)?;
    Keypair::from_protobuf_encoding(&bytes)
        .map_err(|e| IdentityError::Decode(path.to_path_buf(), e.to_string()))
}

/// A new identity written to `path` (mode 0600, its directory made if
/// need be); an existing file is replaced only if `force`.
pub fn create(path: &Path, force: bool) -> Result<Keypair, IdentityError> {
    let write = |e| IdentityError::Write(path.to_path_buf(), e);
    if !force && path.exists() {
        return Err(IdentityError::Exists(path.to_path_buf()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(write)?;
    }
    let key = Keypair::generate_ed25519();
    let bytes = key
        .to_protobuf_encoding()
        .map_err(|e| IdentityError::Write(path.to_path_buf(), std::io::Error::other(e)))?;
    // Written whole: a crash never leaves half a key.
    crate::atomic::write(path, &bytes, 0o600).map_err(write)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_is_made_once_private_and_read_back() {
        let dir = std::env::temp_dir().join(format!("ww-identity-{}", std::process::id()));
        let path = dir.join("sub/identity");
        let (made, created) = load_or_create(&path).unwrap();
        assert!(created);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (again, created) = load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(made.public(), again.public());

        assert!(matches!(
            create(&path, false),
            Err(IdentityError::Exists(_))
        ));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("chmod 600"));
        std::fs::write(&path, b"not a key").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(matches!(load(&path), Err(IdentityError::Decode(..))));
        let fresh = create(&path, true).unwrap();
        assert_eq!(load(&path).unwrap().public(), fresh.public());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
