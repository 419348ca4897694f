//! The membrane a cell grafts to receive its grants.

use capnp::capability::Client;

use crate::schema::membrane_capnp::membrane;

/// The capabilities granted to one cell, under their names.
pub struct Membrane {
    grants: Vec<(String, Client)>,
}

impl std::fmt::Debug for Membrane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.grants.iter().map(|(name, _)| name))
            .finish()
    }
}

/// Two grants under one name: the cell could not tell them apart.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is granted twice; give each grant its own name")]
pub struct DuplicateGrant(pub String);

impl Membrane {
    /// A membrane that grants exactly `grants`, in this order.
    pub fn new(
        grants: impl IntoIterator<Item = (String, Client)>,
    ) -> Result<Membrane, DuplicateGrant> {
        let mut seen = std::collections::HashSet::new();
        let grants: Vec<_> = grants.into_iter().collect();
        for (name, _) in &grants {
            if !seen.insert(name.as_str()) {
                return Err(DuplicateGrant(name.clone()));
            }
        }
        Ok(Membrane { grants })
    }

    /// This membrane as a capability to hand out.
    pub fn client(self) -> membrane::Client {
        capnp_rpc::new_client(self)
    }
}

impl membrane::Server for Membrane {
    async fn graft(
        self: std::rc::Rc<Self>,
        _: membrane::GraftParams,
        mut results: membrane::GraftResults,
    ) -> Result<(), capnp::Error> {
        let mut exports = results.get().init_exports(self.grants.len() as u32);
        for (i, (name, cap)) in self.grants.iter().enumerate() {
            let mut export = exports.reborrow().get(i as u32);
            export.set_name(name);
            export.init_cap().set_as_capability(cap.hook.add_ref());
        }
        Ok(())
    }
}
