//! Sequences. A seq is a persistent list, a chain of `cons` cells and
//! lazy seqs (`value::lazy`), or nil; `seq` of another collection copies
//! its elements into a list. Lazy seqs reach these builtins realized as far
//! as their finders (`realize`) ask.

use std::rc::Rc;

use super::{Builtin, MANY, expected, pure};
use crate::error::{Error, ErrorType};
use crate::value::{Chunked, Cons, Lazy, List, SeqIter, Value, compare, is_chain, seq_view};
use crate::vm::charge;

/// The elements of anything seqable, in seq order (map entries as
/// `[k v]` vectors, strings as characters).
pub fn seq_items(v: &Value) -> Result<Vec<Value>, Error> {
    if let Ok(n) = super::colls::count_of(v) {
        charge(16 * n)?;
    }
    if is_chain(v) {
        let mut items = SeqIter::new(v);
        let out: Vec<Value> = items.by_ref().cloned().collect();
        charge(16 * out.len())?;
        if items.blocked {
            return Err(unrealized());
        }
        return Ok(out);
    }
    Ok(match &*v.map_view() {
        Value::Nil => Vec::new(),
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

/// A lazy seq a builtin met unrealized: its finder should have asked for
/// it (a bug, reported instead of a wrong answer).
pub(super) fn unrealized() -> Error {
    Error::new(
        ErrorType::Internal,
        "a builtin met a lazy seq that was not realized for it",
    )
}

/// A list of `items`, or nil for none (what `seq` of them is).
pub(super) fn list_or_nil(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Nil
    } else {
        Value::list(items)
    }
}

/// `seq`: nil for an empty collection, else a list of its elements.
pub fn seq_of(v: &Value) -> Result<Value, Error> {
    Ok(match v {
        Value::List(l) if l.count() > 0 => v.clone(),
        Value::Cons(_) | Value::Chunked(_) => v.clone(),
        Value::Lazy(_) => match seq_view(v) {
            Some(s) => s.clone(),
            None => return Err(unrealized()),
        },
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
    first_of(seq_view(&a[0]).ok_or_else(unrealized)?)
}

fn first_of(v: &Value) -> Result<Value, Error> {
    Ok(match v {
        Value::List(l) => l.first().cloned().unwrap_or_default(),
        Value::Cons(c) => c.first.clone(),
        Value::Chunked(c) => c.items[c.at].clone(),
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

/// `rest`: a list, a cons, or a lazy seq not realized yet; `()` when
/// nothing is left.
fn rest_of(v: &Value) -> Result<Value, Error> {
    Ok(match seq_view(v).ok_or_else(unrealized)? {
        Value::List(l) => Value::List(l.rest()),
        Value::Cons(c) => rest_or_empty(&c.rest),
        Value::Chunked(c) if c.left() > 1 => Value::Chunked(Rc::new(Chunked {
            items: c.items.clone(),
            at: c.at + 1,
            rest: c.rest.clone(),
        })),
        Value::Chunked(c) => rest_or_empty(&c.rest),
        Value::Nil => Value::list([]),
        other => {
            let items = seq_items(other)?;
            charge(32 * items.len())?;
            Value::List(List::from_iter_rc(
                items.into_iter().skip(1).collect::<Vec<_>>(),
            ))
        }
    })
}

fn rest(a: &mut [Value]) -> Result<Value, Error> {
    rest_of(&a[0])
}

fn next(a: &mut [Value]) -> Result<Value, Error> {
    seq_of(&rest_of(&a[0])?)
}

fn second(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Vector(v) => v.items.get(1).cloned().unwrap_or_default(),
        v if is_chain(v) => SeqIter::new(v).nth(1).cloned().unwrap_or_default(),
        other => seq_items(other)?.into_iter().nth(1).unwrap_or_default(),
    })
}

fn last(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Vector(v) => v.items.last().cloned().unwrap_or_default(),
        Value::List(l) => l.iter().last().cloned().unwrap_or_default(),
        v if is_chain(v) => SeqIter::new(v).last().cloned().unwrap_or_default(),
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

/// `coll` without its first `n` elements: `rest` `n` times (`fname`
/// names the fn in errors).
fn drop_n(a: &[Value], fname: &str) -> Result<Value, Error> {
    let n = index_arg(&a[1], fname)?;
    let mut s = match &a[0] {
        v if is_chain(v) => v.clone(),
        other => Value::List(List::from_iter_rc(seq_items(other)?)),
    };
    for _ in 0..n {
        match seq_view(&s).ok_or_else(unrealized)? {
            Value::List(l) if l.count() == 0 => break,
            Value::Nil => break,
            _ => s = rest_of(&s)?,
        }
    }
    Ok(s)
}

fn nthnext(a: &mut [Value]) -> Result<Value, Error> {
    seq_of(&drop_n(a, "nthnext")?)
}

fn nthrest(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match drop_n(a, "nthrest")? {
        Value::Nil => Value::list([]),
        other => other,
    })
}

/// `(cons x coll)`: onto a list, a list (counted); onto a lazy seq or
/// cons, a cons cell that leaves the rest unrealized.
pub(crate) fn cons_onto(x: Value, coll: Value) -> Result<Value, Error> {
    charge(32)?;
    Ok(match coll {
        Value::Nil => Value::List(List::cons(x, List::empty())),
        Value::List(l) => Value::List(List::cons(x, l)),
        rest @ (Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_)) => {
            Value::Cons(Rc::new(Cons { first: x, rest }))
        }
        other => match seq_of(&other)? {
            Value::List(l) => Value::List(List::cons(x, l)),
            _ => Value::List(List::cons(x, List::empty())),
        },
    })
}

fn cons(a: &mut [Value]) -> Result<Value, Error> {
    let x = std::mem::take(&mut a[0]);
    cons_onto(x, std::mem::take(&mut a[1]))
}

/// `--concat`: the eager concatenation syntax-quote expands to.
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
    let mut out = seq_of(last)?;
    for x in init.iter_mut().rev() {
        out = cons_onto(std::mem::take(x), out)?;
    }
    Ok(out)
}

fn reverse(a: &mut [Value]) -> Result<Value, Error> {
    let items = seq_items(&a[0])?;
    charge(32 * items.len())?;
    Ok(Value::list(items.into_iter().rev().collect::<Vec<_>>()))
}

/// How many numbers a lazy `range` realizes at a time.
const RANGE_CHUNK: usize = 32;

/// `(--range-chunk start end step)`: the next numbers of a `range`, up to
/// [`RANGE_CHUNK`] of them, as a chunk (see `--chunk-cons`); nil when the range is over. `range`
/// (in Glia) strings the chunks into a lazy seq.
fn range_chunk(a: &mut [Value]) -> Result<Value, Error> {
    let (start, end, step) = (&a[0], &a[1], &a[2]);
    for v in [start, end, step] {
        crate::value::check_number("range", v)?;
    }
    if crate::value::is_zero(step) {
        // Clojure's (range 0 10 0) is an endless run of 0s; so is this.
        return Ok(Chunked::seq(vec![start.clone(); RANGE_CHUNK], Value::Nil));
    }
    let mut items = Vec::with_capacity(RANGE_CHUNK);
    if let (Value::Int(s), Value::Int(e), Value::Int(st)) = (start, end, step) {
        let (s, e, st) = (*s, *e, *st);
        let mut x = s;
        while items.len() < RANGE_CHUNK && (if st > 0 { x < e } else { x > e }) {
            items.push(Value::Int(x));
            match x.checked_add(st) {
                Some(next) => x = next,
                None => break,
            }
        }
    } else {
        let up = crate::value::signum(step) > 0;
        let mut x = start.clone();
        while items.len() < RANGE_CHUNK
            && crate::value::compare_op(if up { "<" } else { ">" }, &x, end)?
        {
            let next = crate::value::arith(crate::value::Num::Add, &x, step, false)?;
            items.push(std::mem::replace(&mut x, next));
        }
    }
    charge(16 * items.len())?;
    Ok(super::chunks::chunk_of(items))
}

/// `(--chunk-cons chunk rest)`: the elements of `chunk` (a chunk the
/// chunk loops or `--range-chunk` made, whose rest is nil, or a vector)
/// followed by the (lazy) seq `rest`; just `rest` for no elements.
fn chunk_cons(a: &mut [Value]) -> Result<Value, Error> {
    let rest = std::mem::take(&mut a[1]);
    Ok(match std::mem::take(&mut a[0]) {
        Value::Nil => rest,
        Value::Chunked(mut c) => match Rc::get_mut(&mut c) {
            // Made for this call: its rest is set in place.
            Some(cell) if cell.rest.is_nil() => {
                cell.rest = rest;
                Value::Chunked(c)
            }
            _ => {
                charge(48)?;
                Value::Chunked(Rc::new(Chunked {
                    items: c.items.clone(),
                    at: c.at,
                    rest,
                }))
            }
        },
        Value::Vector(v) if v.items.is_empty() => rest,
        Value::Vector(v) => {
            charge(48 + 16 * v.items.len())?;
            Chunked::seq(v.items.iter().cloned().collect(), rest)
        }
        other => return Err(expected("a chunk", "--chunk-cons", &other)),
    })
}

/// The chunked seq `v` is (realized), for `fname`.
pub(super) fn chunked<'a>(v: &'a Value, fname: &str) -> Result<&'a Chunked, Error> {
    match seq_view(v).ok_or_else(unrealized)? {
        Value::Chunked(c) => Ok(c),
        other => Err(expected("a chunked seq", fname, other)),
    }
}

/// A seq's rest as `rest` gives it: `()` for none.
fn rest_or_empty(rest: &Value) -> Value {
    match rest {
        Value::Nil => Value::list([]),
        rest => rest.clone(),
    }
}

/// `(chunk-first s)`: the elements left in the first chunk of a chunked
/// seq, as a vector.
fn chunk_first(a: &mut [Value]) -> Result<Value, Error> {
    let c = chunked(&a[0], "chunk-first")?;
    Ok(Value::vector(c.remaining().iter().cloned()))
}

/// `(chunk-rest s)`: what follows the first chunk (`()` for nothing).
fn chunk_rest(a: &mut [Value]) -> Result<Value, Error> {
    Ok(rest_or_empty(&chunked(&a[0], "chunk-rest")?.rest))
}

/// Sorts by `compare`, stably; the first failure to compare is the error.
fn sort_values<T>(items: &mut [T], key: impl Fn(&T) -> &Value) -> Result<(), Error> {
    let mut failure = None;
    items.sort_by(|x, y| {
        compare(key(x), key(y)).unwrap_or_else(|m| {
            failure.get_or_insert(m);
            std::cmp::Ordering::Equal
        })
    });
    match failure {
        Some(m) => Err(Error::type_mismatch(m)),
        None => Ok(()),
    }
}

/// `(sort coll)` by `compare`.
fn sort(a: &mut [Value]) -> Result<Value, Error> {
    let mut items = seq_items(&a[0])?;
    sort_values(&mut items, |v| v)?;
    Ok(Value::list(items))
}

/// `(--sort-keyed keys coll)`: the elements of `coll` ordered by the
/// matching `keys` (what `sort-by` computed), stably.
fn sort_keyed(a: &mut [Value]) -> Result<Value, Error> {
    let keys = seq_items(&a[0])?;
    let mut pairs: Vec<(Value, Value)> = keys.into_iter().zip(seq_items(&a[1])?).collect();
    sort_values(&mut pairs, |(k, _)| k)?;
    Ok(Value::list(
        pairs.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
    ))
}

/// A realised seq as a list (`()` when empty).
fn to_list(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::List(_) => std::mem::take(&mut a[0]),
        other => Value::list(seq_items(other)?),
    })
}

fn is_empty(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(
        match seq_view(&a[0]).ok_or_else(unrealized)? {
            Value::Nil => true,
            Value::List(l) => l.count() == 0,
            Value::Cons(_) | Value::Chunked(_) => false,
            Value::Str(s) => s.is_empty(),
            other => super::colls::count_of(other)? == 0,
        },
    ))
}

/// `(lazy-seq body)` expands to `(--lazy (fn [] body))`.
fn lazy(a: &mut [Value]) -> Result<Value, Error> {
    charge(48)?;
    Ok(Value::Lazy(Lazy::new(std::mem::take(&mut a[0]))))
}

/// `(delay body)` expands to `(--delay (fn [] body))`.
fn delay(a: &mut [Value]) -> Result<Value, Error> {
    charge(48)?;
    Ok(Value::Delay(Lazy::new(std::mem::take(&mut a[0]))))
}

pub static BUILTINS: &[Builtin] = &[
    pure("--lazy", 1, 1, lazy),
    pure("--delay", 1, 1, delay),
    pure("seq", 1, 1, seq).realizing(super::realize::first_cell),
    pure("first", 1, 1, first).realizing(super::realize::first_cell),
    pure("rest", 1, 1, rest).realizing(super::realize::first_cell),
    pure("next", 1, 1, next).realizing(super::realize::first_two),
    pure("second", 1, 1, second).realizing(super::realize::first_two),
    pure("last", 1, 1, last).realizing(super::realize::first_spine),
    pure("butlast", 1, 1, butlast).realizing(super::realize::first_spine),
    pure("nthnext", 2, 2, nthnext).realizing(super::realize::to_index),
    pure("nthrest", 2, 2, nthrest).realizing(super::realize::to_index),
    pure("cons", 2, 2, cons),
    pure("--concat", 0, MANY, concat).realizing(super::realize::all_spines),
    pure("list*", 1, MANY, list_star).realizing(super::realize::last_cell),
    pure("reverse", 1, 1, reverse).realizing(super::realize::first_spine),
    pure("--range-chunk", 3, 3, range_chunk),
    pure("--chunk-cons", 2, 2, chunk_cons),
    pure("chunk-first", 1, 1, chunk_first).realizing(super::realize::first_cell),
    pure("chunk-rest", 1, 1, chunk_rest).realizing(super::realize::first_cell),
    pure("--sort", 1, 1, sort).realizing(super::realize::all_deep),
    pure("--sort-keyed", 2, 2, sort_keyed).realizing(super::realize::all_deep),
    pure("empty?", 1, 1, is_empty).realizing(super::realize::first_cell),
    pure("--list", 1, 1, to_list).realizing(super::realize::first_spine),
];
