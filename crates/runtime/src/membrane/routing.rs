//! `Routing`: provider records in the DHT, by CID.

use std::rc::Rc;

use super::host::{failed, set_peer};
use crate::p2p::LazyNetwork;
use crate::schema::routing_capnp::routing;

/// The most providers one `findProviders` returns.
const MAX_PROVIDERS: u32 = 256;

/// The `Routing` capability over a node's DHT.
#[derive(Debug)]
pub struct RoutingServer {
    network: LazyNetwork,
}

impl RoutingServer {
    pub fn new(network: LazyNetwork) -> RoutingServer {
        RoutingServer { network }
    }

    pub fn client(self) -> routing::Client {
        capnp_rpc::new_client(self)
    }
}

/// The longest name (not a CID) a key may be, in bytes.
const MAX_NAME: usize = 256;

/// The DHT key of `key`. A CID's is its multihash, as IPFS nodes key
/// provider records (so a CIDv0 and a CIDv1 of the same bytes meet);
/// another name's is the SHA-256 multihash of `/ww/name/` and the name, so
/// that it never equals a CID's (the multihash of the name's own bytes
/// would be the key of the raw CID of those bytes).
fn dht_key(key: &str) -> Result<Vec<u8>, capnp::Error> {
    if let Ok(cid) = key.parse::<cid::Cid>() {
        return Ok(cid.hash().to_bytes());
    }
    if key.is_empty() || key.len() > MAX_NAME {
        return Err(capnp::Error::failed(format!(
            "a key is a CID or a name of 1 to {MAX_NAME} bytes, not {} bytes",
            key.len()
        )));
    }
    Ok(crate::cid::sha256(format!("/ww/name/{key}").as_bytes()).to_bytes())
}

impl routing::Server for RoutingServer {
    async fn provide(
        self: Rc<Self>,
        params: routing::ProvideParams,
        _: routing::ProvideResults,
    ) -> Result<(), capnp::Error> {
        let key = dht_key(params.get()?.get_key()?.to_str()?)?;
        let network = self.network.get().await.map_err(failed)?;
        network.provide(key).await.map_err(failed)
    }

    async fn find_providers(
        self: Rc<Self>,
        params: routing::FindProvidersParams,
        mut results: routing::FindProvidersResults,
    ) -> Result<(), capnp::Error> {
        let params = params.get()?;
        let key = dht_key(params.get_key()?.to_str()?)?;
        let limit = params.get_limit().min(MAX_PROVIDERS);
        let network = self.network.get().await.map_err(failed)?;
        let providers = network
            .find_providers(key, limit as usize)
            .await
            .map_err(failed)?;
        let mut list = results.get().init_providers(providers.len() as u32);
        for (i, peer) in providers.iter().enumerate() {
            set_peer(list.reborrow().get(i as u32), peer);
        }
        Ok(())
    }

    async fn hash(
        self: Rc<Self>,
        params: routing::HashParams,
        mut results: routing::HashResults,
    ) -> Result<(), capnp::Error> {
        let data = params.get()?.get_data()?;
        results.get().set_cid(crate::cid::cid_string(data));
        Ok(())
    }

    async fn resolve(
        self: Rc<Self>,
        params: routing::ResolveParams,
        mut results: routing::ResolveResults,
    ) -> Result<(), capnp::Error> {
        let id = params.get()?.get_peer_id()?.to_str()?;
        let peer: libp2p::PeerId = id
            .parse()
            .map_err(|e| capnp::Error::failed(format!("{id:?} is not a peer id: {e}")))?;
        let network = self.network.get().await.map_err(failed)?;
        let found = network.find_peer(peer).await.map_err(failed)?;
        set_peer(results.get().init_peer(), &found);
        Ok(())
    }
}
