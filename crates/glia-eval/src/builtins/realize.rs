//! What of their arguments builtins need realized before they run (see
//! `vm::realize`): each finder names the first unrealized lazy seq (or
//! delay) in the part of the arguments its builtins read.

use crate::value::{Value, unrealized_deep, unrealized_prefix, unrealized_spine};
use crate::vm::realize::{Walk, seq_cell};

type Found = Option<(Value, Walk)>;

/// The first cell of the first argument (`first`, `seq`, `rest`).
pub fn first_cell(a: &[Value]) -> Found {
    unrealized_prefix(a.first()?, 1).map(|l| seq_cell(l, Walk::Once))
}

/// The first two cells of the first argument (`next`, `second`).
pub fn first_two(a: &[Value]) -> Found {
    unrealized_prefix(a.first()?, 2).map(|l| seq_cell(l, Walk::Once))
}

/// The first argument's whole spine (`count`, `vec`, `reverse`...).
pub fn first_spine(a: &[Value]) -> Found {
    unrealized_spine(a.first()?).map(|l| seq_cell(l, Walk::Spine))
}

/// The last argument's whole spine (`apply`).
pub fn last_spine(a: &[Value]) -> Found {
    unrealized_spine(a.last()?).map(|l| seq_cell(l, Walk::Spine))
}

/// The last argument's first cell (`list*`).
pub fn last_cell(a: &[Value]) -> Found {
    unrealized_prefix(a.last()?, 1).map(|l| seq_cell(l, Walk::Once))
}

/// Everything in every argument (`=`, `hash`, the printers, `set`).
pub fn all_deep(a: &[Value]) -> Found {
    a.iter()
        .find_map(unrealized_deep)
        .map(|l| seq_cell(l, Walk::Spine))
}

/// The cells up to the index in the second argument (`nth`, `nthnext`).
pub fn to_index(a: &[Value]) -> Found {
    let n = match a.get(1) {
        Some(Value::Int(i)) => (*i).max(0) as usize,
        _ => 0,
    };
    unrealized_prefix(a.first()?, n.saturating_add(1)).map(|l| seq_cell(l, Walk::Once))
}

/// Whether values are hashed as keys or elements in `v`.
fn hashes(v: &Value) -> bool {
    matches!(
        v,
        Value::Map(_) | Value::SortedMap(_) | Value::Set(_) | Value::SortedSet(_)
    )
}

/// `into`: the source's spine, and its elements too when they become keys.
pub fn into_source(a: &[Value]) -> Found {
    let from = a.get(1)?;
    if hashes(a.first()?) {
        unrealized_deep(from).map(|l| seq_cell(l, Walk::Spine))
    } else {
        unrealized_spine(from).map(|l| seq_cell(l, Walk::Spine))
    }
}

/// The keys among the arguments after a map or set (`get`, `contains?`,
/// `disj`, `dissoc`, `conj`): a lazy seq used as a key is hashed, so it is
/// realized; values stay as they are.
pub fn keys_after_first(a: &[Value]) -> Found {
    let target = a.first()?;
    let key_of = |v: &Value| match (target, v) {
        (Value::Map(_) | Value::SortedMap(_), Value::Vector(e)) if e.items.len() == 2 => {
            unrealized_deep(&e.items[0])
        }
        _ => unrealized_deep(v),
    };
    if !hashes(target) {
        return None;
    }
    a[1..]
        .iter()
        .find_map(key_of)
        .map(|l| seq_cell(l, Walk::Spine))
}

/// `assoc` on a map: its keys (every other argument from the second).
pub fn assoc_keys(a: &[Value]) -> Found {
    if !hashes(a.first()?) {
        return None;
    }
    a[1..]
        .iter()
        .step_by(2)
        .find_map(unrealized_deep)
        .map(|l| seq_cell(l, Walk::Spine))
}

/// `hash-map`: its keys.
pub fn even_deep(a: &[Value]) -> Found {
    a.iter()
        .step_by(2)
        .find_map(unrealized_deep)
        .map(|l| seq_cell(l, Walk::Spine))
}

/// A delay not yet forced (`force`, `deref`).
pub fn pending_delay(a: &[Value]) -> Found {
    match a.first()? {
        d @ Value::Delay(l) if !l.is_realized() => Some((d.clone(), Walk::Once)),
        _ => None,
    }
}

/// Every argument's spine (`--concat`).
pub fn all_spines(a: &[Value]) -> Found {
    a.iter()
        .find_map(unrealized_spine)
        .map(|l| seq_cell(l, Walk::Spine))
}
