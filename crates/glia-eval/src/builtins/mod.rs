//! The native part of the core library: builtin fns are ordinary values
//! (`Value::Builtin`) bound to vars in `glia.core`.
//!
//! A pure builtin ([`PureFn`]) receives its arguments as a mutable slice
//! of the VM stack, so it may take an argument by value (`std::mem::take`)
//! and, when it holds the only reference, update a collection in place. A
//! builtin that needs the VM ([`VmFn`]) cannot also borrow its stack: its
//! arguments are moved out into a `Vec` it owns.

/// A builtin of one argument that says whether it matches `$pat`.
macro_rules! predicate {
    ($fname:ident, $pat:pat) => {
        fn $fname(a: &mut [Value]) -> Result<Value, Error> {
            Ok(Value::Bool(matches!(&a[0], $pat)))
        }
    };
}

mod bits;
mod caps;
pub(crate) mod chunks;
mod colls;
mod docs;
mod errors;
mod format;
mod json;
mod meta;
mod namespaces;
mod numbers;
mod preds;
mod realize;
mod regex;
mod seqs;
mod strings;
mod text;

use crate::error::{Error, ErrorType};
use crate::namespace::Namespace;
use crate::value::Value;
use crate::vm::Vm;
use crate::vm::realize::Finder;

pub use colls::{get, index_of};
pub use docs::{document, document_var};
pub use namespaces::{Load, stdlib_modules};
pub(crate) use seqs::cons_onto;
pub use seqs::{seq_items, seq_of};

pub type PureFn = fn(&mut [Value]) -> Result<Value, Error>;
pub type VmFn = fn(&mut Vm, Vec<Value>) -> Result<Value, Error>;

#[derive(Clone, Copy, Debug)]
pub enum BuiltinFn {
    Pure(PureFn),
    /// Needs the VM (namespaces, dynamic bindings, the compiler, gensyms).
    Vm(VmFn),
    /// `apply`, which the VM performs itself so that the callee runs on the
    /// heap stack like any other call.
    Apply,
    /// `perform`, which suspends the caller (see `vm::effects`).
    Perform,
    /// A chunk loop of `map`, `filter` or `reduce`, which calls a Glia fn
    /// per element (see `vm::chunks`).
    Chunk(chunks::ChunkLoop),
}

pub struct Builtin {
    pub name: &'static str,
    pub min: u16,
    /// `u16::MAX` for variadic.
    pub max: u16,
    pub f: BuiltinFn,
    /// What of its arguments must be realized before it runs (see
    /// `vm::realize`); `None` for builtins that read no seq.
    pub realize: Option<Finder>,
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
        realize: None,
    }
}

pub(crate) const fn with_vm(name: &'static str, min: u16, max: u16, f: VmFn) -> Builtin {
    Builtin {
        name,
        min,
        max,
        f: BuiltinFn::Vm(f),
        realize: None,
    }
}

impl Builtin {
    /// The builtin, with its arguments realized by `find` first.
    pub(crate) const fn realizing(mut self, find: Finder) -> Builtin {
        self.realize = Some(find);
        self
    }
}

static APPLY: Builtin = Builtin {
    name: "apply",
    min: 2,
    max: MANY,
    f: BuiltinFn::Apply,
    realize: Some(realize::last_spine),
};

static PERFORM: Builtin = Builtin {
    name: "perform",
    min: 1,
    max: MANY,
    f: BuiltinFn::Perform,
    realize: None,
};

/// `identity`, after realizing every lazy seq in its argument: what an
/// evaluation's value goes through before the embedding sees it.
static REALIZE_ALL: Builtin =
    pure("--realize-all", 1, 1, |a| Ok(std::mem::take(&mut a[0]))).realizing(realize::all_deep);

pub fn realize_all() -> Value {
    Value::Builtin(&REALIZE_ALL)
}

/// Binds every builtin: most in `glia.core`, the string fns in
/// `glia.string`.
pub fn install(core: &Namespace, string: &Namespace) {
    for b in text::BUILTINS {
        string.intern(b.name).set(Value::Builtin(b));
    }
    let tables: [&'static [Builtin]; 14] = [
        chunks::BUILTINS,
        json::BUILTINS,
        namespaces::BUILTINS,
        bits::BUILTINS,
        format::BUILTINS,
        regex::BUILTINS,
        caps::BUILTINS,
        numbers::BUILTINS,
        preds::BUILTINS,
        colls::BUILTINS,
        seqs::BUILTINS,
        strings::BUILTINS,
        errors::BUILTINS,
        meta::BUILTINS,
    ];
    for b in tables
        .into_iter()
        .flatten()
        .chain([&APPLY, &PERFORM, &REALIZE_ALL])
    {
        core.intern(b.name).set(Value::Builtin(b));
    }
}

/// `n` things, in an error message: "1 argument", "2 arguments".
pub(crate) fn plural(n: usize, thing: &str) -> String {
    format!("{n} {thing}{}", if n == 1 { "" } else { "s" })
}

/// What a callable taking `min` to `max` arguments ([`MANY`]: no limit)
/// takes, in an arity error: "1 argument", "at least 2 arguments", "1 to
/// 3 arguments".
pub(crate) fn arity_text(min: u16, max: u16) -> String {
    let min_text = plural(min.into(), "argument");
    if min == max {
        min_text
    } else if max == MANY {
        format!("at least {min_text}")
    } else {
        format!("{min} to {max} arguments")
    }
}

/// The `[start end)` range of the `len` elements of `a[0]` that `subs` and
/// `subvec` take, from the integer arguments after it (`end` defaults to
/// `len`). `kind` and `unit` describe `a[0]` in errors: "a string" of
/// `len` "characters".
fn slice_bounds(
    a: &[Value],
    fname: &str,
    len: usize,
    kind: &str,
    unit: &str,
) -> Result<(usize, usize), Error> {
    let len = len as i64;
    let int = |v: &Value| match v {
        Value::Int(i) => Ok(*i),
        other => Err(expected("an integer index", fname, other)),
    };
    let start = int(&a[1])?;
    let end = match a.get(2) {
        Some(e) => int(e)?,
        None => len,
    };
    if start < 0 || end > len || start > end {
        return Err(Error::new(
            ErrorType::IndexOutOfBounds,
            format!("{fname} [{start} {end}) is out of bounds for {kind} of {len} {unit}"),
        ));
    }
    Ok((start as usize, end as usize))
}

/// A string argument of `fname`.
pub(crate) fn string_arg<'a>(v: &'a Value, fname: &str) -> Result<&'a str, Error> {
    v.as_str().ok_or_else(|| expected("a string", fname, v))
}

/// An argument of the wrong type.
pub(crate) fn expected(what: &str, fname: &str, got: &Value) -> Error {
    Error::type_mismatch(format!(
        "`{fname}` expects {what}, got {}",
        crate::value::described(got)
    ))
    .with_hint(format!("the argument was {}", crate::value::pr_str(got)))
}
