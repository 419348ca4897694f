//! `Host`, `Listener` and `Routing` as Glia calls.

use std::rc::Rc;

use capnp::traits::HasTypeId;
use glia_eval::{Error, Value};

use super::Call;
use super::run_options::{Purpose, RunOptions};
use crate::bindings::Registry;
use crate::schema::host_capnp::{host, listener, peer_info};
use crate::schema::http_capnp::http_client;
use crate::schema::identity_capnp::signer;
use crate::schema::routing_capnp::routing;
use crate::schema::stream_capnp::byte_stream;
use capnp::capability::FromClientHook;

/// A text of a result as a Glia string.
pub(super) fn text(t: capnp::Result<capnp::text::Reader<'_>>) -> capnp::Result<Value> {
    Ok(Value::str(t?.to_string()?))
}

pub(super) fn texts(list: capnp::Result<capnp::text_list::Reader<'_>>) -> capnp::Result<Value> {
    list?
        .iter()
        .map(text)
        .collect::<capnp::Result<Vec<_>>>()
        .map(Value::vector)
}

/// `{:peer-id "12D3KooW..." :addrs ["/ip4/..."]}`
fn peer(p: peer_info::Reader<'_>) -> capnp::Result<Value> {
    let map: glia_eval::value::Map = [
        (Value::keyword(None, "peer-id"), text(p.get_peer_id())?),
        (Value::keyword(None, "addrs"), texts(p.get_addrs())?),
    ]
    .into_iter()
    .collect();
    Ok(Value::Map(Rc::new(map)))
}

fn peers(
    list: capnp::Result<capnp::struct_list::Reader<'_, peer_info::Owned>>,
) -> capnp::Result<Value> {
    list?
        .iter()
        .map(peer)
        .collect::<capnp::Result<Vec<_>>>()
        .map(Value::vector)
}

impl Call<'_> {
    pub(super) async fn host(
        &self,
        registry: &mut Registry,
        cap: host::Client,
    ) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("id", []) => {
                self.ask(cap.id_request(), |r| text(r.get_peer_id()))
                    .await
            }
            ("addrs", []) => {
                self.ask(cap.addrs_request(), |r| texts(r.get_addrs()))
                    .await
            }
            ("peers", []) => {
                self.ask(cap.peers_request(), |r| peers(r.get_peers()))
                    .await
            }
            ("connect", [peer] | [peer, _]) => {
                // A peer as `:peers` and `:find-providers` give it, or an
                // id and its addresses.
                let (id, addrs) = match (peer, self.args.get(1)) {
                    (Value::Map(m), None) => {
                        let get = |k: &str| m.get(&Value::keyword(None, k)).cloned();
                        let id = get("peer-id").ok_or_else(|| self.arity(CONNECT_USAGE))?;
                        (id, get("addrs").unwrap_or(Value::vector([])))
                    }
                    (id, addrs) => (id.clone(), addrs.cloned().unwrap_or(Value::vector([]))),
                };
                let mut request = cap.connect_request();
                {
                    let mut p = request.get();
                    p.set_peer_id(self.text(&id, "the peer id")?);
                    let addrs = self.strings(&addrs, "an address")?;
                    let mut list = p.init_addrs(addrs.len() as u32);
                    for (i, a) in addrs.iter().enumerate() {
                        list.set(i as u32, a);
                    }
                }
                self.ask(request, |_| Ok(())).await?;
                Ok(Value::Nil)
            }
            ("connect", _) => Err(self.arity(CONNECT_USAGE)),
            ("network", []) => {
                let (routing, http) = self
                    .ask(cap.network_request(), |r| Ok((r.get_routing()?, r.get_http()?)))
                    .await?;
                let map: glia_eval::value::Map = [
                    (
                        Value::keyword(None, "routing"),
                        registry.value(routing.client, Some(routing::Client::TYPE_ID)),
                    ),
                    (
                        Value::keyword(None, "http"),
                        registry.value(http.client, Some(http_client::Client::TYPE_ID)),
                    ),
                ]
                .into_iter()
                .collect();
                Ok(Value::Map(Rc::new(map)))
            }
            ("listen", [cell, path]) => {
                let options = RunOptions::parse(registry, cell, Purpose::Cell)?;
                let mut request = cap.listen_request();
                options.write_cell(request.get().init_cell());
                request.get().set_path(self.text(path, "the route")?);
                let listener = self.ask(request, |r| r.get_listener()).await?;
                Ok(registry.value(listener.client, Some(listener::Client::TYPE_ID)))
            }
            ("listen", _) => Err(self
                .arity("(perform host :listen (cell (perform runtime :load bytes)) \"/route\")")),
            ("export", [name, exported]) => {
                let client = registry.wire(exported, "the exported capability")?;
                let mut request = cap.export_request();
                request.get().set_name(self.text(name, "the service's name")?);
                request.get().init_cap().set_as_capability(client.hook);
                let listener = self.ask(request, |r| r.get_listener()).await?;
                Ok(registry.value(listener.client, Some(listener::Client::TYPE_ID)))
            }
            ("export", _) => Err(self.arity("(perform host :export \"name\" capability)")),
            ("export-login", [name, Value::Map(views)]) => {
                let mut request = cap.export_login_request();
                request.get().set_name(self.text(name, "the service's name")?);
                let mut list = request.get().init_views(views.len() as u32);
                for (i, (id, view)) in views.iter().enumerate() {
                    let mut entry = list.reborrow().get(i as u32);
                    entry.set_peer_id(self.text(id, "a key's peer id")?);
                    let client = registry.wire(view, "a key's view")?;
                    entry.init_cap().set_as_capability(client.hook);
                }
                let listener = self.ask(request, |r| r.get_listener()).await?;
                Ok(registry.value(listener.client, Some(listener::Client::TYPE_ID)))
            }
            ("export-login", _) => Err(self.arity(
                "(perform host :export-login \"name\" {\"12D3KooW...\" capability ...})",
            )),
            ("dial", [id, name] | [id, name, Value::Keyword(_)]) => {
                let interface = self.dial_interface(2)?;
                let mut request = cap.dial_request();
                request.get().set_peer_id(self.text(id, "the peer id")?);
                request.get().set_name(self.text(name, "the service's name")?);
                let client: capnp::capability::Client = self.ask(request, |r| r.get_cap().get_as_capability()).await?;
                Ok(registry.value(client, interface))
            }
            ("dial-login", [id, name, signer] | [id, name, signer, Value::Keyword(_)]) => {
                let interface = self.dial_interface(3)?;
                if let Value::Cap(c) = signer
                    && !matches!(c.origin.name.as_str(), "Signer" | "capability")
                {
                    return Err(Error::illegal_argument(format!(
                        "the signer must be a Signer, not a {}",
                        c.origin.name
                    ))
                    .with_hint("make one with (perform identity :signer \"ww/vat-login\")"));
                }
                let signer = registry.wire(signer, "the signer")?;
                let mut request = cap.dial_login_request();
                request.get().set_peer_id(self.text(id, "the peer id")?);
                request.get().set_name(self.text(name, "the service's name")?);
                request.get().set_signer(signer::Client::new(signer.hook));
                let client: capnp::capability::Client = self.ask(request, |r| r.get_cap().get_as_capability()).await?;
                Ok(registry.value(client, interface))
            }
            ("dial-login", _) => Err(self.arity(
                "(perform host :dial-login \"12D3KooW...\" \"name\" (perform identity :signer \"ww/vat-login\")) or with :Interface after the signer",
            )),
            ("dial", _) => Err(self.arity(
                "(perform host :dial \"12D3KooW...\" \"name\") or (perform host :dial \"12D3KooW...\" \"name\" :Interface)",
            )),
            ("open-stream", [id, name]) => {
                let mut request = cap.open_stream_request();
                request.get().set_peer_id(self.text(id, "the peer id")?);
                request.get().set_name(self.text(name, "the service's name")?);
                let stream = self.ask(request, |r| r.get_stream()).await?;
                Ok(registry.value(stream.client, Some(byte_stream::Client::TYPE_ID)))
            }
            ("open-stream", _) => {
                Err(self.arity("(perform host :open-stream \"12D3KooW...\" \"name\")"))
            }
            ("id" | "addrs" | "peers" | "network", _) => {
                Err(self.arity(&format!("(perform host :{})", self.method)))
            }
            _ => Err(self.unbound()),
        }
    }

    /// The interface named by the argument at `at` of a dial (`:Greeter`),
    /// if there is one.
    fn dial_interface(&self, at: usize) -> Result<Option<u64>, Error> {
        match self.args.get(at) {
            Some(Value::Keyword(k)) if k.ns().is_none() => Ok(Some(self.interface(k)?)),
            _ => Ok(None),
        }
    }

    pub(super) async fn routing(&self, cap: routing::Client) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("provide", [key]) => {
                let mut request = cap.provide_request();
                request.get().set_key(self.text(key, "the key")?);
                self.ask(request, |_| Ok(())).await?;
                Ok(Value::Nil)
            }
            ("provide", _) => Err(self.arity(
                "(perform routing :provide \"bafy...\") or (perform routing :provide \"service-name\")",
            )),
            ("find-providers", [key] | [key, Value::Int(_)]) => {
                let limit = match self.args.get(1) {
                    Some(Value::Int(n)) => u32::try_from(*n).map_err(|_| {
                        Error::illegal_argument(format!("cannot find {n} providers"))
                            .with_hint("give a count from 0 to 256")
                    })?,
                    _ => 20,
                };
                let mut request = cap.find_providers_request();
                request.get().set_key(self.text(key, "the key")?);
                request.get().set_limit(limit);
                self.ask(request, |r| peers(r.get_providers())).await
            }
            ("find-providers", _) => Err(self.arity(
                "(perform routing :find-providers \"bafy...\") or (perform routing :find-providers \"bafy...\" limit)",
            )),
            ("hash", [data]) => {
                let mut request = cap.hash_request();
                request.get().set_data(&self.bytes(data)?);
                self.ask(request, |r| text(r.get_cid())).await
            }
            ("hash", _) => Err(self.arity("(perform routing :hash bytes-or-string)")),
            ("resolve", [id]) => {
                let mut request = cap.resolve_request();
                request.get().set_peer_id(self.text(id, "the peer id")?);
                self.ask(request, |r| peer(r.get_peer()?)).await
            }
            ("resolve", _) => Err(self.arity("(perform routing :resolve \"12D3KooW...\")")),
            _ => Err(self.unbound()),
        }
    }

    pub(super) async fn listener(&self, cap: listener::Client) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("url", []) => self.ask(cap.url_request(), |r| text(r.get_url())).await,
            ("close", []) => {
                self.ask(cap.close_request(), |_| Ok(())).await?;
                Ok(Value::Nil)
            }
            ("url" | "close", _) => {
                Err(self.arity(&format!("(perform listener :{})", self.method)))
            }
            _ => Err(self.unbound()),
        }
    }
}

const CONNECT_USAGE: &str = "(perform host :connect \"12D3KooW...\" [\"/ip4/.../tcp/2025\"]) or (perform host :connect {:peer-id ... :addrs [...]})";
