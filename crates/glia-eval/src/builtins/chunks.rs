//! The per-chunk loops of `map`, `filter` and `reduce` over chunked seqs
//! (`--map-chunk`, `--filter-chunk`, `--reduce-chunk`). When the fn they
//! apply is itself a native, pure builtin (`inc`, `even?`, `+`, `str`...)
//! the loop runs here, in Rust: no Glia code runs, so the rule that
//! builtins never call back into Glia holds. For a Glia fn the VM runs the
//! loop (`vm::chunks`), calling the fn as an ordinary frame per element.

use super::{Builtin, BuiltinFn, MANY, expected};
use crate::error::Error;
use crate::value::{Value, Vec_, Vector};
use crate::vm::charge;

/// Which loop a chunk builtin runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkLoop {
    Map,
    Filter,
    Reduce,
}

/// `f` as a Rust fn that takes `argc` arguments, if it is one.
pub(crate) fn native(f: &Value, argc: usize) -> Option<super::PureFn> {
    let Value::Builtin(b) = f else {
        return None;
    };
    let takes = b.min as usize <= argc && (b.max == MANY || argc <= b.max as usize);
    match b.f {
        BuiltinFn::Pure(g) if takes && b.realize.is_none() => Some(g),
        _ => None,
    }
}

pub(crate) fn chunk<'a>(v: &'a Value, fname: &str) -> Result<&'a Vector, Error> {
    match v {
        Value::Vector(c) => Ok(&c.items),
        other => Err(expected("a chunk (vector)", fname, other)),
    }
}

pub(crate) fn vector(items: Vector) -> Value {
    Value::Vector(std::rc::Rc::new(Vec_ { items, meta: None }))
}

/// `(--map-chunk f chunk)`: the vector of `(f x)`, for a native `f`.
pub(crate) fn map_chunk(a: &mut [Value]) -> Result<Value, Error> {
    let Some(f) = native(&a[0], 1) else {
        return Ok(Value::Nil);
    };
    let items = chunk(&a[1], "--map-chunk")?;
    charge(16 * items.len())?;
    let mut out = Vector::new();
    for x in items {
        out.push_back(f(&mut [x.clone()])?);
    }
    Ok(vector(out))
}

/// `(--filter-chunk pred chunk)`: the vector of the elements `pred`
/// holds for, for a native `pred`.
pub(crate) fn filter_chunk(a: &mut [Value]) -> Result<Value, Error> {
    let Some(pred) = native(&a[0], 1) else {
        return Ok(Value::Nil);
    };
    let items = chunk(&a[1], "--filter-chunk")?;
    charge(16 * items.len())?;
    let mut out = Vector::new();
    for x in items {
        if pred(&mut [x.clone()])?.is_truthy() {
            out.push_back(x.clone());
        }
    }
    Ok(vector(out))
}

/// `(--reduce-chunk f acc chunk)`: the accumulator after reducing the
/// chunk (a `reduced` value ends it, and is returned), for a native `f`.
pub(crate) fn reduce_chunk(a: &mut [Value]) -> Result<Value, Error> {
    let Some(f) = native(&a[0], 2) else {
        return Ok(Value::Nil);
    };
    let mut acc = std::mem::take(&mut a[1]);
    let items = chunk(&a[2], "--reduce-chunk")?;
    charge(8 * items.len())?;
    for x in items {
        acc = f(&mut [acc, x.clone()])?;
        if matches!(acc, Value::Reduced(_)) {
            break;
        }
    }
    Ok(acc)
}

const fn looping(name: &'static str, argc: u16, l: ChunkLoop) -> Builtin {
    Builtin {
        name,
        min: argc,
        max: argc,
        f: BuiltinFn::Chunk(l),
        realize: None,
    }
}

pub static BUILTINS: &[Builtin] = &[
    looping("--map-chunk", 2, ChunkLoop::Map),
    looping("--filter-chunk", 2, ChunkLoop::Filter),
    looping("--reduce-chunk", 3, ChunkLoop::Reduce),
];
