//! Remote login (`ww shell MULTIADDR`): the challenge-response of
//! [`crate::p2p::challenge`] on the `/ww/0.1.0/login` stream, after which
//! the stream carries Cap'n Proto with the node's capabilities.
//!
//! The node accepts a key that verifies and is its own or listed in
//! `~/.ww/authorized_keys`. The client's libp2p key is a throwaway: the key
//! that logs in is only ever used to sign, so the same identity can log in
//! to the node it belongs to.

use std::collections::HashSet;
use std::path::Path;

use futures::{AsyncRead, AsyncWrite};
use libp2p_identity::{Keypair, PeerId};

use crate::p2p::challenge::{self, Answer};
pub use crate::p2p::challenge::{LoginError, TIMEOUT};

/// The login protocol.
pub const PROTOCOL: &str = "/ww/0.1.0/login";

/// The peer ids a node lets log in besides its own.
#[derive(Clone, Debug, Default)]
pub struct AuthorizedKeys(HashSet<PeerId>);

impl AuthorizedKeys {
    /// Parses an `authorized_keys` file: a peer id (`12D3KooW...`) per
    /// line, anything after it ignored; blank lines and `#` comments
    /// skipped. A missing file authorises nobody.
    pub fn load(path: &Path) -> Result<AuthorizedKeys, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        AuthorizedKeys::parse(&text).map_err(|e| format!("{}:{e}", path.display()))
    }

    fn parse(text: &str) -> Result<AuthorizedKeys, String> {
        let mut ids = HashSet::new();
        for (n, line) in text.lines().enumerate() {
            let Some(word) = line.split_whitespace().next() else {
                continue;
            };
            if word.starts_with('#') {
                continue;
            }
            let id: PeerId = word.parse().map_err(|e| {
                format!(
                    "{}: {word:?} is not a peer id ({e}); `ww keygen` prints one",
                    n + 1
                )
            })?;
            ids.insert(id);
        }
        Ok(AuthorizedKeys(ids))
    }

    pub fn contains(&self, id: &PeerId) -> bool {
        self.0.contains(id)
    }
}

/// What the client signs for `node`'s challenge `nonce`.
fn signed(node: &PeerId, nonce: &[u8]) -> Vec<u8> {
    let mut message = b"ww login v1\n".to_vec();
    message.extend(node.to_bytes());
    message.extend(nonce);
    message
}

/// The node's side: challenges the client on `stream` and tells it the
/// outcome. Returns who logged in; a refusal has been sent to the client
/// when this returns [`LoginError::Refused`].
pub async fn challenge<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    node: &PeerId,
    authorized: &AuthorizedKeys,
) -> Result<PeerId, LoginError> {
    challenge::challenge(
        stream,
        |key, nonce, signature| key.verify(&signed(node, nonce), signature),
        |id| {
            if id == node || authorized.contains(id) {
                Ok(())
            } else {
                Err(format!(
                    "{id} is not authorised: add it to ~/.ww/authorized_keys on the node"
                ))
            }
        },
    )
    .await
}

/// The client's side: answers `node`'s challenge on `stream` with `key`.
pub async fn respond<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    node: &PeerId,
    key: &Keypair,
) -> Result<(), LoginError> {
    challenge::respond(stream, async |nonce| {
        Ok(Answer {
            key: key.public().encode_protobuf(),
            signature: key.sign(&signed(node, &nonce)).map_err(|e| e.to_string())?,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::p2p::challenge::{NONCE, read_frame, write_frame};
    use tokio_util::compat::TokioAsyncReadCompatExt;

    /// Runs a login of `client` to `node` over an in-memory pipe: what each
    /// side concluded.
    async fn login(
        node: &Keypair,
        client: &Keypair,
        authorized: &AuthorizedKeys,
    ) -> (Result<PeerId, String>, Result<(), String>) {
        let (a, b) = tokio::io::duplex(4096);
        let (mut a, mut b) = (a.compat(), b.compat());
        let id = node.public().to_peer_id();
        let (n, c) = tokio::join!(
            challenge(&mut a, &id, authorized),
            respond(&mut b, &id, client)
        );
        (n.map_err(|e| e.to_string()), c.map_err(|e| e.to_string()))
    }

    #[tokio::test]
    async fn the_nodes_own_key_and_listed_keys_log_in_and_others_do_not() {
        let node = Keypair::generate_ed25519();
        let friend = Keypair::generate_ed25519();
        let stranger = Keypair::generate_ed25519();
        let listed = AuthorizedKeys::parse(&format!(
            "# who may log in\n\n{} laptop\n",
            friend.public().to_peer_id()
        ))
        .unwrap();

        let (n, c) = login(&node, &node, &AuthorizedKeys::default()).await;
        assert_eq!(n.unwrap(), node.public().to_peer_id());
        c.unwrap();
        let (n, c) = login(&node, &friend, &listed).await;
        assert_eq!(n.unwrap(), friend.public().to_peer_id());
        c.unwrap();
        let (n, c) = login(&node, &stranger, &listed).await;
        assert!(n.unwrap_err().contains("not authorised"));
        assert!(c.unwrap_err().contains("add it to ~/.ww/authorized_keys"));
    }

    #[tokio::test]
    async fn a_signature_for_another_node_or_challenge_is_refused() {
        let node = Keypair::generate_ed25519();
        let id = node.public().to_peer_id();
        let (a, b) = tokio::io::duplex(4096);
        let (mut a, mut b) = (a.compat(), b.compat());
        let nobody = AuthorizedKeys::default();
        let forger = async {
            let _nonce = read_frame(&mut b).await.unwrap();
            // Signed for a nonce of its choosing, as a replay would be.
            let old = node.sign(&signed(&id, &[7; NONCE])).unwrap();
            write_frame(&mut b, &node.public().encode_protobuf())
                .await
                .unwrap();
            write_frame(&mut b, &old).await.unwrap();
        };
        let (verdict, ()) = tokio::join!(challenge(&mut a, &id, &nobody), forger);
        assert!(verdict.unwrap_err().to_string().contains("does not verify"));
    }

    #[test]
    fn a_bad_authorized_keys_line_is_named() {
        let err = AuthorizedKeys::parse("\nnot-a-peer-id\n").unwrap_err();
        assert!(
            err.starts_with("2: \"not-a-peer-id\" is not a peer id"),
            "{err}"
        );
    }
}
