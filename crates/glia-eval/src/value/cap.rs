//! Capabilities (spec §6): opaque values with identity, the only way Glia
//! code reaches anything outside itself. A capability is an *origin* (its
//! name, doc and methods) seen through a set of allowed methods:
//! `attenuate` makes a copy of the same origin that allows fewer. Handlers
//! installed on a capability match its origin, so they see calls made
//! through every attenuated copy.

use std::rc::Rc;

use super::{Keyword, Value};

/// What a capability is: the same for all its attenuated copies.
#[derive(Debug)]
pub struct Origin {
    pub name: String,
    pub doc: Option<String>,
    /// Every method, in definition order.
    pub methods: Vec<Keyword>,
    pub backing: Backing,
}

/// Who answers a capability's methods when no handler interposes.
#[derive(Debug)]
pub enum Backing {
    /// Glia fns by method name (`defcap`), in `Origin::methods` order.
    Glia(Vec<Value>),
    /// The embedding: a `perform` on it goes to the host, which tells its
    /// capabilities apart by `id` (a Cap'n Proto client, say) and can
    /// enforce [`Capability::allowed`] on the wire.
    Host { id: u64 },
}

/// A capability value: an origin and the methods this copy allows.
#[derive(Debug)]
pub struct Capability {
    pub origin: Rc<Origin>,
    /// A subset of `origin.methods`, in their order.
    pub allowed: Vec<Keyword>,
}

impl Capability {
    /// A capability allowing all its methods.
    pub fn new(origin: Origin) -> Capability {
        Capability {
            allowed: origin.methods.clone(),
            origin: Rc::new(origin),
        }
    }

    /// A capability the embedding answers (`(perform cap :method ...)`
    /// reaches its host as an effect whose target is the capability).
    pub fn host(id: u64, name: &str, doc: Option<&str>, methods: &[&str]) -> Capability {
        Capability::new(Origin {
            name: name.to_string(),
            doc: doc.map(str::to_string),
            methods: methods.iter().map(|m| Keyword::intern(None, m)).collect(),
            backing: Backing::Host { id },
        })
    }

    /// The copy allowing only the methods in both this copy and `only`:
    /// attenuation never widens.
    pub fn attenuate(&self, only: &[Keyword]) -> Capability {
        Capability {
            origin: self.origin.clone(),
            allowed: self
                .allowed
                .iter()
                .filter(|m| only.contains(m))
                .cloned()
                .collect(),
        }
    }

    pub fn allows(&self, method: &Keyword) -> bool {
        self.allowed.contains(method)
    }

    /// The host id, for a capability the embedding answers.
    pub fn host_id(&self) -> Option<u64> {
        match self.origin.backing {
            Backing::Host { id } => Some(id),
            Backing::Glia(_) => None,
        }
    }

    /// The Glia fn implementing `method`, for a `defcap` capability.
    pub fn method_fn(&self, method: &Keyword) -> Option<&Value> {
        match &self.origin.backing {
            Backing::Glia(fns) => self
                .origin
                .methods
                .iter()
                .position(|m| m == method)
                .and_then(|i| fns.get(i)),
            Backing::Host { .. } => None,
        }
    }

    /// Two copies are the same capability: one origin, same methods.
    pub fn same(&self, other: &Capability) -> bool {
        Rc::ptr_eq(&self.origin, &other.origin) && self.allowed == other.allowed
    }

    pub fn same_origin(&self, other: &Capability) -> bool {
        Rc::ptr_eq(&self.origin, &other.origin)
    }
}

impl From<Capability> for Value {
    fn from(c: Capability) -> Value {
        Value::Cap(Rc::new(c))
    }
}
