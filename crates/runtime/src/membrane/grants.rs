//! The membrane a cell grafts to receive its grants.

use std::rc::Rc;

use capnp::capability::{Client, FromClientHook};

use super::{Epoch, Policy, guard};
use crate::schema::membrane_capnp::membrane;

/// A capability granted under a name, seen through a policy.
pub struct Grant {
    pub name: String,
    pub cap: Client,
    pub policy: Rc<Policy>,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grant")
            .field("name", &self.name)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl Grant {
    /// `cap` as it is, as `name`.
    pub fn new(name: impl Into<String>, cap: impl FromClientHook) -> Grant {
        Grant {
            name: name.into(),
            cap: Client::new(cap.into_client_hook()),
            policy: Rc::new(Policy::all()),
        }
    }

    /// This grant narrowed by `policy` too.
    pub fn only(mut self, policy: &Policy) -> Grant {
        self.policy = Rc::new(self.policy.and(policy));
        self
    }
}

/// The capabilities granted to one cell, under their names: what its
/// `graft` returns, each guarded by its policy and by the epoch current at
/// the graft (so advancing the epoch revokes them, and grafting again
/// gives fresh ones).
pub struct Membrane {
    grants: Vec<Grant>,
    epoch: Epoch,
}

impl std::fmt::Debug for Membrane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Membrane")
            .field("grants", &self.grants)
            .field("epoch", &self.epoch.current())
            .finish()
    }
}

/// Two grants under one name: the cell could not tell them apart.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is granted twice; give each grant its own name")]
pub struct DuplicateGrant(pub String);

impl Membrane {
    /// A membrane that grants exactly `grants`, in this order, under
    /// `epoch`.
    pub fn new(
        epoch: &Epoch,
        grants: impl IntoIterator<Item = Grant>,
    ) -> Result<Membrane, DuplicateGrant> {
        let grants: Vec<Grant> = grants.into_iter().collect();
        let mut seen = std::collections::HashSet::new();
        for grant in &grants {
            if !seen.insert(grant.name.as_str()) {
                return Err(DuplicateGrant(grant.name.clone()));
            }
        }
        Ok(Membrane {
            grants,
            epoch: epoch.clone(),
        })
    }

    /// This membrane as a capability to hand out.
    pub fn client(self) -> membrane::Client {
        capnp_rpc::new_client(self)
    }
}

impl membrane::Server for Membrane {
    async fn graft(
        self: Rc<Self>,
        _: membrane::GraftParams,
        mut results: membrane::GraftResults,
    ) -> Result<(), capnp::Error> {
        let mut exports = results.get().init_exports(self.grants.len() as u32);
        for (i, grant) in self.grants.iter().enumerate() {
            let mut export = exports.reborrow().get(i as u32);
            export.set_name(&grant.name);
            let cap = guard(grant.cap.clone(), grant.policy.clone(), &self.epoch);
            export.init_cap().set_as_capability(cap.hook);
        }
        Ok(())
    }
}
