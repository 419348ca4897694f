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

/// Makes a root capability's client, under the evaluation's epoch.
type MakeRoot = fn(&crate::membrane::Epoch) -> capnp::capability::Client;

/// The root capabilities an evaluation in this process is given: their
/// names, interfaces and how each is made.
fn roots() -> [(&'static str, u64, MakeRoot); 2] {
    use crate::membrane::{IdentityServer, RuntimeServer};
    use crate::schema::{identity_capnp::identity, runtime_capnp::runtime};
    use capnp::traits::HasTypeId;
    [
        ("runtime", runtime::Client::TYPE_ID, |epoch| {
            RuntimeServer::lazy(crate::cells::CellHost::default_cache(), epoch)
                .client()
                .client
        }),
        ("identity", identity::Client::TYPE_ID, |_| {
            IdentityServer::new(libp2p_identity::Keypair::generate_ed25519())
                .client()
                .client
        }),
    ]
}

/// Binds the root capabilities of an evaluation in this process:
/// `runtime` (load cells and run them here; the cell host is made on
/// first use, caching compiled cells in `~/.ww/cache/wasm`) and
/// `identity` (signatures by a key made for this process: a node's own
/// identity comes with the node). They are bound in `user`, where the
/// program runs, not in `glia.core`: `identity` there stays the core fn
/// the libraries call.
pub fn bind_roots(
    glia: &mut glia_eval::Glia,
    registry: &mut Registry,
    epoch: &crate::membrane::Epoch,
) {
    for (name, interface, make) in roots() {
        glia.define_in("user", name, registry.value(make(epoch), Some(interface)));
    }
}

/// Binds the root capabilities' names as [`bind_roots`] does, to values
/// with their methods but nothing behind them: for checking a program
/// (`ww check`) that will run with the roots, without running anything.
pub fn describe_roots(glia: &mut glia_eval::Glia) {
    for (name, interface, _) in roots() {
        // Id 0 is never a registry's: a perform on it is unhandled.
        let cap = registry::capability(0, Some(interface));
        glia.define_in("user", name, Value::Cap(std::rc::Rc::new(cap)));
    }
}
