//! Glia bindings: Cap'n Proto capabilities as Glia capability values.
//!
//! `(perform cap :method args...)` on one reaches [`CapHost`], which makes
//! the call on the wire and answers with its results as Glia values
//! (capabilities in them become new capability values). Glia's own
//! `attenuate` narrows a value; when such a value leaves the evaluation
//! (granted to a cell), it is sent as a membrane guard enforcing the same
//! methods, so the restriction holds in the cell.
//!
//! - `registry.rs`: ids of capability values ↔ Cap'n Proto clients.
//! - `methods.rs`: each interface's methods as Glia calls.

mod methods;
mod registry;

use glia_effects::{Answer, Host, Value};
use glia_eval::{Error, ErrorType};

pub use registry::Registry;

/// A Glia host that answers capability effects on Cap'n Proto
/// capabilities, and passes every other effect to `inner`.
///
/// Its futures are not `Send` (Cap'n Proto is single-threaded): evaluate
/// on a `LocalSet`.
#[derive(Debug)]
pub struct CapHost<H> {
    pub inner: H,
    pub registry: Registry,
}

impl<H: Host> Host for CapHost<H> {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        let Value::Cap(cap) = target else {
            return self.inner.perform(target, data).await;
        };
        let Some((client, interface)) = self.registry.get(cap) else {
            return self.inner.perform(target, data).await;
        };
        // The data of a capability effect is `(:method arg...)`.
        let mut items: Vec<Value> = match &data {
            Value::List(list) => list.iter().cloned().collect(),
            _ => {
                return Answer::Error(Error::new(
                    ErrorType::Internal,
                    "a capability effect's data is not (:method args...)",
                ));
            }
        };
        if items.is_empty() {
            return Answer::Error(Error::illegal_argument(
                "a capability effect needs a method",
            ));
        }
        let Value::Keyword(method) = items.remove(0) else {
            return Answer::Error(Error::illegal_argument(
                "a capability's method is a keyword",
            ));
        };
        match methods::call(&mut self.registry, client, interface, &method, items).await {
            Ok(v) => Answer::Value(v),
            Err(e) => Answer::Error(e),
        }
    }
}

/// What the root capabilities of an evaluation are made from.
#[derive(Clone, Debug)]
pub struct Roots {
    /// The epoch they are issued in.
    pub epoch: crate::membrane::Epoch,
    /// The key `identity` signs with; its peer id is `host`'s.
    pub key: libp2p_identity::Keypair,
    /// The node `host` describes.
    pub network: crate::p2p::LazyNetwork,
    /// The HTTP routes `host` serves.
    pub http: crate::web::LazyHttp,
    /// What the cells `runtime` spawns see as `/`, read-only (a node's
    /// image); nothing if `None`.
    pub image: Option<std::path::PathBuf>,
}

impl Roots {
    /// The roots of an evaluation with no node to attach to (`ww eval`):
    /// a key made for this process, and a node of its own, on loopback
    /// only, started when a program first touches the network (its HTTP
    /// routes when it first listens, on a free port).
    pub fn in_process() -> Roots {
        let key = libp2p_identity::Keypair::generate_ed25519();
        let loopback = "/ip4/127.0.0.1/tcp/0".parse().expect("a valid multiaddr");
        Roots {
            epoch: crate::membrane::Epoch::new(),
            network: crate::p2p::LazyNetwork::new(key.clone(), vec![loopback]),
            http: crate::web::LazyHttp::new((std::net::Ipv4Addr::LOCALHOST, 0).into()),
            key,
            image: None,
        }
    }
}

impl Roots {
    /// The root capabilities made from these roots, by name. A node makes
    /// them once: its kernel and every session attached to it share them
    /// (one cell host, one set of routes).
    pub fn clients(&self) -> Vec<(String, capnp::capability::Client)> {
        ROOTS
            .iter()
            .map(|(name, _, make)| (name.to_string(), make(self)))
            .collect()
    }
}

/// `clients`, root capabilities by name, as whole grants under the same
/// names: what a node's kernel cell and attached sessions are given.
pub fn grants_of(clients: &[(String, capnp::capability::Client)]) -> Vec<crate::membrane::Grant> {
    clients
        .iter()
        .map(|(name, client)| crate::membrane::Grant::new(name.clone(), client.clone()))
        .collect()
}

/// A membrane granting `clients` under their names, issued in `epoch`:
/// what a node hands to a session attached to it.
pub fn membrane_of(
    epoch: &crate::membrane::Epoch,
    clients: &[(String, capnp::capability::Client)],
) -> crate::schema::membrane_capnp::membrane::Client {
    crate::membrane::Membrane::new(epoch, grants_of(clients))
        .expect("the roots have distinct names")
        .client()
}

impl<H> CapHost<H> {
    /// A host over `inner` answering for the root capabilities made from
    /// `roots`, which it binds in `glia`'s `user` namespace (where the
    /// program runs; not in `glia.core`, so `identity` there stays the core
    /// fn the libraries call).
    pub fn with_roots(inner: H, glia: &mut glia_eval::Glia, roots: &Roots) -> CapHost<H> {
        CapHost::with_clients(inner, glia, &roots.epoch, roots.clients())
    }

    /// A host over `inner` binding `clients`, root capabilities by name
    /// (made by [`Roots::clients`], or granted by a node a session attached
    /// to), as [`CapHost::with_roots`] does. A name that is not a root's is
    /// skipped: a newer node may grant more than this binary knows.
    pub fn with_clients(
        inner: H,
        glia: &mut glia_eval::Glia,
        epoch: &crate::membrane::Epoch,
        clients: Vec<(String, capnp::capability::Client)>,
    ) -> CapHost<H> {
        let mut registry = Registry::new(epoch);
        for (name, client) in clients {
            if let Some((name, interface, _)) = ROOTS.iter().find(|(n, _, _)| *n == name) {
                glia.define_in("user", name, registry.value(client, Some(*interface)));
            }
        }
        define_prelude(glia);
        CapHost { inner, registry }
    }
}

/// Makes a root capability's client.
type MakeRoot = fn(&Roots) -> capnp::capability::Client;

/// The root capabilities: their names, interfaces and how each is made.
/// `runtime` makes its cell host on first use, caching compiled cells in
/// `~/.ww/cache/wasm`.
/// The names of the root capabilities, as a session binds them.
pub fn root_names() -> impl Iterator<Item = &'static str> {
    ROOTS.iter().map(|(name, _, _)| *name)
}

const ROOTS: [(&str, u64, MakeRoot); 4] = {
    use crate::membrane::{HostServer, IdentityServer, RoutingServer, RuntimeServer};
    use crate::schema::{
        host_capnp::host, identity_capnp::identity, routing_capnp::routing, runtime_capnp::runtime,
    };
    use capnp::traits::HasTypeId;
    [
        ("host", host::Client::TYPE_ID, |roots| {
            HostServer::new(roots.network.clone())
                .serving(roots.http.clone())
                .client()
                .client
        }),
        ("runtime", runtime::Client::TYPE_ID, |roots| {
            let runtime =
                RuntimeServer::lazy(crate::cells::CellHost::default_cache(), &roots.epoch);
            match &roots.image {
                Some(dir) => runtime.with_image(dir),
                None => runtime,
            }
            .client()
            .client
        }),
        ("routing", routing::Client::TYPE_ID, |roots| {
            RoutingServer::new(roots.network.clone()).client().client
        }),
        ("identity", identity::Client::TYPE_ID, |roots| {
            IdentityServer::new(roots.key.clone()).client().client
        }),
    ]
};

/// Binds the root capabilities' names as [`CapHost::with_roots`] does, to
/// values with their methods but nothing behind them: for checking a
/// program (`ww check`) that will run with the roots, without running
/// anything.
pub fn describe_roots(glia: &mut glia_eval::Glia) {
    for (name, interface, _) in ROOTS {
        // Id 0 is never a registry's: a perform on it is unhandled.
        let cap = registry::capability(0, Some(interface));
        glia.define_in("user", name, Value::Cap(std::rc::Rc::new(cap)));
    }
    define_prelude(glia);
}

/// The Glia functions that go with the roots (`cell`), defined in `user`.
fn define_prelude(glia: &mut glia_eval::Glia) {
    const PRELUDE: &str = include_str!("prelude.glia");
    if let Err(e) = glia.eval_str("<ww prelude>", PRELUDE) {
        unreachable!("the prelude is valid Glia: {}", e.message());
    }
}
