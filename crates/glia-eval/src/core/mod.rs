//! The parts of `glia.core` (`core.glia`) and `glia.string`
//! (`stdlib/glia/string.glia`) written in Glia, compiled a definition at a
//! time when first used.
//!
//! Compiling the whole library (some 400 definitions, most of them
//! expanding macros) took most of a session's start. Instead, starting a
//! session only reads the text and files each top-level definition under
//! the var it defines ([`Var::pending`]); the compiler compiles a
//! definition the first time it resolves its var (and, through it, the
//! definitions that one uses), and `ns-publics` and friends compile a whole
//! namespace's before listing it. Every top-level form of `core.glia` is
//! therefore a definition of a distinct name, which a test checks.

use std::rc::Rc;

use glia_syntax::{Form, FormKind};

use crate::error::{Error, ErrorType};
use crate::eval::{Compiled, compile_step};
use crate::namespace::{Pending, Var};
use crate::vm::Vm;

/// The Glia parts of namespaces whose other vars are native: their text
/// and where it is filed.
pub(crate) const SOURCES: &[(&str, &str, &str)] = &[
    (crate::CORE_NS, "glia/core.glia", include_str!("core.glia")),
    (
        "glia.string",
        "glia/string.glia",
        include_str!("../../../../stdlib/glia/string.glia"),
    ),
];

/// The heads of the forms that define one var, named by their second element.
const DEFINERS: &[&str] = &["def", "defn", "defn-", "defmacro", "defonce"];

/// The name a top-level form defines, if it is a definition.
pub(crate) fn defined_name(form: &Form) -> Option<&str> {
    let FormKind::List(items) = &form.kind else {
        return None;
    };
    let head = items.first()?.as_simple_symbol()?;
    if !DEFINERS.contains(&head) {
        return None;
    }
    items.get(1)?.as_simple_symbol()
}

/// Files every definition of `core.glia` (and of the Glia part of
/// `glia.string`) under its var.
pub(crate) fn index(vm: &mut Vm) -> Result<(), String> {
    for (ns, name, text) in SOURCES {
        let ns = vm.namespaces.get_or_create(ns);
        let source = Rc::new(crate::Source::new(name, text));
        let read = glia_syntax::read(text);
        if let Some(e) = read.errors.first() {
            return Err(format!("{name} does not read: {}", e.message));
        }
        for form in read.forms {
            let Some(defined) = defined_name(&form) else {
                return Err(format!(
                    "{name} has a top-level form that defines nothing: {}",
                    &text[form.span.start..form.span.end]
                ));
            };
            let var = ns.intern(defined);
            if var.pending.borrow().is_some() {
                return Err(format!("{name} defines `{defined}` twice"));
            }
            *var.pending.borrow_mut() = Some(Pending {
                form,
                source: source.clone(),
            });
        }
    }
    Ok(())
}

impl Vm {
    /// Compiles and runs `var`'s definition if it is still pending, in the
    /// var's namespace whatever the current one.
    pub fn ensure_loaded(&mut self, var: &Rc<Var>) -> Result<(), Error> {
        let Some(pending) = var.pending.borrow_mut().take() else {
            return Ok(());
        };
        let ns = self.namespaces.get_or_create(&var.ns);
        let home = std::mem::replace(&mut self.current_ns, ns);
        // A check records facts and lints about the text it checks, not
        // about the library definitions that text happens to load first
        // (their spans are in another file).
        let (facts, lints) = (self.facts.take(), self.lints.take());
        let loaded = self.load_definition(pending);
        (self.facts, self.lints) = (facts, lints);
        self.current_ns = home;
        loaded.map_err(|e| {
            Error::new(
                ErrorType::Internal,
                format!("`{}` failed to load: {e}", var.qualified_name()),
            )
        })?;
        crate::builtins::document_var(var);
        Ok(())
    }

    fn load_definition(&mut self, pending: Pending) -> Result<(), String> {
        let mut forms = vec![pending.form];
        while let Some(form) = forms.pop() {
            let mut budget = crate::compiler::MAX_EXPANSIONS;
            match compile_step(self, &pending.source, form, &mut budget) {
                Ok(Compiled::Run(closure, _)) => {
                    self.call_value(&crate::value::Value::Fn(closure), Vec::new())
                        .map_err(|e| e.message())?;
                }
                Ok(Compiled::Split(items)) => forms.extend(items.into_iter().rev()),
                Err(e) => return Err(e.message.clone()),
            }
        }
        Ok(())
    }

    /// Compiles every pending definition of a namespace (before listing it).
    pub fn load_namespace(&mut self, ns: &str) -> Result<(), Error> {
        let Some(ns) = self.namespaces.get(ns) else {
            return Ok(());
        };
        let pending: Vec<Rc<Var>> = ns
            .mappings
            .borrow()
            .values()
            .filter(|v| v.pending.borrow().is_some())
            .cloned()
            .collect();
        for var in pending {
            self.ensure_loaded(&var)?;
        }
        Ok(())
    }
}
