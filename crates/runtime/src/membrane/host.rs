//! `Host`: the node a cell runs on: who it is on its libp2p network, its
//! peers, and what it serves (HTTP routes, services on libp2p protocols).

use std::rc::Rc;

use capnp::capability::Client;
use libp2p::{Multiaddr, PeerId};

use super::listener::{ListenerServer, Serving};
use super::route::serve_route;
use super::vat_login::{self, Views};
use super::{CellSpec, HttpClientServer, RoutingServer, services};
use crate::p2p::{LazyNetwork, NetworkError, PROTOCOL_VERSION, Peer, protocol};
use crate::schema::host_capnp::{host, peer_info};
use crate::schema::runtime_capnp::Mode;
use crate::web::{LazyHttp, check_path};

/// The `Host` capability over a node's network and HTTP routes.
#[derive(Debug)]
pub struct HostServer {
    network: LazyNetwork,
    http: Option<LazyHttp>,
}

impl HostServer {
    /// A host of `network` that serves no HTTP routes (`listen` on a route
    /// fails; on a libp2p protocol it works).
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
        let peer = peer_id(params.get_peer_id()?.to_str()?)?;
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
        let cell = CellSpec::read(params.get_cell()?)?;
        let listener = match service(&path) {
            Some((kind, name)) => {
                let mode = if kind == "vat" { Mode::Vat } else { Mode::Raw };
                let cell = Rc::new(cell);
                self.serve_protocol(kind, name, move |peer, stream| {
                    let cell = cell.clone();
                    async move { services::serve_cell(peer, stream, &cell, mode).await }
                })
                .await?
            }
            None => self.route(cell, path).await?,
        };
        results.get().set_listener(capnp_rpc::new_client(listener));
        Ok(())
    }

    async fn export(
        self: Rc<Self>,
        params: host::ExportParams,
        mut results: host::ExportResults,
    ) -> Result<(), capnp::Error> {
        let params = params.get()?;
        let name = params.get_name()?.to_str()?;
        let cap: Client = params.get_cap().get_as_capability()?;
        let listener = self
            .serve_protocol("vat", name, move |peer, stream| {
                services::serve_capability(peer, stream, Client::new(cap.hook.add_ref()))
            })
            .await?;
        results.get().set_listener(capnp_rpc::new_client(listener));
        Ok(())
    }

    async fn export_login(
        self: Rc<Self>,
        params: host::ExportLoginParams,
        mut results: host::ExportLoginResults,
    ) -> Result<(), capnp::Error> {
        let params = params.get()?;
        let name = params.get_name()?.to_str()?;
        let mut views = std::collections::HashMap::new();
        for view in params.get_views()? {
            let id = peer_id(view.get_peer_id()?.to_str()?)?;
            let cap: Client = view.get_cap().get_as_capability()?;
            if views.insert(id, cap).is_some() {
                return Err(capnp::Error::failed(format!(
                    "{id} is given two views of {name}: give each key one"
                )));
            }
        }
        if views.is_empty() {
            return Err(capnp::Error::failed(format!(
                "{name} is exported with a login but no key may log in: give at least one key a view"
            )));
        }
        let views = Rc::new(Views {
            exporter: self.network.peer_id(),
            name: name.to_string(),
            views,
        });
        let listener = self
            .serve_protocol("vat", name, move |peer, stream| {
                vat_login::serve(peer, stream, views.clone())
            })
            .await?;
        results.get().set_listener(capnp_rpc::new_client(listener));
        Ok(())
    }

    async fn dial(
        self: Rc<Self>,
        params: host::DialParams,
        mut results: host::DialResults,
    ) -> Result<(), capnp::Error> {
        let stream = self
            .open(
                params.get()?.get_peer_id()?.to_str()?,
                "vat",
                params.get()?.get_name()?.to_str()?,
            )
            .await?;
        results
            .get()
            .init_cap()
            .set_as_capability(services::dial(stream).hook);
        Ok(())
    }

    async fn dial_login(
        self: Rc<Self>,
        params: host::DialLoginParams,
        mut results: host::DialLoginResults,
    ) -> Result<(), capnp::Error> {
        let params = params.get()?;
        let (id, name) = (
            params.get_peer_id()?.to_str()?,
            params.get_name()?.to_str()?,
        );
        let signer = params.get_signer()?;
        let stream = self.open(id, "vat", name).await?;
        let cap = vat_login::dial(stream, peer_id(id)?, name, signer).await?;
        results.get().init_cap().set_as_capability(cap.hook);
        Ok(())
    }

    async fn open_stream(
        self: Rc<Self>,
        params: host::OpenStreamParams,
        mut results: host::OpenStreamResults,
    ) -> Result<(), capnp::Error> {
        let stream = self
            .open(
                params.get()?.get_peer_id()?.to_str()?,
                "stream",
                params.get()?.get_name()?.to_str()?,
            )
            .await?;
        results.get().set_stream(services::byte_stream(stream));
        Ok(())
    }
}

/// The kind (`stream`, `vat`) and name of a libp2p service path
/// (`/ww/0.1.0/vat/greeter`), or `None` for anything else (an HTTP route).
fn service(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix(PROTOCOL_VERSION)?.strip_prefix('/')?;
    let (kind, name) = rest.split_once('/')?;
    matches!(kind, "stream" | "vat").then_some((kind, name))
}

/// A peer id, parsed.
fn peer_id(id: &str) -> Result<PeerId, capnp::Error> {
    id.parse()
        .map_err(|e| capnp::Error::failed(format!("{id:?} is not a peer id: {e}")))
}

impl HostServer {
    /// Serves the HTTP route `path` with `cell`.
    async fn route(&self, cell: CellSpec, path: String) -> Result<ListenerServer, capnp::Error> {
        let http = self
            .http
            .as_ref()
            .ok_or_else(|| capnp::Error::failed("this host serves no HTTP routes".into()))?;
        check_path(&path).map_err(capnp::Error::failed)?;
        let cid = cell.cid().await?;
        let addr = http
            .addr()
            .await
            .map_err(|e| capnp::Error::failed(format!("cannot start the HTTP server: {e}")))?;
        http.routes()
            .add(&path, serve_route(cell, cid, addr))
            .map_err(capnp::Error::failed)?;
        Ok(ListenerServer {
            url: format!("http://{addr}{path}"),
            serving: Serving::Route {
                routes: http.routes().clone(),
                path,
            },
        })
    }

    /// Serves `/ww/0.1.0/<kind>/<name>`, each stream with `serve`, until
    /// the listener returned is closed.
    async fn serve_protocol<F, Fut>(
        &self,
        kind: &str,
        name: &str,
        serve: F,
    ) -> Result<ListenerServer, capnp::Error>
    where
        F: Fn(PeerId, libp2p::Stream) -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        let protocol = protocol(kind, name).map_err(failed)?;
        let network = self.network.get().await.map_err(failed)?;
        let incoming = network.accept(protocol.clone()).map_err(failed)?;
        let task = services::accept(incoming, serve);
        Ok(ListenerServer {
            serving: Serving::Protocol(std::cell::RefCell::new(Some(task))),
            url: protocol.to_string(),
        })
    }

    /// A stream of the service `kind`/`name` on the peer `id`.
    async fn open(&self, id: &str, kind: &str, name: &str) -> Result<libp2p::Stream, capnp::Error> {
        let peer = peer_id(id)?;
        let protocol = protocol(kind, name).map_err(failed)?;
        let network = self.network.get().await.map_err(failed)?;
        network.open_stream(peer, protocol).await.map_err(failed)
    }
}
