//! [`Network`]: a handle to a running node's swarm.

use std::time::Duration;

use futures::StreamExt;
use libp2p::identity::Keypair;
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, PeerId, StreamProtocol, noise, tcp, yamux};
use tokio::sync::{mpsc, oneshot};

use super::behaviour::{Behaviour, PROTOCOL_VERSION};
use super::driver::{Command, Driver};
use super::{NetworkError, Options, Peer};

/// How long a connection with no stream open is kept.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// A running libp2p node: TCP with Noise and Yamux, QUIC, identify, ping,
/// Kademlia and (if asked) mDNS. Clones share the node; it stops when the last is dropped.
#[derive(Clone)]
pub struct Network {
    id: PeerId,
    commands: mpsc::Sender<Command>,
    streams: libp2p_stream::Control,
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Network")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The protocol of the stream service `name`: `/ww/0.1.0/stream/<name>`
/// (`kind` `stream`) or `/ww/0.1.0/vat/<name>` (`kind` `vat`). A name is 1
/// to 64 letters, digits, `-`, `_` or `.`.
pub fn protocol(kind: &str, name: &str) -> Result<StreamProtocol, NetworkError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name != "."
        && name != "..";
    if !valid {
        return Err(NetworkError::Protocol(format!(
            "{name:?} cannot name a service: use 1 to 64 letters, digits, -, _ or ."
        )));
    }
    StreamProtocol::try_from_owned(format!("{PROTOCOL_VERSION}/{kind}/{name}"))
        .map_err(|e| NetworkError::Protocol(e.to_string()))
}

impl Network {
    /// Starts a node with identity `key`, listening on every address in
    /// `listen` (`/ip4/127.0.0.1/tcp/0` picks a free port), with the
    /// defaults of [`Options::new`]. Returns once each is listened on, or
    /// with the first that cannot be.
    ///
    /// Call it inside a tokio runtime: the node runs as a task of it.
    pub async fn start(key: Keypair, listen: &[Multiaddr]) -> Result<Network, NetworkError> {
        Network::start_with(key, &Options::new(listen.to_vec())).await
    }

    /// Starts a node as `options` say (see [`Network::start`]).
    pub async fn start_with(key: Keypair, options: &Options) -> Result<Network, NetworkError> {
        let id = key.public().to_peer_id();
        let listen = &options.listen;
        let mut swarm = libp2p::SwarmBuilder::with_existing_identity(key)
            .with_tokio()
            .with_tcp(
                tcp::Config::default().nodelay(true),
                noise::Config::new,
                yamux::Config::default,
            )
            .map_err(|e| NetworkError::Start(e.to_string()))?
            .with_quic()
            .with_behaviour(|key| {
                Behaviour::new(key, options)
                    .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
            })
            .map_err(|e| NetworkError::Start(e.to_string()))?
            .with_swarm_config(|c| c.with_idle_connection_timeout(IDLE_TIMEOUT))
            .build();

        let mut pending = Vec::new();
        for addr in listen {
            refuse_taken_port(addr)?;
            let listener = swarm
                .listen_on(addr.clone())
                .map_err(|e| NetworkError::Listen(addr.clone(), e.to_string()))?;
            pending.push((listener, addr.clone()));
        }
        // Bound once each listener reports an address (or fails to).
        while !pending.is_empty() {
            match swarm.select_next_some().await {
                SwarmEvent::NewListenAddr { listener_id, .. } => {
                    pending.retain(|(l, _)| *l != listener_id);
                }
                SwarmEvent::ListenerClosed {
                    listener_id,
                    reason,
                    ..
                } => {
                    if let Some((_, addr)) = pending.iter().find(|(l, _)| *l == listener_id) {
                        let why = match reason {
                            Err(e) => e.to_string(),
                            Ok(()) => "the listener closed".into(),
                        };
                        return Err(NetworkError::Listen(addr.clone(), why));
                    }
                }
                SwarmEvent::ListenerError { listener_id, error } => {
                    if let Some((_, addr)) = pending.iter().find(|(l, _)| *l == listener_id) {
                        return Err(NetworkError::Listen(addr.clone(), error.to_string()));
                    }
                }
                _ => {}
            }
        }

        let streams = swarm.behaviour().stream.new_control();
        let (commands, receiver) = mpsc::channel(64);
        tokio::spawn(Driver::new(swarm, receiver).run());
        Ok(Network {
            id,
            commands,
            streams,
        })
    }

    /// This node's peer id.
    pub fn peer_id(&self) -> PeerId {
        self.id
    }

    async fn ask<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, NetworkError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(command(reply))
            .await
            .map_err(|_| NetworkError::Stopped)?;
        answer.await.map_err(|_| NetworkError::Stopped)
    }

    /// The addresses this node listens on.
    pub async fn listen_addrs(&self) -> Result<Vec<Multiaddr>, NetworkError> {
        self.ask(Command::ListenAddrs).await
    }

    /// The peers connected now, with the addresses they are connected at.
    pub async fn peers(&self) -> Result<Vec<Peer>, NetworkError> {
        self.ask(Command::Peers).await
    }

    /// Connects to `peer` at one of `addrs` (or an address the node already
    /// knows it at); returns once connected, at once if it already is.
    pub async fn connect(&self, peer: PeerId, addrs: Vec<Multiaddr>) -> Result<(), NetworkError> {
        self.ask(|reply| Command::Connect { peer, addrs, reply })
            .await?
    }

    /// Announces in the DHT that this node provides `key`.
    pub async fn provide(&self, key: Vec<u8>) -> Result<(), NetworkError> {
        self.ask(|reply| Command::Provide { key, reply }).await?
    }

    /// Opens a stream of `protocol` to `peer` (connecting to it if need
    /// be, at an address the node knows).
    pub async fn open_stream(
        &self,
        peer: PeerId,
        protocol: StreamProtocol,
    ) -> Result<libp2p::Stream, NetworkError> {
        self.streams
            .clone()
            .open_stream(peer, protocol.clone())
            .await
            .map_err(|e| NetworkError::Dial(format!("cannot open {protocol} on {peer}: {e}")))
    }

    /// The streams peers open with `protocol`, until the returned handle is
    /// dropped; refused while another handle takes them.
    pub fn accept(
        &self,
        protocol: StreamProtocol,
    ) -> Result<libp2p_stream::IncomingStreams, NetworkError> {
        self.streams.clone().accept(protocol.clone()).map_err(|_| {
            NetworkError::Protocol(format!(
                "{protocol} is served already: close its listener first"
            ))
        })
    }

    /// Where `peer` listens: what this node knows of it, else what the
    /// DHT's peers closest to it know.
    pub async fn find_peer(&self, peer: PeerId) -> Result<Peer, NetworkError> {
        self.ask(|reply| Command::FindPeer { peer, reply }).await?
    }

    /// Up to `limit` providers of `key` the DHT knows of (this node too, if
    /// it provides it).
    pub async fn find_providers(
        &self,
        key: Vec<u8>,
        limit: usize,
    ) -> Result<Vec<Peer>, NetworkError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.ask(|reply| Command::FindProviders { key, limit, reply })
            .await?
    }
}

/// Fails if `addr` is a TCP or UDP (QUIC) address whose port another socket
/// holds.
///
/// libp2p's listeners set `SO_REUSEPORT` (so dials can reuse their port),
/// so binding a second node to a taken port would succeed and the kernel
/// would split incoming connections between the two. A plain bind is
/// refused while any socket holds the port: try one first.
fn refuse_taken_port(addr: &Multiaddr) -> Result<(), NetworkError> {
    use libp2p::multiaddr::Protocol;
    let mut parts = addr.iter();
    let ip: std::net::IpAddr = match parts.next() {
        Some(Protocol::Ip4(ip)) => ip.into(),
        Some(Protocol::Ip6(ip)) => ip.into(),
        _ => return Ok(()),
    };
    let taken = match parts.next() {
        Some(Protocol::Tcp(port)) if port != 0 => std::net::TcpListener::bind((ip, port)).err(),
        Some(Protocol::Udp(port)) if port != 0 => std::net::UdpSocket::bind((ip, port)).err(),
        _ => None,
    };
    match taken {
        Some(e) => Err(NetworkError::Listen(addr.clone(), e.to_string())),
        None => Ok(()),
    }
}
