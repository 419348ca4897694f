//! The task that owns a node's swarm: it answers [`Command`]s from the
//! [`Network`](super::Network) handles and reacts to the swarm's events.

use std::collections::{HashMap, HashSet};

use futures::StreamExt;
use libp2p::kad::{self, GetProvidersOk, QueryId, QueryResult};
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::swarm::{DialError, SwarmEvent};
use libp2p::{Multiaddr, PeerId, Swarm, identify, mdns};
use tokio::sync::{mpsc, oneshot};

use super::behaviour::{Behaviour, BehaviourEvent};
use super::{NetworkError, Peer};

type Reply<T> = oneshot::Sender<Result<T, NetworkError>>;

pub(super) enum Command {
    ListenAddrs(oneshot::Sender<Vec<Multiaddr>>),
    Peers(oneshot::Sender<Vec<Peer>>),
    Connect {
        peer: PeerId,
        addrs: Vec<Multiaddr>,
        reply: Reply<()>,
    },
    Provide {
        key: Vec<u8>,
        reply: Reply<()>,
    },
    FindProviders {
        key: Vec<u8>,
        limit: usize,
        reply: Reply<Vec<Peer>>,
    },
    FindPeer {
        peer: PeerId,
        reply: Reply<Peer>,
    },
}

/// A provider search under way: who was found so far.
struct Search {
    limit: usize,
    found: Vec<PeerId>,
    reply: Reply<Vec<Peer>>,
}

pub(super) struct Driver {
    swarm: Swarm<Behaviour>,
    commands: mpsc::Receiver<Command>,
    /// Callers of `connect` waiting for a connection to each peer.
    dialing: HashMap<PeerId, Vec<Reply<()>>>,
    /// The addresses each connected peer is connected at.
    connected: HashMap<PeerId, Vec<Multiaddr>>,
    /// The addresses peers said they listen on (identify).
    listening: HashMap<PeerId, Vec<Multiaddr>>,
    providing: HashMap<QueryId, Reply<()>>,
    searches: HashMap<QueryId, Search>,
    /// Peers looked for in the DHT, by query.
    finding: HashMap<QueryId, (PeerId, Reply<Peer>)>,
}

impl Driver {
    pub(super) fn new(swarm: Swarm<Behaviour>, commands: mpsc::Receiver<Command>) -> Driver {
        Driver {
            swarm,
            commands,
            dialing: HashMap::new(),
            connected: HashMap::new(),
            listening: HashMap::new(),
            providing: HashMap::new(),
            searches: HashMap::new(),
            finding: HashMap::new(),
        }
    }

    /// Runs until every handle to the network is dropped.
    pub(super) async fn run(mut self) {
        loop {
            tokio::select! {
                command = self.commands.recv() => match command {
                    Some(command) => self.command(command),
                    None => return,
                },
                event = self.swarm.select_next_some() => self.event(event),
            }
        }
    }

    fn command(&mut self, command: Command) {
        match command {
            Command::ListenAddrs(reply) => {
                let _ = reply.send(self.swarm.listeners().cloned().collect());
            }
            Command::Peers(reply) => {
                let mut peers: Vec<Peer> = self
                    .connected
                    .iter()
                    .map(|(id, addrs)| Peer {
                        id: *id,
                        addrs: addrs.clone(),
                    })
                    .collect();
                peers.sort_by_key(|p| p.id.to_base58());
                let _ = reply.send(peers);
            }
            Command::Connect { peer, addrs, reply } => self.connect(peer, addrs, reply),
            Command::Provide { key, reply } => {
                match self
                    .swarm
                    .behaviour_mut()
                    .kad
                    .start_providing(kad::RecordKey::new(&key))
                {
                    Ok(query) => {
                        self.providing.insert(query, reply);
                    }
                    Err(e) => {
                        let _ = reply.send(Err(NetworkError::Routing(e.to_string())));
                    }
                }
            }
            Command::FindPeer { peer, reply } => {
                // What this node knows already is the answer; the DHT is
                // for peers it does not.
                if let Some(known) = self.describe(std::iter::once(peer)).pop()
                    && !known.addrs.is_empty()
                {
                    let _ = reply.send(Ok(known));
                    return;
                }
                let query = self.swarm.behaviour_mut().kad.get_closest_peers(peer);
                self.finding.insert(query, (peer, reply));
            }
            Command::FindProviders { key, limit, reply } => {
                let query = self
                    .swarm
                    .behaviour_mut()
                    .kad
                    .get_providers(kad::RecordKey::new(&key));
                self.searches.insert(
                    query,
                    Search {
                        limit,
                        found: Vec::new(),
                        reply,
                    },
                );
            }
        }
    }

    fn connect(&mut self, peer: PeerId, addrs: Vec<Multiaddr>, reply: Reply<()>) {
        if peer == *self.swarm.local_peer_id() {
            let _ = reply.send(Err(NetworkError::Dial(
                "that is this node's own peer id".into(),
            )));
            return;
        }
        if self.swarm.is_connected(&peer) {
            let _ = reply.send(Ok(()));
            return;
        }
        let opts = DialOpts::peer_id(peer)
            .addresses(addrs)
            .condition(PeerCondition::DisconnectedAndNotDialing)
            .build();
        match self.swarm.dial(opts) {
            // Already being dialled: this caller waits for that dial.
            Ok(()) | Err(DialError::DialPeerConditionFalse(_)) => {
                self.dialing.entry(peer).or_default().push(reply);
            }
            Err(DialError::NoAddresses) => {
                let _ = reply.send(Err(NetworkError::Dial(format!(
                    "no address is known for {peer}: give one, such as /ip4/192.0.2.1/tcp/2025"
                ))));
            }
            Err(e) => {
                let _ = reply.send(Err(NetworkError::Dial(e.to_string())));
            }
        }
    }

    fn answer_dial(&mut self, peer: PeerId, outcome: Result<(), NetworkError>) {
        for reply in self.dialing.remove(&peer).unwrap_or_default() {
            let _ = reply.send(outcome.clone());
        }
    }

    fn event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::ConnectionEstablished {
                peer_id, endpoint, ..
            } => {
                let addrs = self.connected.entry(peer_id).or_default();
                let addr = without_peer_id(endpoint.get_remote_address());
                if !addrs.contains(&addr) {
                    addrs.push(addr.clone());
                }
                // A peer connected to on purpose is a node to route
                // through: known to the DHT now, not only once identify
                // has confirmed it speaks Kademlia, so a query right after
                // `connect` can already ask it.
                if self.dialing.contains_key(&peer_id) {
                    self.swarm.behaviour_mut().kad.add_address(&peer_id, addr);
                }
                self.answer_dial(peer_id, Ok(()));
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                endpoint,
                num_established,
                ..
            } => {
                if num_established == 0 {
                    self.connected.remove(&peer_id);
                } else if let Some(addrs) = self.connected.get_mut(&peer_id) {
                    let addr = without_peer_id(endpoint.get_remote_address());
                    addrs.retain(|a| *a != addr);
                }
            }
            SwarmEvent::OutgoingConnectionError {
                peer_id: Some(peer),
                error,
                ..
            // Another connection may still succeed; only a peer with none
            // gets the error.
            } if !self.swarm.is_connected(&peer) => {
                self.answer_dial(peer, Err(NetworkError::Dial(error.to_string())));
            }
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
                peer_id,
                info,
                ..
            })) => {
                for addr in &info.listen_addrs {
                    self.swarm
                        .behaviour_mut()
                        .kad
                        .add_address(&peer_id, addr.clone());
                }
                self.listening.insert(peer_id, info.listen_addrs);
            }
            SwarmEvent::Behaviour(BehaviourEvent::Mdns(mdns::Event::Discovered(found))) => {
                // A peer on the local network: known to the DHT, and
                // connected to, as a node dialled on purpose would be.
                for (peer, addr) in found {
                    self.swarm.behaviour_mut().kad.add_address(&peer, addr.clone());
                    let dial = DialOpts::peer_id(peer)
                        .condition(PeerCondition::DisconnectedAndNotDialing)
                        .addresses(vec![addr])
                        .build();
                    // A failed dial is the swarm's to log; the peer may
                    // be found again.
                    let _ = self.swarm.dial(dial);
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Kad(kad::Event::OutboundQueryProgressed {
                id,
                result,
                step,
                ..
            })) => self.query_progressed(id, result, step.last),
            _ => {}
        }
    }

    fn query_progressed(&mut self, id: QueryId, result: QueryResult, last: bool) {
        match result {
            QueryResult::StartProviding(outcome) => {
                if let Some(reply) = self.providing.remove(&id) {
                    let _ = reply.send(
                        outcome
                            .map(|_| ())
                            .map_err(|e| NetworkError::Routing(e.to_string())),
                    );
                }
            }
            QueryResult::GetClosestPeers(outcome) => {
                if !last {
                    return;
                }
                let Some((peer, reply)) = self.finding.remove(&id) else {
                    return;
                };
                let peers = match outcome {
                    Ok(ok) => ok.peers,
                    Err(kad::GetClosestPeersError::Timeout { peers, .. }) => peers,
                };
                let found = peers
                    .into_iter()
                    .find(|p| p.peer_id == peer && !p.addrs.is_empty())
                    .map(|p| {
                        let mut addrs: Vec<Multiaddr> = Vec::new();
                        for addr in p.addrs.iter().map(without_peer_id) {
                            if !addrs.contains(&addr) {
                                addrs.push(addr);
                            }
                        }
                        Peer {
                            id: p.peer_id,
                            addrs,
                        }
                    })
                    .ok_or_else(|| {
                        NetworkError::Routing(format!(
                            "no peer in the DHT knows where {peer} listens"
                        ))
                    });
                let _ = reply.send(found);
            }
            QueryResult::GetProviders(outcome) => {
                let Some(search) = self.searches.get_mut(&id) else {
                    return;
                };
                if let Ok(GetProvidersOk::FoundProviders { providers, .. }) = outcome {
                    let new: HashSet<PeerId> = providers;
                    for peer in new {
                        if !search.found.contains(&peer) {
                            search.found.push(peer);
                        }
                    }
                }
                // A timeout ends the search with what it found.
                if last || search.found.len() >= search.limit {
                    let search = self.searches.remove(&id).expect("looked up above");
                    if !last && let Some(mut query) = self.swarm.behaviour_mut().kad.query_mut(&id)
                    {
                        query.finish();
                    }
                    let peers = self.describe(search.found.into_iter().take(search.limit));
                    let _ = search.reply.send(Ok(peers));
                }
            }
            _ => {}
        }
    }

    /// Peers with the addresses this node knows them at.
    fn describe(&self, peers: impl Iterator<Item = PeerId>) -> Vec<Peer> {
        let local = *self.swarm.local_peer_id();
        peers
            .map(|id| {
                let addrs = if id == local {
                    self.swarm.listeners().cloned().collect()
                } else {
                    self.listening
                        .get(&id)
                        .or_else(|| self.connected.get(&id))
                        .cloned()
                        .unwrap_or_default()
                };
                Peer { id, addrs }
            })
            .collect()
    }
}

/// `addr` without a trailing `/p2p/<peer id>`: a peer's addresses are
/// listed beside its id, not with it.
fn without_peer_id(addr: &Multiaddr) -> Multiaddr {
    let mut addr = addr.clone();
    if let Some(libp2p::multiaddr::Protocol::P2p(_)) = addr.iter().last() {
        addr.pop();
    }
    addr
}
