//! Capabilities: `attenuate`, `methods`, `doc`, `cap?`, and the
//! constructor behind `defcap`.

use std::rc::Rc;

use super::{Builtin, expected, pure, seq_items};
use crate::error::Error;
use crate::value::cap::{Backing, Capability, Origin};
use crate::value::{Keyword, Value};

fn cap_of<'v>(v: &'v Value, fname: &str) -> Result<&'v Rc<Capability>, Error> {
    match v {
        Value::Cap(c) => Ok(c),
        other => Err(expected("a capability", fname, other)),
    }
}

fn keywords(v: &Value, fname: &str) -> Result<Vec<Keyword>, Error> {
    seq_items(v)
        .map_err(|_| expected("a collection of method keywords", fname, v))?
        .into_iter()
        .map(|m| match m {
            Value::Keyword(k) => Ok(k),
            other => Err(expected("method keywords", fname, &other)),
        })
        .collect()
}

/// `(attenuate cap [:m ...])`: a copy allowing only those of its methods.
/// A keyword that is not one of its methods is an error (a typo would
/// otherwise silently deny the method meant).
fn attenuate(a: &mut [Value]) -> Result<Value, Error> {
    let cap = cap_of(&a[0], "attenuate")?;
    let only = keywords(&a[1], "attenuate")?;
    if let Some(unknown) = only.iter().find(|m| !cap.origin.methods.contains(m)) {
        let known: Vec<String> = cap.origin.methods.iter().map(|m| m.to_string()).collect();
        return Err(Error::illegal_argument(format!(
            "`attenuate`: {unknown} is not a method of the capability {}",
            cap.origin.name
        ))
        .with_hint(format!("its methods are {}", known.join(" "))));
    }
    Ok(cap.attenuate(&only).into())
}

/// `(methods cap)`: the methods it allows, in definition order.
fn methods(a: &mut [Value]) -> Result<Value, Error> {
    let cap = cap_of(&a[0], "methods")?;
    Ok(Value::vector(
        cap.allowed.iter().cloned().map(Value::Keyword),
    ))
}

/// `(doc x)`: a capability's doc string, or a var's `:doc`.
fn doc(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Cap(c) => c
            .origin
            .doc
            .as_ref()
            .map_or(Value::Nil, |d| Value::str(d.clone())),
        Value::Var(v) => v.meta.borrow().as_ref().map_or(Value::Nil, |m| {
            crate::builtins::get(m, &Value::keyword(None, "doc"), Value::Nil)
        }),
        _ => Value::Nil,
    })
}

fn is_cap(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(matches!(a[0], Value::Cap(_))))
}

/// `(--make-cap 'name doc [:method f ...])`, what `defcap` expands to.
fn make_cap(a: &mut [Value]) -> Result<Value, Error> {
    let name = match &a[0] {
        Value::Symbol(s) => s.to_string(),
        other => return Err(expected("a symbol", "defcap", other)),
    };
    let doc = match &a[1] {
        Value::Nil => None,
        Value::Str(s) => Some(s.as_str().to_string()),
        other => return Err(expected("a doc string", "defcap", other)),
    };
    let pairs = seq_items(&a[2]).map_err(|_| expected("method pairs", "defcap", &a[2]))?;
    if !pairs.len().is_multiple_of(2) {
        return Err(
            Error::illegal_argument("`defcap` needs a fn for every method")
                .with_hint("usage: (defcap name \"doc\" :method (fn [args] ...) ...)"),
        );
    }
    let mut methods = Vec::new();
    let mut fns = Vec::new();
    for pair in pairs.chunks(2) {
        let Value::Keyword(m) = &pair[0] else {
            return Err(expected("a method keyword", "defcap", &pair[0]));
        };
        if methods.contains(m) {
            return Err(Error::illegal_argument(format!(
                "`defcap` defines the method {m} twice"
            )));
        }
        methods.push(m.clone());
        fns.push(pair[1].clone());
    }
    Ok(Capability::new(Origin {
        name,
        doc,
        methods,
        backing: Backing::Glia(fns),
    })
    .into())
}

pub static BUILTINS: &[Builtin] = &[
    pure("attenuate", 2, 2, attenuate),
    pure("methods", 1, 1, methods),
    pure("doc-string", 1, 1, doc),
    pure("cap?", 1, 1, is_cap),
    pure("--make-cap", 3, 3, make_cap),
];
