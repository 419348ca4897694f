//! The standard library described once per server: completion, semantic
//! tokens and signature help ask about its vars on every keystroke, and
//! describing them compiles the core library's definitions.

use std::collections::HashMap;

use glia_eval::{Description, Glia};

#[derive(Default)]
pub struct Library {
    glia: Option<Glia>,
    vars: HashMap<String, Vec<Description>>,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library")
            .field("namespaces", &self.vars.len())
            .finish()
    }
}

impl Library {
    fn glia(&mut self) -> &mut Glia {
        self.glia.get_or_insert_with(Glia::new)
    }

    /// Whether `ns` is a namespace of the standard library.
    pub fn has(&self, ns: &str) -> bool {
        ns == glia_eval::CORE_NS || glia_eval::stdlib_sources().iter().any(|(n, _, _)| *n == ns)
    }

    /// The public vars of a standard namespace, described (loading the
    /// module the first time).
    pub fn vars(&mut self, ns: &str) -> &[Description] {
        if !self.vars.contains_key(ns) {
            let glia = self.glia();
            // A module not loaded yet is loaded by requiring it.
            if glia.namespace_names().iter().all(|n| n != ns) {
                let _ = glia.eval_str("lsp", &format!("(require '{ns})"));
            }
            let mut vars: Vec<Description> = glia
                .vars_of(ns)
                .into_iter()
                .filter(Description::is_public)
                .collect();
            vars.sort_by(|a, b| a.name.cmp(&b.name));
            self.vars.insert(ns.to_string(), vars);
        }
        &self.vars[ns]
    }

    pub fn describe(&mut self, ns: &str, name: &str) -> Option<Description> {
        self.vars(ns).iter().find(|d| d.name == name).cloned()
    }

    /// The standard namespaces, core first.
    pub fn namespaces() -> Vec<&'static str> {
        let mut out = vec![glia_eval::CORE_NS];
        out.extend(
            glia_eval::stdlib_sources()
                .iter()
                .map(|(n, _, _)| *n)
                .filter(|n| *n != glia_eval::CORE_NS),
        );
        out.dedup();
        out
    }
}
