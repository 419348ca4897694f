//! What a node speaks besides its transports: identify, ping, Kademlia,
//! and the generic stream protocols (`/ww/0.1.0/stream/<name>`,
//! `/ww/0.1.0/vat/<name>`) of `libp2p-stream`.

use std::time::Duration;

use libp2p::identity::Keypair;
use libp2p::swarm::NetworkBehaviour;
use libp2p::{StreamProtocol, identify, kad, ping};

/// The protocol version a node announces through identify.
pub const PROTOCOL_VERSION: &str = "/ww/0.1.0";

/// How long a DHT query may take before it ends with what it found.
const QUERY_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(NetworkBehaviour)]
pub struct Behaviour {
    pub identify: identify::Behaviour,
    pub ping: ping::Behaviour,
    pub kad: kad::Behaviour<kad::store::MemoryStore>,
    pub stream: libp2p_stream::Behaviour,
}

impl Behaviour {
    pub fn new(key: &Keypair) -> Behaviour {
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
        Behaviour {
            identify: identify::Behaviour::new(identify::Config::new(
                PROTOCOL_VERSION.to_string(),
                key.public(),
            )),
            ping: ping::Behaviour::default(),
            kad,
            stream: libp2p_stream::Behaviour::new(),
        }
    }
}
