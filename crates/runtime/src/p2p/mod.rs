//! The node's libp2p side: a swarm (TCP + Noise + Yamux and QUIC;
//! identify, ping, Kademlia, mDNS, stream protocols; connection limits)
//! driven by one task, and [`Network`], the
//! handle the `Host` and `Routing` capabilities use.
//!
//! - `behaviour.rs`: the protocols a node speaks.
//! - `driver.rs`: the task owning the swarm; commands in, events handled.
//! - `network.rs`: [`Network`], starting a node and asking it things.
//! - `lazy.rs`: [`LazyNetwork`], a node started on first use.
//! - `challenge.rs`: a challenge-response login over a stream (remote
//!   shells, authenticated vats).

mod behaviour;
pub mod challenge;
mod driver;
mod lazy;
mod network;

use libp2p::{Multiaddr, PeerId};

pub use behaviour::PROTOCOL_VERSION;
pub use lazy::LazyNetwork;
pub use network::{Network, protocol};

/// How a node runs, beyond its key.
#[derive(Clone, Debug)]
pub struct Options {
    /// Where to listen (`/ip4/127.0.0.1/tcp/0` picks a free port;
    /// `/ip4/0.0.0.0/udp/2025/quic-v1` is QUIC).
    pub listen: Vec<Multiaddr>,
    /// Whether to find (and be found by) peers on the local network over
    /// multicast DNS.
    pub mdns: bool,
    /// Connections kept at once, and pending incoming ones.
    pub max_connections: u32,
}

impl Options {
    /// `listen`, with mDNS only if one of them reaches beyond this machine
    /// (announcing a node that listens on loopback alone would send
    /// multicast to a network that cannot reach it).
    pub fn new(listen: Vec<Multiaddr>) -> Options {
        let mdns = listen.iter().any(|addr| !is_loopback(addr));
        Options {
            listen,
            mdns,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// Connections a node keeps unless told otherwise.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 512;

fn is_loopback(addr: &Multiaddr) -> bool {
    use libp2p::multiaddr::Protocol;
    match addr.iter().next() {
        Some(Protocol::Ip4(ip)) => ip.is_loopback(),
        Some(Protocol::Ip6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdns_only_beyond_loopback() {
        let options =
            |addrs: &[&str]| Options::new(addrs.iter().map(|a| a.parse().unwrap()).collect());
        assert!(!options(&["/ip4/127.0.0.1/tcp/0"]).mdns);
        assert!(!options(&["/ip4/127.0.0.1/tcp/0", "/ip6/::1/udp/0/quic-v1"]).mdns);
        assert!(options(&["/ip4/0.0.0.0/tcp/2025"]).mdns);
        assert!(options(&["/ip4/127.0.0.1/tcp/0", "/ip4/192.168.1.2/tcp/0"]).mdns);
        assert!(!options(&[]).mdns);
    }
}
