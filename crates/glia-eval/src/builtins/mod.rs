//! The native part of the core library: builtin fns are ordinary values
//! (`Value::Builtin`) bound to vars in `glia.core`.
//!
//! A builtin receives its arguments as a mutable slice of the VM stack, so
//! it may take an argument by value (`std::mem::take`) and, when it holds
//! the only reference, update a collection in place.

mod colls;
mod errors;
mod meta;
mod numbers;
mod preds;
mod seqs;
mod strings;

use crate::error::Error;
use crate::namespace::Namespace;
use crate::value::Value;
use crate::vm::Vm;

pub use colls::{get, index_of};
pub use seqs::seq_items;

pub type PureFn = fn(&mut [Value]) -> Result<Value, Error>;
pub type VmFn = fn(&mut Vm, Vec<Value>) -> Result<Value, Error>;

#[derive(Clone, Copy, Debug)]
pub enum BuiltinFn {
    Pure(PureFn),
    /// Needs the VM (namespaces, the compiler, gensyms).
    Vm(VmFn),
    /// `apply`, which the VM performs itself so that the callee runs on the
    /// heap stack like any other call.
    Apply,
}

pub struct Builtin {
    pub name: &'static str,
    pub min: u16,
    /// `u16::MAX` for variadic.
    pub max: u16,
    pub f: BuiltinFn,
}

impl std::fmt::Debug for Builtin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#builtin[{}]", self.name)
    }
}

pub const MANY: u16 = u16::MAX;

pub(crate) const fn pure(name: &'static str, min: u16, max: u16, f: PureFn) -> Builtin {
    Builtin {
        name,
        min,
        max,
        f: BuiltinFn::Pure(f),
    }
}

pub(crate) const fn with_vm(name: &'static str, min: u16, max: u16, f: VmFn) -> Builtin {
    Builtin {
        name,
        min,
        max,
        f: BuiltinFn::Vm(f),
    }
}

static APPLY: Builtin = Builtin {
    name: "apply",
    min: 2,
    max: MANY,
    f: BuiltinFn::Apply,
};

/// Binds every builtin in `glia.core`.
pub fn install(core: &Namespace) {
    let tables: [&'static [Builtin]; 7] = [
        numbers::BUILTINS,
        preds::BUILTINS,
        colls::BUILTINS,
        seqs::BUILTINS,
        strings::BUILTINS,
        errors::BUILTINS,
        meta::BUILTINS,
    ];
    for b in tables.into_iter().flatten().chain([&APPLY]) {
        core.intern(b.name).set(Value::Builtin(b));
    }
}

pub(crate) fn article(v: &Value) -> &'static str {
    crate::vm::call::article(v)
}

/// An argument of the wrong type.
pub(crate) fn expected(what: &str, fname: &str, got: &Value) -> Error {
    Error::type_mismatch(format!(
        "`{fname}` expects {what}, got {}",
        crate::value::described(got)
    ))
    .with_hint(format!("the argument was {}", crate::value::pr_str(got)))
}
