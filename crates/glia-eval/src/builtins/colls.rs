//! Collection constructors and persistent updates.

use std::rc::Rc;

use super::seqs::list_or_nil;
use super::{Builtin, MANY, expected, plural, pure, seq_items, slice_bounds};
use crate::error::{Error, ErrorType};
use crate::value::{List, Map, Set, SortedMap, SortedSet, Value, Vec_};
use crate::vm::charge;

fn list(a: &mut [Value]) -> Result<Value, Error> {
    charge(32 * a.len())?;
    Ok(Value::list(
        a.iter_mut().map(std::mem::take).collect::<Vec<_>>(),
    ))
}

fn vector(a: &mut [Value]) -> Result<Value, Error> {
    charge(64 + 16 * a.len())?;
    Ok(Value::vector(a.iter_mut().map(std::mem::take)))
}

fn pairs(a: &mut [Value], name: &str) -> Result<Vec<(Value, Value)>, Error> {
    if a.len() % 2 == 1 {
        return Err(Error::illegal_argument(format!(
            "`{name}` needs an even number of arguments (keys and values), got {}",
            a.len()
        )));
    }
    charge(32 * a.len())?;
    Ok(a.chunks_mut(2)
        .map(|kv| (std::mem::take(&mut kv[0]), std::mem::take(&mut kv[1])))
        .collect())
}

fn hash_map(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Map(Rc::new(
        pairs(a, "hash-map")?.into_iter().collect(),
    )))
}

fn sorted_map(a: &mut [Value]) -> Result<Value, Error> {
    let mut m = SortedMap::default();
    for (k, v) in pairs(a, "sorted-map")? {
        m.insert(k, v).map_err(Error::type_mismatch)?;
    }
    Ok(Value::SortedMap(Rc::new(m)))
}

fn hash_set(a: &mut [Value]) -> Result<Value, Error> {
    charge(32 * a.len())?;
    Ok(Value::Set(Rc::new(
        a.iter_mut().map(std::mem::take).collect(),
    )))
}

fn sorted_set(a: &mut [Value]) -> Result<Value, Error> {
    charge(32 * a.len())?;
    let mut s = SortedSet::default();
    for x in a.iter_mut() {
        s.insert(std::mem::take(x)).map_err(Error::type_mismatch)?;
    }
    Ok(Value::SortedSet(Rc::new(s)))
}

/// `(frequencies coll)`: natively, since it calls no fn (a map updated
/// in place, first occurrences in order).
fn frequencies(a: &mut [Value]) -> Result<Value, Error> {
    let items = seq_items(&a[0])?;
    let mut counts = Map::default();
    for x in items {
        let n = match counts.get(&x) {
            Some(Value::Int(n)) => n + 1,
            _ => {
                charge(48)?;
                1
            }
        };
        counts.insert(x, Value::Int(n));
    }
    Ok(Value::Map(Rc::new(counts)))
}

fn set(a: &mut [Value]) -> Result<Value, Error> {
    let items = seq_items(&a[0])?;
    charge(32 * items.len())?;
    Ok(Value::Set(Rc::new(items.into_iter().collect())))
}

fn vec(a: &mut [Value]) -> Result<Value, Error> {
    if let Value::Vector(v) = &a[0]
        && v.meta.is_none()
    {
        return Ok(std::mem::take(&mut a[0]));
    }
    let items = seq_items(&a[0])?;
    charge(64 + 16 * items.len())?;
    Ok(Value::vector(items))
}

pub fn count_of(v: &Value) -> Result<usize, Error> {
    Ok(match &*v.map_view() {
        Value::Nil => 0,
        Value::List(l) => l.count(),
        Value::Vector(v) => v.items.len(),
        Value::Map(m) => m.len(),
        Value::Set(s) => s.len(),
        Value::SortedMap(m) => m.len(),
        Value::SortedSet(s) => s.len(),
        Value::Str(s) => s.chars().count(),
        Value::Bytes(b) => b.len(),
        chain @ (Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_)) => {
            let mut items = crate::value::SeqIter::new(chain);
            let n = items.by_ref().count();
            if items.blocked {
                return Err(super::seqs::unrealized());
            }
            n
        }
        other => return Err(expected("a collection or string", "count", other)),
    })
}

fn count(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Int(count_of(&a[0])? as i64))
}

/// An integer used as an index: a long, or a bigint that fits one
/// (`(= 1 1N)`, so `(get v 1N)` is `(get v 1)`).
pub fn index_of(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::BigInt(b) => num_traits::ToPrimitive::to_i64(&**b),
        _ => None,
    }
}

/// `(get coll key default)` for every associative thing; anything else
/// has no keys.
pub fn get(coll: &Value, key: &Value, default: Value) -> Value {
    let found = match coll {
        Value::Map(m) => m.get(key).cloned(),
        Value::SortedMap(m) => m.get(key).cloned(),
        Value::Set(s) => s.get(key).cloned(),
        Value::SortedSet(s) => s.contains(key).then(|| key.clone()),
        Value::Vector(v) => match index_of(key) {
            Some(i) if i >= 0 => v.items.get(i as usize).cloned(),
            _ => None,
        },
        Value::Str(s) => match index_of(key) {
            Some(i) if i >= 0 => s.chars().nth(i as usize).map(Value::Char),
            _ => None,
        },
        // An exception's map, as `Value::map_view` would give it.
        Value::Error(e) => e.map.get(key).cloned(),
        _ => None,
    };
    found.unwrap_or(default)
}

fn get_fn(a: &mut [Value]) -> Result<Value, Error> {
    let default = a.get_mut(2).map(std::mem::take).unwrap_or_default();
    Ok(get(&a[0], &a[1], default))
}

fn contains(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(match &a[0] {
        Value::Map(m) => m.contains_key(&a[1]),
        Value::SortedMap(m) => m.get(&a[1]).is_some(),
        Value::Set(s) => s.contains(&a[1]),
        Value::SortedSet(s) => s.contains(&a[1]),
        Value::Vector(v) => index_of(&a[1]).is_some_and(|i| i >= 0 && (i as usize) < v.items.len()),
        Value::Str(s) => {
            index_of(&a[1]).is_some_and(|i| i >= 0 && (i as usize) < s.chars().count())
        }
        Value::Error(e) => e.map.contains_key(&a[1]),
        Value::Nil => false,
        other => {
            return Err(expected("an associative collection", "contains?", other).with_hint(
                "contains? checks keys (indices for vectors); use `some` to search a list's values",
            ));
        }
    }))
}

fn index_error(i: i64, len: usize, what: &str) -> Error {
    Error::new(
        ErrorType::IndexOutOfBounds,
        format!(
            "index {i} is out of bounds for {what} of {}",
            plural(len, "element")
        ),
    )
}

/// Adds one element in place; `coll` is owned (uniquely, if the caller
/// moved it), so persistent structures update without copying.
pub fn conj_one(coll: Value, x: Value) -> Result<Value, Error> {
    charge(32)?;
    Ok(match coll.into_map_view() {
        Value::Nil => Value::List(List::cons(x, List::empty())),
        Value::List(l) => Value::List(List::cons(x, l)),
        seq @ (Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_)) => {
            super::seqs::cons_onto(x, seq)?
        }
        Value::Vector(mut v) => {
            Rc::make_mut(&mut v).items.push_back(x);
            Value::Vector(v)
        }
        Value::Set(mut s) => {
            Rc::make_mut(&mut s).insert(x);
            Value::Set(s)
        }
        Value::SortedSet(mut s) => {
            Rc::make_mut(&mut s)
                .insert(x)
                .map_err(Error::type_mismatch)?;
            Value::SortedSet(s)
        }
        map @ (Value::Map(_) | Value::SortedMap(_)) => match x.into_map_view() {
            Value::Vector(entry) if entry.items.len() == 2 => {
                assoc_one(map, entry.items[0].clone(), entry.items[1].clone())?
            }
            from @ (Value::Map(_) | Value::SortedMap(_) | Value::Nil) => {
                let mut out = map;
                for entry in seq_items(&from)? {
                    out = conj_one(out, entry)?;
                }
                out
            }
            other => return Err(expected("a [key value] vector or a map", "conj", &other)),
        },
        other => return Err(expected("a collection", "conj", &other)),
    })
}

fn conj(a: &mut [Value]) -> Result<Value, Error> {
    match a.len() {
        0 => Ok(Value::vector([])),
        _ => {
            let mut coll = std::mem::take(&mut a[0]);
            for x in a[1..].iter_mut() {
                coll = conj_one(coll, std::mem::take(x))?;
            }
            Ok(coll)
        }
    }
}

pub fn assoc_one(coll: Value, k: Value, v: Value) -> Result<Value, Error> {
    charge(48)?;
    Ok(match coll.into_map_view() {
        Value::Nil => Value::Map(Rc::new([(k, v)].into_iter().collect())),
        Value::Map(mut m) => {
            Rc::make_mut(&mut m).insert(k, v);
            Value::Map(m)
        }
        Value::SortedMap(mut m) => {
            Rc::make_mut(&mut m)
                .insert(k, v)
                .map_err(Error::type_mismatch)?;
            Value::SortedMap(m)
        }
        Value::Vector(mut vec) => {
            let len = vec.items.len();
            match k {
                Value::Int(i) if i >= 0 && (i as usize) < len => {
                    Rc::make_mut(&mut vec).items.set(i as usize, v);
                }
                Value::Int(i) if i >= 0 && i as usize == len => {
                    Rc::make_mut(&mut vec).items.push_back(v);
                }
                Value::Int(i) => return Err(index_error(i, len, "a vector")),
                other => return Err(expected("an integer index", "assoc", &other)),
            }
            Value::Vector(vec)
        }
        other => return Err(expected("a map or vector", "assoc", &other)),
    })
}

fn assoc(a: &mut [Value]) -> Result<Value, Error> {
    if a.len().is_multiple_of(2) {
        return Err(
            Error::illegal_argument("`assoc` needs a value for every key")
                .with_hint("usage: (assoc m k v k2 v2 ...)"),
        );
    }
    let mut coll = std::mem::take(&mut a[0]);
    for kv in a[1..].chunks_mut(2) {
        coll = assoc_one(coll, std::mem::take(&mut kv[0]), std::mem::take(&mut kv[1]))?;
    }
    Ok(coll)
}

/// `dissoc` and `disj`: removes each argument after the first from it (nil
/// stays nil). `remove` gives back a collection it cannot remove from.
fn remove_each(
    a: &mut [Value],
    fname: &str,
    what: &str,
    remove: fn(Value, &Value) -> Result<Value, Value>,
) -> Result<Value, Error> {
    let mut coll = std::mem::take(&mut a[0]);
    for k in a[1..].iter() {
        coll = match coll {
            Value::Nil => Value::Nil,
            coll => remove(coll, k).map_err(|other| expected(what, fname, &other))?,
        };
    }
    Ok(coll)
}

fn dissoc(a: &mut [Value]) -> Result<Value, Error> {
    remove_each(a, "dissoc", "a map", |coll, k| match coll.into_map_view() {
        // Only a map that changes is copied when shared.
        Value::Map(mut m) => {
            if m.contains_key(k) {
                Rc::make_mut(&mut m).remove(k);
            }
            Ok(Value::Map(m))
        }
        Value::SortedMap(mut m) => {
            Rc::make_mut(&mut m).remove(k);
            Ok(Value::SortedMap(m))
        }
        other => Err(other),
    })
}

fn disj(a: &mut [Value]) -> Result<Value, Error> {
    remove_each(a, "disj", "a set", |coll, k| match coll {
        Value::Set(mut s) => {
            if s.contains(k) {
                Rc::make_mut(&mut s).remove(k);
            }
            Ok(Value::Set(s))
        }
        Value::SortedSet(mut s) => {
            Rc::make_mut(&mut s).remove(k);
            Ok(Value::SortedSet(s))
        }
        other => Err(other),
    })
}

pub fn nth_of(coll: &Value, index: &Value, default: Option<Value>) -> Result<Value, Error> {
    let Some(i) = index_of(index) else {
        return Err(expected("an integer index", "nth", index));
    };
    let found = match coll {
        Value::Vector(v) => (i >= 0).then(|| v.items.get(i as usize).cloned()).flatten(),
        Value::List(l) => (i >= 0)
            .then(|| l.iter().nth(i as usize).cloned())
            .flatten(),
        chain @ (Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_)) => (i >= 0)
            .then(|| crate::value::SeqIter::new(chain).nth(i as usize).cloned())
            .flatten(),
        Value::Str(s) => (i >= 0)
            .then(|| s.chars().nth(i as usize).map(Value::Char))
            .flatten(),
        Value::Nil => None,
        Value::Bytes(b) => (i >= 0)
            .then(|| b.get(i as usize).map(|x| Value::Int(i64::from(*x))))
            .flatten(),
        other => return Err(expected("a sequential collection", "nth", other)),
    };
    match (found, default) {
        (Some(v), _) => Ok(v),
        (None, Some(d)) => Ok(d),
        (None, None) if coll.is_nil() => Ok(Value::Nil),
        (None, None) => Err(index_error(
            i,
            count_of(coll).unwrap_or(0),
            &crate::value::described(coll),
        )),
    }
}

fn nth(a: &mut [Value]) -> Result<Value, Error> {
    let default = a.get_mut(2).map(std::mem::take);
    nth_of(&a[0], &a[1], default)
}

fn peek(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Nil => Value::Nil,
        Value::Vector(v) => v.items.last().cloned().unwrap_or_default(),
        Value::List(l) => l.first().cloned().unwrap_or_default(),
        other => return Err(expected("a vector or list", "peek", other)),
    })
}

fn pop(a: &mut [Value]) -> Result<Value, Error> {
    let empty = || Error::illegal_argument("cannot pop an empty collection");
    Ok(match std::mem::take(&mut a[0]) {
        Value::Nil => Value::Nil,
        Value::Vector(mut v) => {
            if v.items.is_empty() {
                return Err(empty());
            }
            Rc::make_mut(&mut v).items.pop_back();
            Value::Vector(v)
        }
        Value::List(l) => match &*l {
            List::Empty => return Err(empty()),
            List::Cons { rest, .. } => Value::List(rest.clone()),
        },
        other => return Err(expected("a vector or list", "pop", &other)),
    })
}

fn subvec(a: &mut [Value]) -> Result<Value, Error> {
    let Value::Vector(v) = &a[0] else {
        return Err(expected("a vector", "subvec", &a[0]));
    };
    let (start, end) = slice_bounds(a, "subvec", v.items.len(), "a vector", "elements")?;
    let items = v.items.clone().slice(start..end);
    Ok(Value::Vector(Rc::new(Vec_ { items, meta: None })))
}

fn keys(a: &mut [Value]) -> Result<Value, Error> {
    entries_part(&a[0], "keys", |k, _| k)
}

fn vals(a: &mut [Value]) -> Result<Value, Error> {
    entries_part(&a[0], "vals", |_, v| v)
}

fn entries_part(m: &Value, name: &str, pick: fn(Value, Value) -> Value) -> Result<Value, Error> {
    let items: Vec<Value> = match &*m.map_view() {
        Value::Nil => return Ok(Value::Nil),
        Value::Map(m) => m.iter().map(|(k, v)| pick(k.clone(), v.clone())).collect(),
        Value::SortedMap(m) => m.iter().map(|(k, v)| pick(k.clone(), v.clone())).collect(),
        other => return Err(expected("a map", name, other)),
    };
    Ok(list_or_nil(items))
}

fn find(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &*a[0].map_view() {
        Value::Map(m) => m
            .get_entry(&a[1])
            .map(|(k, v)| Value::vector([k.clone(), v.clone()]))
            .unwrap_or_default(),
        Value::SortedMap(m) => m
            .get(&a[1])
            .map(|v| Value::vector([a[1].clone(), v.clone()]))
            .unwrap_or_default(),
        Value::Vector(v) => match a[1] {
            Value::Int(i) if i >= 0 && (i as usize) < v.items.len() => {
                Value::vector([a[1].clone(), v.items[i as usize].clone()])
            }
            _ => Value::Nil,
        },
        Value::Nil => Value::Nil,
        other => return Err(expected("a map", "find", other)),
    })
}

fn entry_part(a: &[Value], name: &str, i: usize) -> Result<Value, Error> {
    match &a[0] {
        Value::Vector(v) if v.items.len() == 2 => Ok(v.items[i].clone()),
        other => Err(expected("a map entry", name, other)),
    }
}

fn key(a: &mut [Value]) -> Result<Value, Error> {
    entry_part(a, "key", 0)
}

fn val(a: &mut [Value]) -> Result<Value, Error> {
    entry_part(a, "val", 1)
}

fn empty(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &*a[0].map_view() {
        Value::List(_) | Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_) => Value::list([]),
        Value::Vector(_) => Value::vector([]),
        Value::Map(_) => Value::Map(Rc::new(Map::default())),
        Value::Set(_) => Value::Set(Rc::new(Set::default())),
        Value::SortedMap(_) => Value::SortedMap(Rc::new(SortedMap::default())),
        Value::SortedSet(_) => Value::SortedSet(Rc::new(SortedSet::default())),
        _ => Value::Nil,
    })
}

/// `(into to from)`, without a transducer.
fn into(a: &mut [Value]) -> Result<Value, Error> {
    let mut coll = std::mem::take(&mut a[0]);
    for x in seq_items(&a[1])? {
        coll = conj_one(coll, x)?;
    }
    Ok(coll)
}

fn destructure_map(a: &mut [Value]) -> Result<Value, Error> {
    // Keyword arguments (`& {:keys [a]}`) arrive as a seq of keys and values.
    match std::mem::take(&mut a[0]) {
        Value::List(l) => {
            let mut items: Vec<Value> = l.iter().cloned().collect();
            if items.len() == 1 && items[0].is_map() {
                return Ok(items.remove(0));
            }
            hash_map(&mut items)
        }
        other => Ok(other),
    }
}

pub static BUILTINS: &[Builtin] = &[
    pure("list", 0, MANY, list),
    pure("vector", 0, MANY, vector),
    pure("hash-map", 0, MANY, hash_map).realizing(super::realize::even_deep),
    pure("array-map", 0, MANY, hash_map).realizing(super::realize::even_deep),
    pure("sorted-map", 0, MANY, sorted_map).realizing(super::realize::even_deep),
    pure("hash-set", 0, MANY, hash_set).realizing(super::realize::all_deep),
    pure("sorted-set", 0, MANY, sorted_set).realizing(super::realize::all_deep),
    pure("frequencies", 1, 1, frequencies).realizing(super::realize::all_deep),
    pure("set", 1, 1, set).realizing(super::realize::all_deep),
    pure("vec", 1, 1, vec).realizing(super::realize::first_spine),
    pure("count", 1, 1, count).realizing(super::realize::first_spine),
    pure("get", 2, 3, get_fn).realizing(super::realize::keys_after_first),
    pure("contains?", 2, 2, contains).realizing(super::realize::keys_after_first),
    pure("conj", 0, MANY, conj).realizing(super::realize::keys_after_first),
    pure("assoc", 3, MANY, assoc).realizing(super::realize::assoc_keys),
    pure("dissoc", 1, MANY, dissoc).realizing(super::realize::keys_after_first),
    pure("disj", 1, MANY, disj).realizing(super::realize::keys_after_first),
    pure("nth", 2, 3, nth).realizing(super::realize::to_index),
    pure("peek", 1, 1, peek).realizing(super::realize::first_cell),
    pure("pop", 1, 1, pop).realizing(super::realize::first_cell),
    pure("subvec", 2, 3, subvec),
    pure("keys", 1, 1, keys),
    pure("vals", 1, 1, vals),
    pure("find", 2, 2, find),
    pure("key", 1, 1, key),
    pure("val", 1, 1, val),
    pure("empty", 1, 1, empty),
    pure("--into", 2, 2, into).realizing(super::realize::into_source),
    pure("--destructure-map", 1, 1, destructure_map).realizing(super::realize::first_spine),
];
