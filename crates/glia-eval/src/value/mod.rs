//! Glia values: what the VM computes with.
//!
//! A [`Value`] is 16 bytes: immediates inline, everything else behind an
//! `Rc`. Evaluation is single-threaded (one VM per session), so reference
//! counts need no atomics; persistent collections use imbl with `RcK`.

pub mod cap;
mod deep;
mod equiv;
mod keyword;
mod lazy;
mod list;
mod map;
mod num;
mod print;
mod set;
mod sorted;

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use num_bigint::BigInt;
use num_rational::BigRational;

pub use deep::deep;
pub use equiv::{compare, hash_combine_ordered, hash_value};
pub use keyword::Keyword;
pub use lazy::{
    Chunked, Cons, Lazy, SeqIter, is_chain, seq_view, unrealized_deep, unrealized_prefix,
    unrealized_spine,
};
pub use list::List;
pub use map::Map;
pub use num::described;
pub use num::{Num, arith, arith_as, compare_op};
pub(crate) use num::{check_number, is_zero, negate, num_equiv, signum, to_f64};
pub use print::{pr_str, print_str, str_of, write_value};
pub use set::Set;
pub use sorted::{SortedMap, SortedSet};

use crate::builtins::Builtin;
use crate::chunk::Closure;
use crate::error::Exception;
use crate::namespace::Var;

pub type Vector = imbl::GenericVector<Value, imbl::shared_ptr::RcK>;

#[derive(Clone, Default)]
pub enum Value {
    #[default]
    Nil,
    Bool(bool),
    Int(i64),
    Double(f64),
    Char(char),
    BigInt(Rc<BigInt>),
    Ratio(Rc<BigRational>),
    Str(Rc<String>),
    Keyword(Keyword),
    Symbol(Rc<Symbol>),
    List(Rc<List>),
    Vector(Rc<Vec_>),
    Map(Rc<Map>),
    Set(Rc<Set>),
    SortedMap(Rc<SortedMap>),
    SortedSet(Rc<SortedSet>),
    Fn(Rc<Closure>),
    Builtin(&'static Builtin),
    Var(Rc<Var>),
    Atom(Rc<Atom>),
    Regex(Rc<regex::Regex>),
    /// Binary data. Nothing in this crate makes one (there is no literal
    /// and no constructor fn yet): only an embedding that builds a `Value`
    /// itself can. `bytes?`, `count`, `nth`, `seq`, `=`, `hash` and the
    /// printer handle it.
    Bytes(Rc<Vec<u8>>),
    Error(Rc<Exception>),
    /// The rest of a computation suspended at a `perform`, as its handler
    /// receives it (`resume`).
    Cont(Rc<crate::vm::effects::Continuation>),
    /// A capability (see `cap`).
    Cap(Rc<cap::Capability>),
    /// A lazy seq (see `lazy`): realized by the VM before a builtin that
    /// needs its elements runs.
    Lazy(Rc<Lazy>),
    /// A seq cell whose rest may be lazy.
    Cons(Rc<Cons>),
    /// A seq over a chunk of realized elements, then a rest (see `lazy`).
    Chunked(Rc<Chunked>),
    /// `(delay ...)`: a value computed on first `force` or `deref`.
    Delay(Rc<Lazy>),
    /// `(reduced x)`: ends a `reduce` early with `x`.
    Reduced(Rc<Value>),
}

/// A vector with its metadata.
#[derive(Clone, Default)]
pub struct Vec_ {
    pub items: Vector,
    pub meta: Option<Value>,
}

impl Drop for Vec_ {
    fn drop(&mut self) {
        let items = std::mem::take(&mut self.items);
        deep(move || drop(items));
    }
}

/// A symbol; unlike keywords, symbols are not interned (they carry
/// metadata, which equality, hashing and ordering ignore).
#[derive(Clone)]
pub struct Symbol {
    pub ns: Option<Rc<str>>,
    pub name: Rc<str>,
    pub meta: Option<Value>,
}

impl Symbol {
    pub fn simple(name: &str) -> Self {
        Symbol::qualified(None, name)
    }

    pub fn qualified(ns: Option<&str>, name: &str) -> Self {
        Symbol {
            ns: ns.map(Into::into),
            name: name.into(),
            meta: None,
        }
    }
}

impl PartialEq for Symbol {
    fn eq(&self, other: &Self) -> bool {
        self.ns == other.ns && self.name == other.name
    }
}

impl Eq for Symbol {}

impl std::hash::Hash for Symbol {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.ns.hash(state);
        self.name.hash(state);
    }
}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Symbol {
    /// Clojure orders symbols by namespace (none first), then name.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.ns, &self.name).cmp(&(&other.ns, &other.name))
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.ns {
            Some(ns) => write!(f, "{ns}/{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A mutable reference with compare-and-set semantics.
pub struct Atom {
    pub value: RefCell<Value>,
    pub meta: RefCell<Option<Value>>,
    /// `add-watch`ers: key and fn, called (in Glia) after each change.
    pub watches: RefCell<Vec<(Value, Value)>>,
}

impl Drop for Atom {
    fn drop(&mut self) {
        let v = self.value.take();
        let w = self.watches.take();
        deep(move || drop((v, w)));
    }
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(Rc::new(s.into()))
    }

    pub fn keyword(ns: Option<&str>, name: &str) -> Value {
        Value::Keyword(Keyword::intern(ns, name))
    }

    pub fn symbol(ns: Option<&str>, name: &str) -> Value {
        Value::Symbol(Rc::new(Symbol::qualified(ns, name)))
    }

    pub fn vector(items: impl IntoIterator<Item = Value>) -> Value {
        Value::Vector(Rc::new(Vec_ {
            items: items.into_iter().collect(),
            meta: None,
        }))
    }

    pub fn list(items: impl IntoIterator<Item = Value, IntoIter: DoubleEndedIterator>) -> Value {
        Value::List(List::from_iter_rc(items))
    }

    pub fn bigint(b: BigInt) -> Value {
        Value::BigInt(Rc::new(b))
    }

    pub fn is_truthy(&self) -> bool {
        !matches!(self, Value::Nil | Value::Bool(false))
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// The name of the value's type, as error messages and `type` show it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Double(_) => "double",
            Value::Char(_) => "character",
            Value::BigInt(_) => "bigint",
            Value::Ratio(_) => "ratio",
            Value::Str(_) => "string",
            Value::Keyword(_) => "keyword",
            Value::Symbol(_) => "symbol",
            Value::List(_) => "list",
            Value::Vector(_) => "vector",
            Value::Map(_) => "map",
            Value::Set(_) => "set",
            Value::SortedMap(_) => "sorted map",
            Value::SortedSet(_) => "sorted set",
            Value::Fn(_) | Value::Builtin(_) => "function",
            Value::Var(_) => "var",
            Value::Atom(_) => "atom",
            Value::Regex(_) => "regex",
            Value::Bytes(_) => "bytes",
            Value::Error(_) => "exception",
            Value::Cont(_) => "continuation",
            Value::Cap(_) => "capability",
            Value::Lazy(_) => "lazy seq",
            Value::Cons(_) | Value::Chunked(_) => "seq",
            Value::Delay(_) => "delay",
            Value::Reduced(_) => "reduced",
        }
    }

    /// Whether `map?` holds: a map, sorted or not, or an exception (a
    /// read-only map, see [`Value::map_view`]).
    pub fn is_map(&self) -> bool {
        matches!(self, Value::Map(_) | Value::SortedMap(_) | Value::Error(_))
    }

    /// The value as the builtins that read or update maps see it: an
    /// exception is its map (a plain `Value::Map` sharing the exception's,
    /// so nothing is copied), anything else is itself. An update of the
    /// view is therefore a plain map: data, no longer an exception.
    /// `type`, `=`, `hash`, the printer and the `ex-*` fns look at the
    /// value itself, so an exception keeps its identity there.
    pub fn map_view(&self) -> std::borrow::Cow<'_, Value> {
        match self {
            Value::Error(e) => std::borrow::Cow::Owned(Value::Map(e.map.clone())),
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    /// [`Value::map_view`] of a value the caller owns (an update's target).
    pub fn into_map_view(self) -> Value {
        match self {
            Value::Error(e) => Value::Map(e.map.clone()),
            other => other,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(
            self,
            Value::Int(_) | Value::Double(_) | Value::BigInt(_) | Value::Ratio(_)
        )
    }

    /// The value's metadata (only collections, symbols, fns, vars and atoms
    /// carry any).
    pub fn meta(&self) -> Option<Value> {
        match self {
            Value::Vector(v) => v.meta.clone(),
            Value::Map(m) => m.meta.clone(),
            Value::Set(s) => s.meta.clone(),
            Value::SortedMap(m) => m.meta.clone(),
            Value::SortedSet(s) => s.meta.clone(),
            Value::Symbol(s) => s.meta.clone(),
            Value::Fn(f) => f.meta.clone(),
            Value::Var(v) => Some(v.named_meta()),
            Value::Atom(a) => a.meta.borrow().clone(),
            _ => None,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&pr_str(self))
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#atom[{:?}]", self.value.borrow())
    }
}

impl fmt::Debug for Vec_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.items.iter()).finish()
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_value_is_two_words() {
        assert_eq!(std::mem::size_of::<super::Value>(), 16);
    }
}
