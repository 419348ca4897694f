//! Atoms, metadata, vars, gensyms and macro expansion.

use std::cell::RefCell;
use std::rc::Rc;

use glia_syntax::Span;

use super::{Builtin, expected, pure, with_vm};
use crate::compiler::{Compiler, MAX_EXPANSIONS};
use crate::convert::{Spans, form_to_value, value_to_form};
use crate::error::Error;
use crate::value::{Atom, Value};
use crate::vm::Vm;

fn atom(a: &mut [Value]) -> Result<Value, Error> {
    crate::vm::charge(64)?;
    let meta = a
        .get(2)
        .cloned()
        .filter(|_| matches!(a.get(1), Some(Value::Keyword(k)) if k.name() == "meta"));
    Ok(Value::Atom(Rc::new(Atom {
        value: RefCell::new(std::mem::take(&mut a[0])),
        meta: RefCell::new(meta),
        watches: RefCell::new(Vec::new()),
    })))
}

/// `@x`: an atom's value, a var's (its dynamic binding, if any), or a
/// delay's (forced first, see `realize::pending_delay`).
fn deref(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    match &a[0] {
        Value::Atom(x) => Ok(x.value.borrow().clone()),
        Value::Var(v) => vm.lookup_var(v),
        Value::Delay(d) => d.get().cloned().ok_or_else(super::seqs::unrealized),
        Value::Reduced(x) => Ok((**x).clone()),
        other => Err(expected(
            "an atom, var, delay or reduced value",
            "deref",
            other,
        )),
    }
}

fn reset(a: &mut [Value]) -> Result<Value, Error> {
    let Value::Atom(x) = a[0].clone() else {
        return Err(expected("an atom", "reset!", &a[0]));
    };
    let v = std::mem::take(&mut a[1]);
    *x.value.borrow_mut() = v.clone();
    Ok(v)
}

/// Sets the atom to `new` if its value is `=` to `old`. Clojure compares
/// by identity instead: there an equal but distinct collection does not
/// match; here it does.
fn compare_and_set(a: &mut [Value]) -> Result<Value, Error> {
    let Value::Atom(x) = a[0].clone() else {
        return Err(expected("an atom", "compare-and-set!", &a[0]));
    };
    let same = *x.value.borrow() == a[1];
    if same {
        *x.value.borrow_mut() = std::mem::take(&mut a[2]);
    }
    Ok(Value::Bool(same))
}

fn atom_arg(v: &Value, fname: &str) -> Result<Rc<Atom>, Error> {
    match v {
        Value::Atom(x) => Ok(x.clone()),
        other => Err(expected("an atom", fname, other)),
    }
}

/// `(add-watch atom key f)`: `(f key atom old new)` runs after every
/// change (`reset!`, `swap!`, `compare-and-set!`); a key replaces its
/// earlier watch.
fn add_watch(a: &mut [Value]) -> Result<Value, Error> {
    let x = atom_arg(&a[0], "add-watch")?;
    let (key, f) = (std::mem::take(&mut a[1]), std::mem::take(&mut a[2]));
    let mut w = x.watches.borrow_mut();
    w.retain(|(k, _)| *k != key);
    w.push((key, f));
    Ok(a[0].clone())
}

fn remove_watch(a: &mut [Value]) -> Result<Value, Error> {
    let x = atom_arg(&a[0], "remove-watch")?;
    x.watches.borrow_mut().retain(|(k, _)| *k != a[1]);
    Ok(a[0].clone())
}

/// The watches to notify: nil for none (the common case, checked fast).
fn watches(a: &mut [Value]) -> Result<Value, Error> {
    let x = atom_arg(&a[0], "--watches")?;
    let w = x.watches.borrow();
    Ok(if w.is_empty() {
        Value::Nil
    } else {
        Value::list(
            w.iter()
                .map(|(k, f)| Value::vector([k.clone(), f.clone()]))
                .collect::<Vec<_>>(),
        )
    })
}

fn meta(a: &mut [Value]) -> Result<Value, Error> {
    Ok(a[0].meta().unwrap_or_default())
}

fn with_meta(a: &mut [Value]) -> Result<Value, Error> {
    let m = std::mem::take(&mut a[1]).into_map_view();
    let meta = match m {
        Value::Nil => None,
        Value::Map(_) => Some(m),
        other => return Err(expected("a map", "with-meta", &other)),
    };
    // An exception gets its metadata as a plain map, like any update.
    Ok(match std::mem::take(&mut a[0]).into_map_view() {
        Value::Vector(mut v) => {
            Rc::make_mut(&mut v).meta = meta;
            Value::Vector(v)
        }
        Value::Map(mut v) => {
            Rc::make_mut(&mut v).meta = meta;
            Value::Map(v)
        }
        Value::Set(mut v) => {
            Rc::make_mut(&mut v).meta = meta;
            Value::Set(v)
        }
        Value::Fn(f) => Value::Fn(Rc::new(crate::chunk::Closure {
            proto: f.proto.clone(),
            captured: f.captured.clone(),
            meta,
        })),
        Value::SortedMap(mut v) => {
            Rc::make_mut(&mut v).meta = meta;
            Value::SortedMap(v)
        }
        Value::SortedSet(mut v) => {
            Rc::make_mut(&mut v).meta = meta;
            Value::SortedSet(v)
        }
        Value::Builtin(b) => {
            return Err(Error::type_mismatch(format!(
                "a builtin fn (`{}`) cannot carry metadata",
                b.name
            ))
            .with_hint("wrap it: (with-meta (fn [& args] (apply f args)) m)"));
        }
        Value::Symbol(mut s) => {
            Rc::make_mut(&mut s).meta = meta;
            Value::Symbol(s)
        }
        // Seqs carry no metadata here (lists from the reader keep theirs
        // in their forms).
        v @ (Value::List(_) | Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_)) => v,
        other => return Err(expected("a collection, symbol or fn", "with-meta", &other)),
    })
}

fn gensym(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    let prefix = match a.first() {
        None => "G__".to_string(),
        Some(Value::Str(s)) => (**s).clone(),
        Some(Value::Symbol(s)) => s.name.to_string(),
        Some(other) => return Err(expected("a string prefix", "gensym", other)),
    };
    Ok(Value::symbol(
        None,
        &format!("{prefix}{}", vm.next_gensym()),
    ))
}

fn expand(vm: &mut Vm, form: &Value, all: bool) -> Result<Value, Error> {
    let source = Rc::new(crate::Source::new("macroexpand", ""));
    let spans = Spans::default();
    let f = value_to_form(form, Span::default(), &spans)?;
    let mut compiler = Compiler::new(vm, source);
    let expanded = if all {
        compiler.macroexpand_all(&f, &mut MAX_EXPANSIONS.clone())?
    } else {
        compiler.macroexpand_1(&f)?
    };
    let Some(f) = expanded else {
        return Ok(form.clone());
    };
    let ns = vm.current_ns.name.clone();
    Ok(form_to_value(&f, &ns, &mut Spans::default()))
}

fn macroexpand_1(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    expand(vm, &a[0], false)
}

fn macroexpand(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    expand(vm, &a[0], true)
}

/// `(in-ns 'name)`: makes `name` the current namespace, created if missing.
/// It takes effect for the forms compiled after the one that runs it.
fn in_ns(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    match &a[0] {
        Value::Symbol(s) if s.ns.is_none() => {
            vm.current_ns = vm.namespaces.get_or_create(&s.name);
            vm.core.intern("*ns*").set(a[0].clone());
            Ok(a[0].clone())
        }
        other => Err(expected("an unqualified symbol", "in-ns", other)),
    }
}

fn var_get(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    match &a[0] {
        Value::Var(v) => vm.lookup_var(v),
        other => Err(expected("a var", "var-get", other)),
    }
}

fn set_var_root(a: &mut [Value]) -> Result<Value, Error> {
    match &a[0] {
        Value::Var(v) => {
            v.set(a[1].clone());
            Ok(std::mem::take(&mut a[1]))
        }
        other => Err(expected("a var", "--set-var-root!", other)),
    }
}

fn is_bound(a: &mut [Value]) -> Result<Value, Error> {
    match &a[0] {
        Value::Var(v) => Ok(Value::Bool(v.get().is_some())),
        other => Err(expected("a var", "bound?", other)),
    }
}

fn hash(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Int(crate::value::hash_value(&a[0]) as i64))
}

pub static BUILTINS: &[Builtin] = &[
    pure("atom", 1, 3, atom),
    with_vm("deref", 1, 1, deref).realizing(super::realize::pending_delay),
    pure("--reset!", 2, 2, reset),
    pure("add-watch", 3, 3, add_watch),
    pure("remove-watch", 2, 2, remove_watch),
    pure("--watches", 1, 1, watches),
    pure("--compare-and-set!", 3, 3, compare_and_set),
    pure("meta", 1, 1, meta),
    pure("with-meta", 2, 2, with_meta),
    with_vm("gensym", 0, 1, gensym),
    with_vm("macroexpand-1", 1, 1, macroexpand_1),
    with_vm("macroexpand", 1, 1, macroexpand),
    with_vm("var-get", 1, 1, var_get),
    with_vm("in-ns", 1, 1, in_ns),
    pure("bound?", 1, 1, is_bound),
    pure("--set-var-root!", 2, 2, set_var_root),
    pure("hash", 1, 1, hash).realizing(super::realize::all_deep),
];
