//! Namespaces and vars.
//!
//! Globals are late-bound: compiled code holds the `Rc<Var>` and reads its
//! root on every use, so redefinition (at the REPL, or by a later `defn`)
//! is visible to every existing caller, and recursion by name works before
//! the definition finishes.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use crate::value::Value;

pub struct Var {
    pub ns: Rc<str>,
    pub name: Rc<str>,
    /// `None` while declared but unbound.
    pub root: RefCell<Option<Value>>,
    pub dynamic: Cell<bool>,
    pub is_macro: Cell<bool>,
    pub meta: RefCell<Option<Value>>,
    /// The definition of a `glia.core` var not compiled yet: the core
    /// library is compiled a definition at a time, when first used (see
    /// `Vm::ensure_loaded`), so that starting a session costs little.
    pub pending: RefCell<Option<Pending>>,
}

impl Var {
    /// The var's metadata with its `:ns` and `:name` in it, as a Clojure
    /// var's always are: one an embedding bound from Rust (`host`, say)
    /// has no other, and `doc` and `find-doc` print its name from them.
    pub fn named_meta(&self) -> Value {
        let key = |k: &str| Value::keyword(None, k);
        let mut meta = match &*self.meta.borrow() {
            Some(Value::Map(m)) => (**m).clone(),
            _ => crate::value::Map::default(),
        };
        for (k, v) in [("ns", &self.ns), ("name", &self.name)] {
            if meta.get(&key(k)).is_none_or(Value::is_nil) {
                meta.insert(key(k), Value::symbol(None, v));
            }
        }
        Value::Map(Rc::new(meta))
    }
}

/// A definition waiting to be compiled, and the text it is in.
#[derive(Debug)]
pub struct Pending {
    pub form: glia_syntax::Form,
    pub source: Rc<crate::Source>,
}

impl Var {
    pub fn new(ns: Rc<str>, name: Rc<str>) -> Var {
        Var {
            ns,
            name,
            root: RefCell::new(None),
            dynamic: Cell::new(false),
            is_macro: Cell::new(false),
            meta: RefCell::new(None),
            pending: RefCell::new(None),
        }
    }

    pub fn qualified_name(&self) -> String {
        format!("{}/{}", self.ns, self.name)
    }

    pub fn get(&self) -> Option<Value> {
        self.root.borrow().clone()
    }

    pub fn set(&self, v: Value) {
        *self.root.borrow_mut() = Some(v);
    }
}

/// Cells (`letfn`) and vars can hold values that hold vars, deeply.
impl Drop for Var {
    fn drop(&mut self) {
        let v = self.root.take();
        crate::value::deep(move || drop(v));
    }
}

impl fmt::Debug for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#'{}", self.qualified_name())
    }
}

#[derive(Debug)]
pub struct Namespace {
    pub name: Rc<str>,
    pub mappings: RefCell<HashMap<Rc<str>, Rc<Var>>>,
    pub aliases: RefCell<HashMap<Rc<str>, Rc<str>>>,
}

impl Namespace {
    pub fn new(name: &str) -> Namespace {
        Namespace {
            name: name.into(),
            mappings: RefCell::new(HashMap::new()),
            aliases: RefCell::new(HashMap::new()),
        }
    }

    pub fn lookup(&self, name: &str) -> Option<Rc<Var>> {
        self.mappings.borrow().get(name).cloned()
    }

    /// The var `name` in this namespace, created unbound if missing.
    pub fn intern(&self, name: &str) -> Rc<Var> {
        if let Some(var) = self.lookup(name)
            && *var.ns == *self.name
        {
            return var;
        }
        let var = Rc::new(Var::new(self.name.clone(), name.into()));
        self.mappings.borrow_mut().insert(name.into(), var.clone());
        var
    }
}

/// All namespaces of one VM.
#[derive(Debug, Default)]
pub struct Namespaces {
    pub table: HashMap<Rc<str>, Rc<Namespace>>,
}

impl Namespaces {
    pub fn get(&self, name: &str) -> Option<Rc<Namespace>> {
        self.table.get(name).cloned()
    }

    pub fn get_or_create(&mut self, name: &str) -> Rc<Namespace> {
        self.table
            .entry(name.into())
            .or_insert_with(|| Rc::new(Namespace::new(name)))
            .clone()
    }
}

/// The namespace a name means: Clojure's `clojure.x` namespaces are
/// Glia's `glia.x` (so `clojure.string/join` and `(require
/// '[clojure.set :as set])` work as written).
pub fn canonical(name: &str) -> Rc<str> {
    match name.strip_prefix("clojure.") {
        Some(rest) => format!("glia.{rest}").into(),
        None => name.into(),
    }
}
