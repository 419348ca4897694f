//! Cap'n Proto capabilities as Glia capability values.

use std::collections::HashMap;
use std::rc::Rc;

use capnp::capability::Client;
use glia_eval::value::Keyword;
use glia_eval::value::cap::Capability;
use glia_eval::{Error, ErrorType, Value};

use crate::membrane::{Epoch, Policy, guard};
use crate::schema;

/// A capability the registry holds: the client, and its interface if
/// known (a cell's bootstrap capability has none the host knows).
struct Held {
    client: Client,
    interface: Option<u64>,
}

/// The Cap'n Proto capabilities Glia values stand for, by the id the
/// values carry (`Backing::Host { id }`).
pub struct Registry {
    held: HashMap<u64, Held>,
    next: u64,
    epoch: Epoch,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("held", &self.held.len())
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// Capabilities handed out through Glia attenuation are guarded under
    /// `epoch`.
    pub fn new(epoch: &Epoch) -> Registry {
        Registry {
            held: HashMap::new(),
            next: 1,
            epoch: epoch.clone(),
        }
    }

    /// A Glia capability for `client` of `interface`: named as the
    /// interface, its methods the schema's in kebab case (none for an
    /// interface the host does not know).
    pub fn value(&mut self, client: Client, interface: Option<u64>) -> Value {
        let id = self.next;
        self.next += 1;
        self.held.insert(id, Held { client, interface });
        Value::Cap(Rc::new(capability(id, interface)))
    }

    /// The client and interface behind a Glia capability value, if it is
    /// one of this registry's.
    pub fn get(&self, cap: &Capability) -> Option<(Client, Option<u64>)> {
        let held = self.held.get(&cap.host_id()?)?;
        Some((held.client.clone(), held.interface))
    }

    /// The client to hand to someone else (a cell, a peer) for `value`: if
    /// Glia attenuated it, a guard enforcing that on the wire, so the
    /// restriction holds wherever it goes.
    pub fn wire(&self, value: &Value, what: &str) -> Result<Client, Error> {
        let Value::Cap(cap) = value else {
            return Err(Error::new(
                ErrorType::TypeMismatch,
                format!("{what} must be a capability, not {}", value.type_name()),
            ));
        };
        let (client, interface) = self.get(cap).ok_or_else(|| {
            Error::illegal_argument(format!(
                "{what}: the capability {} lives in Glia, not in Cap'n Proto, so it cannot leave this evaluation",
                cap.origin.name
            ))
            .with_hint("grant a capability the host gave you (or one derived from it)")
        })?;
        if cap.allowed.len() == cap.origin.methods.len() {
            return Ok(client);
        }
        let interface = interface.ok_or_else(|| {
            Error::illegal_argument(format!(
                "{what}: an attenuated capability of an unknown interface cannot be enforced on the wire"
            ))
        })?;
        let ordinals = cap
            .allowed
            .iter()
            .filter_map(|m| ordinal(interface, m))
            .collect::<Vec<_>>();
        Ok(guard(
            client,
            Rc::new(Policy::only(interface, ordinals)),
            &self.epoch,
        ))
    }
}

/// The Glia capability with host id `id` for a capability of
/// `interface`: named as the interface, its methods the schema's in kebab
/// case (none for an interface the host does not know).
pub fn capability(id: u64, interface: Option<u64>) -> Capability {
    let known = interface.and_then(|i| schema::interfaces().get(&i));
    let (name, methods) = match known {
        Some(i) => (
            i.name.clone(),
            i.methods.iter().map(|m| schema::kebab_case(m)).collect(),
        ),
        None => ("capability".to_string(), Vec::new()),
    };
    let methods: Vec<&str> = methods.iter().map(String::as_str).collect();
    let doc = known.map(|i| format!("Cap'n Proto interface {} ({:#x})", i.name, i.id));
    Capability::host(id, &name, doc.as_deref(), &methods)
}

/// The ordinal of a method given as a Glia keyword (`:find-providers`).
pub fn ordinal(interface: u64, method: &Keyword) -> Option<u16> {
    schema::interfaces().get(&interface)?.method(method.name())
}
