//! [`LazyNetwork`]: a node started when it is first needed.

use std::sync::Arc;

use libp2p::Multiaddr;
use libp2p::identity::Keypair;
use tokio::sync::OnceCell;

use super::{Network, NetworkError};

/// A [`Network`] that already runs, or one that starts on first use: an
/// evaluation that never touches the network binds no port. Clones share
/// it.
#[derive(Clone, Debug)]
pub struct LazyNetwork(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    key: Keypair,
    listen: Vec<Multiaddr>,
    network: OnceCell<Network>,
}

impl LazyNetwork {
    /// A network that runs already.
    pub fn ready(network: Network, key: Keypair) -> LazyNetwork {
        LazyNetwork(Arc::new(Inner {
            key,
            listen: Vec::new(),
            network: OnceCell::new_with(Some(network)),
        }))
    }

    /// A node with identity `key` listening on `listen`, started when
    /// first asked for.
    pub fn new(key: Keypair, listen: Vec<Multiaddr>) -> LazyNetwork {
        LazyNetwork(Arc::new(Inner {
            key,
            listen,
            network: OnceCell::new(),
        }))
    }

    /// The node's peer id, known without starting it.
    pub fn peer_id(&self) -> libp2p::PeerId {
        self.0.key.public().to_peer_id()
    }

    /// The node, started now if it was not yet.
    pub async fn get(&self) -> Result<&Network, NetworkError> {
        self.0
            .network
            .get_or_try_init(|| Network::start(self.0.key.clone(), &self.0.listen))
            .await
    }
}
