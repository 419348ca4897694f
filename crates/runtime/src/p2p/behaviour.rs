//! What a node speaks besides its transports: identify, ping, Kademlia,
//! mDNS, the generic stream protocols (`/ww/0.1.0/stream/<name>`,
//! `/ww/0.1.0/vat/<name>`) of `libp2p-stream`, and the limits on how many
//! connections it keeps.

use std::time::Duration;

use libp2p::connection_limits::{self, ConnectionLimits};
use libp2p::identity::Keypair;
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{StreamProtocol, identify, kad, mdns, ping};

use super::Options;

/// The protocol version a node announces through identify.
pub const PROTOCOL_VERSION: &str = "/ww/0.1.0";

/// How long a DHT query may take before it ends with what it found.
const QUERY_TIMEOUT: Duration = Duration::from_secs(20);

/// Connections kept to one peer: a peer dialled both ways, over TCP and
/// QUIC, needs a few; more is a peer holding slots others could use.
const MAX_PER_PEER: u32 = 4;

#[derive(NetworkBehaviour)]
pub struct Behaviour {
    // First, so a connection over the limits is refused before any other
    // protocol spends anything on it.
    pub limits: connection_limits::Behaviour,
    pub identify: identify::Behaviour,
    pub ping: ping::Behaviour,
    pub kad: kad::Behaviour<kad::store::MemoryStore>,
    pub stream: libp2p_stream::Behaviour,
    pub mdns: Toggle<mdns::tokio::Behaviour>,
}

impl Behaviour {
    pub fn new(key: &Keypair, options: &Options) -> std::io::Result<Behaviour> {
        let id = key.public().to_peer_id();
        // The IPFS DHT's protocol: provider records for CIDs are what
        // other IPFS nodes look for too.
        let mut config = kad::Config::new(StreamProtocol::new("/ipfs/kad/1.0.0"));
        config.set_query_timeout(QUERY_TIMEOUT);
        let mut kad = kad::Behaviour::with_config(id, kad::store::MemoryStore::new(id), config);
        // A node answers DHT queries even before it knows an external
        // address (on a LAN or loopback it may never learn one); left to
        // choose, Kademlia would stay a client and peers could not find
        // what it provides.
        kad.set_mode(Some(kad::Mode::Server));
        let mdns = if options.mdns {
            Some(mdns::tokio::Behaviour::new(mdns::Config::default(), id)?)
        } else {
            None
        };
        let limits = ConnectionLimits::default()
            .with_max_established(Some(options.max_connections))
            .with_max_established_per_peer(Some(MAX_PER_PEER))
            .with_max_pending_incoming(Some(options.max_connections));
        Ok(Behaviour {
            limits: connection_limits::Behaviour::new(limits),
            // Peers see which software this is, not only its library.
            identify: identify::Behaviour::new(
                identify::Config::new(PROTOCOL_VERSION.to_string(), key.public())
                    .with_agent_version(format!("ww/{}", env!("CARGO_PKG_VERSION"))),
            ),
            ping: ping::Behaviour::default(),
            kad,
            stream: libp2p_stream::Behaviour::new(),
            mdns: mdns.into(),
        })
    }
}
