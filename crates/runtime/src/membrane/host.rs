//! `Host`: the node a cell runs on, as its libp2p network sees it.

use std::rc::Rc;

use libp2p::{Multiaddr, PeerId};

use super::listener::{CellSpec, ListenerServer, serve_route};
use super::{HttpClientServer, RoutingServer};
use crate::p2p::{LazyNetwork, NetworkError, Peer};
use crate::schema::host_capnp::{host, peer_info};
use crate::web::{LazyHttp, check_path};

/// The `Host` capability over a node's network and HTTP routes.
#[derive(Debug)]
pub struct HostServer {
    network: LazyNetwork,
    http: Option<LazyHttp>,
}

impl HostServer {
    /// A host of `network` that serves no HTTP (`listen` fails).
    pub fn new(network: LazyNetwork) -> HostServer {
        HostServer {
            network,
            http: None,
        }
    }

    /// This host, serving HTTP routes on `http`.
    pub fn serving(mut self, http: LazyHttp) -> HostServer {
        self.http = Some(http);
        self
    }

    pub fn client(self) -> host::Client {
        capnp_rpc::new_client(self)
    }
}

/// A network failure as a call's error.
pub(super) fn failed(e: NetworkError) -> capnp::Error {
    capnp::Error::failed(e.to_string())
}

/// Fills `out` with `peer`.
pub(super) fn set_peer(mut out: peer_info::Builder<'_>, peer: &Peer) {
    out.set_peer_id(peer.id.to_base58());
    let mut addrs = out.init_addrs(peer.addrs.len() as u32);
    for (i, addr) in peer.addrs.iter().enumerate() {
        addrs.set(i as u32, addr.to_string());
    }
}

impl host::Server for HostServer {
    async fn id(
        self: Rc<Self>,
        _: host::IdParams,
        mut results: host::IdResults,
    ) -> Result<(), capnp::Error> {
        results
            .get()
            .set_peer_id(self.network.peer_id().to_base58());
        Ok(())
    }

    async fn addrs(
        self: Rc<Self>,
        _: host::AddrsParams,
        mut results: host::AddrsResults,
    ) -> Result<(), capnp::Error> {
        let network = self.network.get().await.map_err(failed)?;
        let addrs = network.listen_addrs().await.map_err(failed)?;
        let mut list = results.get().init_addrs(addrs.len() as u32);
        for (i, addr) in addrs.iter().enumerate() {
            list.set(i as u32, addr.to_string());
        }
        Ok(())
    }

    async fn peers(
        self: Rc<Self>,
        _: host::PeersParams,
        mut results: host::PeersResults,
    ) -> Result<(), capnp::Error> {
        let network = self.network.get().await.map_err(failed)?;
        let peers = network.peers().await.map_err(failed)?;
        let mut list = results.get().init_peers(peers.len() as u32);
        for (i, peer) in peers.iter().enumerate() {
            set_peer(list.reborrow().get(i as u32), peer);
        }
        Ok(())
    }

    async fn connect(
        self: Rc<Self>,
        params: host::ConnectParams,
        _: host::ConnectResults,
    ) -> Result<(), capnp::Error> {
        let params = params.get()?;
        let id = params.get_peer_id()?.to_str()?;
        let peer: PeerId = id
            .parse()
            .map_err(|e| capnp::Error::failed(format!("{id:?} is not a peer id: {e}")))?;
        let mut addrs = Vec::new();
        for addr in params.get_addrs()? {
            let addr = addr?.to_str()?;
            addrs.push(
                addr.parse::<Multiaddr>().map_err(|e| {
                    capnp::Error::failed(format!("{addr:?} is not a multiaddr: {e}"))
                })?,
            );
        }
        let network = self.network.get().await.map_err(failed)?;
        network.connect(peer, addrs).await.map_err(failed)
    }

    async fn network(
        self: Rc<Self>,
        _: host::NetworkParams,
        mut results: host::NetworkResults,
    ) -> Result<(), capnp::Error> {
        let mut r = results.get();
        r.set_routing(RoutingServer::new(self.network.clone()).client());
        r.set_http(HttpClientServer::any_host()?.client());
        Ok(())
    }

    async fn listen(
        self: Rc<Self>,
        params: host::ListenParams,
        mut results: host::ListenResults,
    ) -> Result<(), capnp::Error> {
        let params = params.get()?;
        let path = params.get_path()?.to_str()?.to_string();
        let http = self
            .http
            .as_ref()
            .ok_or_else(|| capnp::Error::failed("this host serves no HTTP routes".into()))?;
        check_path(&path).map_err(capnp::Error::failed)?;
        let cell = CellSpec::read(params.get_cell()?)?;
        let cid = cell.cid().await?;
        let addr = http
            .addr()
            .await
            .map_err(|e| capnp::Error::failed(format!("cannot start the HTTP server: {e}")))?;
        http.routes()
            .add(&path, serve_route(cell, cid, addr))
            .map_err(capnp::Error::failed)?;
        results
            .get()
            .set_listener(capnp_rpc::new_client(ListenerServer {
                routes: http.routes().clone(),
                url: format!("http://{addr}{path}"),
                path,
            }));
        Ok(())
    }
}
