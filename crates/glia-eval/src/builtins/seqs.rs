//! Sequences. Until lazy sequences arrive (with the core library), every
//! seq is a realised persistent list; `seq` of another collection copies
//! its elements into one.

use std::rc::Rc;

use super::{Builtin, MANY, expected, pure};
use crate::error::{Error, ErrorType};
use crate::value::{List, Value, compare};
use crate::vm::charge;

/// The elements of anything seqable, in seq order (map entries as
/// `[k v]` vectors, strings as characters).
pub fn seq_items(v: &Value) -> Result<Vec<Value>, Error> {
    if let Ok(n) = super::colls::count_of(v) {
        charge(16 * n)?;
    }
    Ok(match &*v.map_view() {
        Value::Nil => Vec::new(),
        Value::List(l) => l.iter().cloned().collect(),
        Value::Vector(x) => x.items.iter().cloned().collect(),
        Value::Map(m) => m
            .iter()
            .map(|(k, v)| Value::vector([k.clone(), v.clone()]))
            .collect(),
        Value::SortedMap(m) => m
            .iter()
            .map(|(k, v)| Value::vector([k.clone(), v.clone()]))
            .collect(),
        Value::Set(s) => s.iter().cloned().collect(),
        Value::SortedSet(s) => s.iter().cloned().collect(),
        Value::Str(s) => s.chars().map(Value::Char).collect(),
        Value::Bytes(b) => b.iter().map(|x| Value::Int(i64::from(*x))).collect(),
        other => return Err(expected("a collection", "seq", other)),
    })
}

/// A list of `items`, or nil for none (what `seq` of them is).
pub(super) fn list_or_nil(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Nil
    } else {
        Value::list(items)
    }
}

/// A list, or nil when it is empty (what `next` returns).
fn nil_if_empty(l: Rc<List>) -> Value {
    if l.count() == 0 {
        Value::Nil
    } else {
        Value::List(l)
    }
}

/// `seq`: nil for an empty collection, else a list of its elements.
pub fn seq_of(v: &Value) -> Result<Value, Error> {
    Ok(match v {
        Value::List(l) if l.count() > 0 => v.clone(),
        _ => {
            let items = seq_items(v)?;
            if items.is_empty() {
                Value::Nil
            } else {
                charge(32 * items.len())?;
                Value::list(items)
            }
        }
    })
}

fn seq(a: &mut [Value]) -> Result<Value, Error> {
    seq_of(&a[0])
}

fn first(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::List(l) => l.first().cloned().unwrap_or_default(),
        Value::Vector(v) => v.items.front().cloned().unwrap_or_default(),
        Value::Nil => Value::Nil,
        // The first element without copying the collection.
        Value::Map(m) => m
            .iter()
            .next()
            .map(|(k, v)| Value::vector([k.clone(), v.clone()]))
            .unwrap_or_default(),
        Value::SortedMap(m) => m
            .iter()
            .next()
            .map(|(k, v)| Value::vector([k.clone(), v.clone()]))
            .unwrap_or_default(),
        Value::Set(s) => s.iter().next().cloned().unwrap_or_default(),
        Value::SortedSet(s) => s.iter().next().cloned().unwrap_or_default(),
        Value::Str(s) => s.chars().next().map(Value::Char).unwrap_or_default(),
        other => seq_items(other)?.into_iter().next().unwrap_or_default(),
    })
}

/// `rest` as a list (`()` when nothing is left).
fn rest_list(v: &Value) -> Result<Rc<List>, Error> {
    Ok(match v {
        Value::List(l) => l.rest(),
        other => {
            let items = seq_items(other)?;
            charge(32 * items.len())?;
            List::from_iter_rc(items.into_iter().skip(1).collect::<Vec<_>>())
        }
    })
}

fn rest(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::List(rest_list(&a[0])?))
}

fn next(a: &mut [Value]) -> Result<Value, Error> {
    Ok(nil_if_empty(rest_list(&a[0])?))
}

fn second(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Vector(v) => v.items.get(1).cloned().unwrap_or_default(),
        Value::List(l) => l.iter().nth(1).cloned().unwrap_or_default(),
        other => seq_items(other)?.into_iter().nth(1).unwrap_or_default(),
    })
}

fn last(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Vector(v) => v.items.last().cloned().unwrap_or_default(),
        Value::List(l) => l.iter().last().cloned().unwrap_or_default(),
        other => seq_items(other)?.pop().unwrap_or_default(),
    })
}

fn butlast(a: &mut [Value]) -> Result<Value, Error> {
    let mut items = seq_items(&a[0])?;
    items.pop();
    Ok(list_or_nil(items))
}

fn index_arg(v: &Value, name: &str) -> Result<usize, Error> {
    match v {
        Value::Int(i) => Ok((*i).max(0) as usize),
        other => Err(expected("an integer", name, other)),
    }
}

/// `coll` without its first `n` elements, as a list (`fname` names the fn
/// in errors).
fn drop_list(a: &[Value], fname: &str) -> Result<Rc<List>, Error> {
    let n = index_arg(&a[1], fname)?;
    let mut l = match &a[0] {
        Value::List(l) => l.clone(),
        other => List::from_iter_rc(seq_items(other)?),
    };
    // Past the end every step gives the same shared empty list, so a huge
    // `n` costs no more steps than the length.
    for _ in 0..n.min(l.count() + 1) {
        l = l.rest();
    }
    Ok(l)
}

fn nthnext(a: &mut [Value]) -> Result<Value, Error> {
    Ok(nil_if_empty(drop_list(a, "nthnext")?))
}

fn nthrest(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::List(drop_list(a, "nthrest")?))
}

fn cons(a: &mut [Value]) -> Result<Value, Error> {
    charge(32)?;
    let x = std::mem::take(&mut a[0]);
    Ok(Value::List(match std::mem::take(&mut a[1]) {
        Value::List(l) => List::cons(x, l),
        other => List::cons(x, List::from_iter_rc(seq_items(&other)?)),
    }))
}

fn concat(a: &mut [Value]) -> Result<Value, Error> {
    let mut items = Vec::new();
    for coll in a.iter() {
        items.extend(seq_items(coll)?);
    }
    charge(32 * items.len())?;
    Ok(Value::list(items))
}

fn list_star(a: &mut [Value]) -> Result<Value, Error> {
    let (last, init) = a.split_last_mut().expect("arity checked");
    let mut items: Vec<Value> = init.iter_mut().map(std::mem::take).collect();
    items.extend(seq_items(last)?);
    Ok(list_or_nil(items))
}

fn reverse(a: &mut [Value]) -> Result<Value, Error> {
    let items = seq_items(&a[0])?;
    charge(32 * items.len())?;
    Ok(Value::list(items.into_iter().rev().collect::<Vec<_>>()))
}

/// The most elements a realised `range` may have; an infinite `(range)`
/// needs lazy sequences.
const MAX_RANGE: i64 = 100_000_000;

fn range(a: &mut [Value]) -> Result<Value, Error> {
    let (start, end, step) = match a {
        [] => {
            return Err(Error::illegal_argument(
                "an endless `(range)` needs lazy sequences, which are not available yet",
            )
            .with_hint("give an end: (range 10)"));
        }
        [end] => (Value::Int(0), end.clone(), Value::Int(1)),
        [start, end] => (start.clone(), end.clone(), Value::Int(1)),
        [start, end, step, ..] => (start.clone(), end.clone(), step.clone()),
    };
    match (&start, &end, &step) {
        (Value::Int(s), Value::Int(e), Value::Int(st)) => {
            let (s, e, st) = (*s, *e, *st);
            if st == 0 {
                return Err(
                    Error::illegal_argument("`range` with a step of 0 never ends")
                        .with_hint("use a non-zero step"),
                );
            }
            let n = if (st > 0 && e > s) || (st < 0 && e < s) {
                ((i128::from(e) - i128::from(s) + i128::from(st) - i128::from(st.signum()))
                    / i128::from(st)) as i64
            } else {
                0
            };
            if n > MAX_RANGE {
                return Err(Error::new(
                    ErrorType::IllegalArgument,
                    format!("`range` of {n} elements is too large to realise"),
                ));
            }
            // Built in chunks, each charged, so that limits hold while it builds.
            let mut items = Vec::new();
            let mut i = 0;
            while i < n {
                let chunk = (n - i).min(4096);
                charge(32 * chunk as usize)?;
                items.extend((i..i + chunk).map(|k| Value::Int(s + k * st)));
                i += chunk;
            }
            Ok(Value::list(items))
        }
        _ => {
            for v in [&start, &end, &step] {
                crate::value::check_number("range", v)?;
            }
            let mut items = Vec::new();
            let mut x = start.clone();
            let up = crate::value::signum(&step) > 0;
            if crate::value::is_zero(&step) {
                return Err(Error::illegal_argument(
                    "`range` with a step of 0 never ends",
                ));
            }
            loop {
                let more = crate::value::compare_op(if up { "<" } else { ">" }, &x, &end)?;
                if !more {
                    break;
                }
                if items.len() as i64 >= MAX_RANGE {
                    return Err(Error::illegal_argument("`range` is too large to realise"));
                }
                charge(32)?;
                items.push(x.clone());
                x = crate::value::arith(crate::value::Num::Add, &x, &step, false)?;
            }
            charge(32 * items.len())?;
            Ok(Value::list(items))
        }
    }
}

fn sort(a: &mut [Value]) -> Result<Value, Error> {
    let mut items = seq_items(&a[0])?;
    let mut failure = None;
    items.sort_by(|x, y| {
        compare(x, y).unwrap_or_else(|m| {
            failure.get_or_insert(m);
            std::cmp::Ordering::Equal
        })
    });
    if let Some(m) = failure {
        return Err(Error::type_mismatch(m));
    }
    Ok(if items.is_empty() {
        Value::list([])
    } else {
        Value::list(items)
    })
}

/// A realised seq as a list (`()` when empty): what eager `map` returns.
fn to_list(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::List(_) => std::mem::take(&mut a[0]),
        other => Value::list(seq_items(other)?),
    })
}

fn is_empty(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(match &a[0] {
        Value::Nil => true,
        Value::List(l) => l.count() == 0,
        Value::Str(s) => s.is_empty(),
        other => super::colls::count_of(other)? == 0,
    }))
}

pub static BUILTINS: &[Builtin] = &[
    pure("seq", 1, 1, seq),
    pure("first", 1, 1, first),
    pure("rest", 1, 1, rest),
    pure("next", 1, 1, next),
    pure("second", 1, 1, second),
    pure("last", 1, 1, last),
    pure("butlast", 1, 1, butlast),
    pure("nthnext", 2, 2, nthnext),
    pure("nthrest", 2, 2, nthrest),
    pure("cons", 2, 2, cons),
    pure("concat", 0, MANY, concat),
    pure("list*", 1, MANY, list_star),
    pure("reverse", 1, 1, reverse),
    pure("range", 0, 3, range),
    pure("sort", 1, 1, sort),
    pure("empty?", 1, 1, is_empty),
    pure("--list", 1, 1, to_list),
];
