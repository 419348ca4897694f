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

/// The DHT key of a CID: its multihash, as IPFS nodes key provider
/// records, so that a CIDv0 and a CIDv1 of the same bytes meet.
fn dht_key(cid: &str) -> Result<Vec<u8>, capnp::Error> {
    let cid: cid::Cid = cid.parse().map_err(|e| {
        capnp::Error::failed(format!(
            "{cid:?} is not a CID ({e}); hash the bytes to get one"
        ))
    })?;
    Ok(cid.hash().to_bytes())
}

impl routing::Server for RoutingServer {
    async fn provide(
        self: Rc<Self>,
        params: routing::ProvideParams,
        _: routing::ProvideResults,
    ) -> Result<(), capnp::Error> {
        let key = dht_key(params.get()?.get_cid()?.to_str()?)?;
        let network = self.network.get().await.map_err(failed)?;
        network.provide(key).await.map_err(failed)
    }

    async fn find_providers(
        self: Rc<Self>,
        params: routing::FindProvidersParams,
        mut results: routing::FindProvidersResults,
    ) -> Result<(), capnp::Error> {
        let params = params.get()?;
        let key = dht_key(params.get_cid()?.to_str()?)?;
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
}
