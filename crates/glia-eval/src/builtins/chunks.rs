//! The per-chunk loops of `map`, `filter` and `reduce` over chunked seqs
//! (`--map-chunk`, `--filter-chunk`, `--reduce-chunk`, each given the
//! chunked seq whose first chunk to loop over). When the fn they
//! apply is itself a native, pure builtin (`inc`, `even?`, `+`, `str`...)
//! the loop runs here, in Rust: no Glia code runs, so the rule that
//! builtins never call back into Glia holds. For a Glia fn the VM runs the
//! loop (`vm::chunks`), calling the fn as an ordinary frame per element.

use super::{Builtin, BuiltinFn, MANY, PureFn};
use crate::error::Error;
use crate::value::{Chunked, Value};
use crate::vm::charge;

/// Which loop a chunk builtin runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkLoop {
    Map,
    Filter,
    Reduce,
}

/// `f` as a Rust fn that takes `argc` arguments, if it is one.
pub(crate) fn native(f: &Value, argc: usize) -> Option<PureFn> {
    let Value::Builtin(b) = f else {
        return None;
    };
    let takes = b.min as usize <= argc && (b.max == MANY || argc <= b.max as usize);
    match b.f {
        BuiltinFn::Pure(g) if takes && b.realize.is_none() => Some(g),
        _ => None,
    }
}

/// The elements left in the first chunk of the chunked seq `v`.
pub(crate) fn chunk<'a>(v: &'a Value, fname: &str) -> Result<&'a [Value], Error> {
    super::seqs::chunked(v, fname).map(Chunked::remaining)
}

/// A chunk of `items` with no rest yet (nil for none), for `--chunk-cons`.
pub(crate) fn chunk_of(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Nil
    } else {
        Chunked::seq(items, Value::Nil)
    }
}

/// `--map-chunk` for a native `f`: the chunk of `(f x)` for the `items`.
pub(crate) fn map_native(f: PureFn, items: &[Value]) -> Result<Value, Error> {
    charge(16 * items.len())?;
    let out = items
        .iter()
        .map(|x| f(&mut [x.clone()]))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(chunk_of(out))
}

/// `--filter-chunk` for a native `pred`: the chunk of the `items` it holds
/// for (nil for none).
pub(crate) fn filter_native(pred: PureFn, items: &[Value]) -> Result<Value, Error> {
    charge(16 * items.len())?;
    let mut out = Vec::new();
    for x in items {
        if pred(&mut [x.clone()])?.is_truthy() {
            out.push(x.clone());
        }
    }
    Ok(chunk_of(out))
}

/// `--reduce-chunk` for a native `f`: the accumulator after reducing the
/// `items` (a `reduced` value ends it, and is returned).
pub(crate) fn reduce_native(f: PureFn, mut acc: Value, items: &[Value]) -> Result<Value, Error> {
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
