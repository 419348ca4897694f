//! The other end of `control.rs`: `ww shell` reaching a node's membrane,
//! through a local node's socket or by logging in over libp2p, and
//! grafting it for the capabilities to bind.

use capnp::capability::FromClientHook;
use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId, StreamProtocol};
use libp2p_identity::Keypair;
use tokio_util::compat::TokioAsyncReadCompatExt;

use super::login;
use crate::membrane::services;
use crate::p2p::Network;
use crate::schema::membrane_capnp::membrane;

/// A connection to a node's membrane. The connection runs as a task of
/// the `LocalSet` it was made in, while this is kept.
pub struct Attached {
    pub membrane: membrane::Client,
    /// For a remote node, the throwaway libp2p node the session dialled
    /// it from (the connection lives as long as it does).
    _network: Option<Network>,
}

impl std::fmt::Debug for Attached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attached")
            .field("remote", &self._network.is_some())
            .finish_non_exhaustive()
    }
}

/// Attaches to the local node serving its membrane on `socket` (its
/// state file's `socket`).
pub async fn local(socket: &std::path::Path) -> Result<Attached, String> {
    let stream = tokio::net::UnixStream::connect(socket)
        .await
        .map_err(|e| format!("cannot reach the node at {}: {e}", socket.display()))?;
    let cap = services::dial(stream.compat());
    Ok(Attached {
        membrane: membrane::Client::new(cap.hook),
        _network: None,
    })
}

/// Logs in to the node at `addr` (which ends in `/p2p/<peer id>`) with the
/// identity in the file `identity`, and attaches to it.
pub async fn remote(addr: &Multiaddr, identity: &std::path::Path) -> Result<Attached, String> {
    let Some(node) = peer_of(addr) else {
        return Err(format!(
            "{addr} does not say which node to log in to: end it with /p2p/<the node's peer id> (its `ww: peer id` line)"
        ));
    };
    let key = super::load_identity(identity).map_err(|e| e.to_string())?;
    let network = Network::start(Keypair::generate_ed25519(), &[])
        .await
        .map_err(|e| e.to_string())?;
    network
        .connect(node, vec![addr.clone()])
        .await
        .map_err(|e| format!("cannot reach {addr}: {e}"))?;
    let mut stream = network
        .open_stream(node, StreamProtocol::new(login::PROTOCOL))
        .await
        .map_err(|e| e.to_string())?;
    login::respond(&mut stream, &node, &key)
        .await
        .map_err(|e| e.to_string())?;
    let cap = services::dial(stream);
    Ok(Attached {
        membrane: membrane::Client::new(cap.hook),
        _network: Some(network),
    })
}

/// The capabilities `membrane` grants, by name.
pub async fn graft(
    membrane: &membrane::Client,
) -> Result<Vec<(String, capnp::capability::Client)>, String> {
    let failed = |e: capnp::Error| format!("the node did not hand over its capabilities: {e}");
    let response = membrane
        .graft_request()
        .send()
        .promise
        .await
        .map_err(failed)?;
    let exports = response
        .get()
        .and_then(|r| r.get_exports())
        .map_err(failed)?;
    let mut out = Vec::new();
    for export in exports {
        let name = export
            .get_name()
            .and_then(|n| Ok(n.to_string()?))
            .map_err(failed)?;
        let cap: capnp::capability::Client =
            export.get_cap().get_as_capability().map_err(failed)?;
        out.push((name, cap));
    }
    Ok(out)
}

/// The peer id `addr` ends with, if it does.
fn peer_of(addr: &Multiaddr) -> Option<PeerId> {
    match addr.iter().last() {
        Some(Protocol::P2p(peer)) => Some(peer),
        _ => None,
    }
}
