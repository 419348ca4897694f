//! The node's libp2p side: a swarm (TCP + Noise + Yamux, identify, ping,
//! Kademlia, stream protocols) driven by one task, and [`Network`], the
//! handle the `Host` and `Routing` capabilities use.
//!
//! - `behaviour.rs`: the protocols a node speaks.
//! - `driver.rs`: the task owning the swarm; commands in, events handled.
//! - `network.rs`: [`Network`], starting a node and asking it things.
//! - `lazy.rs`: [`LazyNetwork`], a node started on first use.

mod behaviour;
mod driver;
mod lazy;
mod network;

use libp2p::{Multiaddr, PeerId};

pub use behaviour::PROTOCOL_VERSION;
pub use lazy::LazyNetwork;
pub use network::{Network, protocol};

/// A peer and the addresses it is known at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub id: PeerId,
    pub addrs: Vec<Multiaddr>,
}

/// What went wrong on the network.
#[derive(Clone, Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("cannot start the network: {0}")]
    Start(String),
    #[error("cannot listen on {0}: {1}")]
    Listen(Multiaddr, String),
    #[error("cannot connect: {0}")]
    Dial(String),
    #[error("routing failed: {0}")]
    Routing(String),
    #[error("{0}")]
    Protocol(String),
    #[error("the node has stopped")]
    Stopped,
}
