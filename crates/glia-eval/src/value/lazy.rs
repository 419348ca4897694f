//! Lazy sequences, the `cons` cells that chain them, and delays.
//!
//! A [`Lazy`] holds a fn of no arguments until something needs its value.
//! Running Glia code is the VM's business (builtins never call back into
//! Glia), so realization is split: this module only *finds* what must be
//! realized ([`unrealized_prefix`], [`unrealized_spine`],
//! [`unrealized_deep`]); `vm::realize` runs the thunks as ordinary frames
//! and stores their values here, before a builtin that needs them runs.
//! Builtins then read realized cells through [`SeqIter`] and [`seq_view`].

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use super::Value;

/// A value computed on first need: a lazy seq's seq, or a delay's value.
#[derive(Debug)]
pub struct Lazy {
    /// The fn that computes the value; dropped once it has (a thunk that
    /// threw stays, so the next use runs it again, as in Clojure).
    thunk: RefCell<Option<Value>>,
    value: OnceCell<Value>,
}

impl Lazy {
    pub fn new(thunk: Value) -> Rc<Lazy> {
        Rc::new(Lazy {
            thunk: RefCell::new(Some(thunk)),
            value: OnceCell::new(),
        })
    }

    /// A lazy seq whose value is already known.
    pub fn realized(value: Value) -> Rc<Lazy> {
        Rc::new(Lazy {
            thunk: RefCell::new(None),
            value: OnceCell::from(value),
        })
    }

    /// The value, once computed. For a lazy seq: nil or a non-empty list
    /// or cons (never another lazy seq).
    pub fn get(&self) -> Option<&Value> {
        self.value.get()
    }

    pub fn is_realized(&self) -> bool {
        self.value.get().is_some()
    }

    /// The fn to run to compute the value (`None` once computed).
    pub fn thunk(&self) -> Option<Value> {
        self.thunk.borrow().clone()
    }

    /// Records the computed value and lets the thunk go. The first value
    /// stays if a thunk somehow ran twice (it re-entered itself).
    pub fn set(&self, v: Value) {
        let _ = self.value.set(v);
        let thunk = self.thunk.take();
        super::deep(move || drop(thunk));
    }
}

/// A cell of a seq whose rest may be lazy: `(cons x (lazy-seq ...))`.
/// `rest` is nil, a list, a cons or a lazy seq.
#[derive(Debug)]
pub struct Cons {
    pub first: Value,
    pub rest: Value,
}

/// A seq over a chunk of realized elements (from `at` on), then `rest`:
/// lazy seq fns over chunked sources (`range`, and `map`, `filter`...
/// of them) realize 32 elements per thunk, as Clojure's chunked seqs do.
/// `rest` is nil, a list, a cons, a chunked seq or a lazy seq.
/// The chunk is a plain `Vec` (not a persistent vector): chunks are
/// built once, read in order, and never updated.
#[derive(Debug)]
pub struct Chunked {
    pub items: Rc<Vec<Value>>,
    pub at: usize,
    pub rest: Value,
}

impl Chunked {
    /// The elements left in the chunk.
    pub fn left(&self) -> usize {
        self.items.len() - self.at
    }

    /// A chunked seq of `items` (at least one) followed by `rest`.
    pub fn seq(items: Vec<Value>, rest: Value) -> Value {
        Value::Chunked(Rc::new(Chunked {
            items: Rc::new(items),
            at: 0,
            rest,
        }))
    }

    /// The elements left in the chunk, as a slice.
    pub fn remaining(&self) -> &[Value] {
        &self.items[self.at..]
    }
}

/// Long chains of cells and lazy seqs are unlinked in a loop, as lists
/// are: a realized 10-million-element lazy seq must not drop recursively.
fn unlink(mut next: Value) {
    loop {
        next = match next {
            Value::Cons(c) => match Rc::try_unwrap(c) {
                Ok(mut cell) => std::mem::take(&mut cell.rest),
                Err(_) => return,
            },
            Value::Chunked(c) => match Rc::try_unwrap(c) {
                Ok(mut cell) => std::mem::take(&mut cell.rest),
                Err(_) => return,
            },
            Value::Lazy(l) => match Rc::try_unwrap(l) {
                Ok(mut lazy) => {
                    let thunk = lazy.thunk.take();
                    super::deep(move || drop(thunk));
                    lazy.value.take().unwrap_or_default()
                }
                Err(_) => return,
            },
            other => {
                super::deep(move || drop(other));
                return;
            }
        }
    }
}

impl Drop for Cons {
    fn drop(&mut self) {
        let first = std::mem::take(&mut self.first);
        super::deep(move || drop(first));
        unlink(std::mem::take(&mut self.rest));
    }
}

impl Drop for Chunked {
    fn drop(&mut self) {
        unlink(std::mem::take(&mut self.rest));
    }
}

impl Drop for Lazy {
    fn drop(&mut self) {
        if let Some(v) = self.value.take() {
            unlink(v);
        }
    }
}

/// What a seq value is right now, looking through realized lazy seqs:
/// `None` when an unrealized one is in the way.
pub fn seq_view(v: &Value) -> Option<&Value> {
    let mut v = v;
    while let Value::Lazy(l) = v {
        v = l.get()?;
    }
    Some(v)
}

/// The elements of a chain of lists, cons cells and realized lazy seqs.
/// It stops at an unrealized lazy seq, setting [`SeqIter::blocked`],
/// and at anything that is not a seq (a cons of a non-seq rest never
/// arises: `cons` makes its rest a seq).
#[derive(Debug)]
pub struct SeqIter<'a> {
    at: At<'a>,
    pub blocked: bool,
}

#[derive(Debug)]
enum At<'a> {
    Value(&'a Value),
    List(&'a super::List),
    Chunk(&'a Chunked, usize),
    End,
}

impl<'a> SeqIter<'a> {
    pub fn new(v: &'a Value) -> SeqIter<'a> {
        SeqIter {
            at: At::Value(v),
            blocked: false,
        }
    }
}

impl<'a> Iterator for SeqIter<'a> {
    type Item = &'a Value;

    fn next(&mut self) -> Option<&'a Value> {
        loop {
            match self.at {
                At::End => return None,
                At::List(l) => match l {
                    super::List::Empty => self.at = At::End,
                    super::List::Cons { first, rest, .. } => {
                        self.at = At::List(rest);
                        return Some(first);
                    }
                },
                At::Chunk(c, i) => match c.items.get(i) {
                    Some(x) => {
                        self.at = At::Chunk(c, i + 1);
                        return Some(x);
                    }
                    None => self.at = At::Value(&c.rest),
                },
                At::Value(v) => match v {
                    Value::List(l) => self.at = At::List(l),
                    Value::Chunked(c) => self.at = At::Chunk(c, c.at),
                    Value::Cons(c) => {
                        self.at = At::Value(&c.rest);
                        return Some(&c.first);
                    }
                    Value::Lazy(l) => match l.get() {
                        Some(v) => self.at = At::Value(v),
                        None => {
                            self.blocked = true;
                            self.at = At::End;
                        }
                    },
                    _ => self.at = At::End,
                },
            }
        }
    }
}

/// Whether `v` is a chain [`SeqIter`] walks (a list, cons or lazy seq).
pub fn is_chain(v: &Value) -> bool {
    matches!(
        v,
        Value::List(_) | Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_)
    )
}

/// The first unrealized lazy seq among the first `cells` cells of `v`'s
/// spine (`cells` = 1: what `first` needs; 2: what `next` needs).
pub fn unrealized_prefix(v: &Value, cells: usize) -> Option<Rc<Lazy>> {
    let mut v = v;
    let mut left = cells;
    loop {
        match v {
            Value::Lazy(l) => match l.get() {
                Some(x) => v = x,
                None => return Some(l.clone()),
            },
            Value::Cons(c) if left > 1 => {
                left -= 1;
                v = &c.rest;
            }
            Value::Chunked(c) if left > c.left() => {
                left -= c.left();
                v = &c.rest;
            }
            _ => return None,
        }
    }
}

/// The first unrealized lazy seq on `v`'s spine (lists end a spine: they
/// are realized throughout).
pub fn unrealized_spine(v: &Value) -> Option<Rc<Lazy>> {
    unrealized_prefix(v, usize::MAX)
}

/// The first unrealized lazy seq or delay anywhere in `v`: on spines, in
/// elements, keys and values, at any depth.
pub fn unrealized_deep(v: &Value) -> Option<Rc<Lazy>> {
    // Most arguments are scalars: no walk (and no allocation) for them.
    if !may_hold_lazy(v) {
        return None;
    }
    let mut todo: Vec<&Value> = vec![v];
    while let Some(v) = todo.pop() {
        match v {
            Value::Lazy(l) => match l.get() {
                Some(x) => todo.push(x),
                None => return Some(l.clone()),
            },
            Value::Cons(c) => {
                todo.push(&c.rest);
                todo.push(&c.first);
            }
            Value::Chunked(c) => {
                todo.push(&c.rest);
                todo.extend(c.remaining().iter().filter(|x| may_hold_lazy(x)));
            }
            Value::List(l) => todo.extend(l.iter().filter(|x| may_hold_lazy(x))),
            Value::Vector(x) => todo.extend(x.items.iter().filter(|x| may_hold_lazy(x))),
            Value::Map(m) => {
                for (k, v) in m.iter() {
                    todo.extend([k, v].into_iter().filter(|x| may_hold_lazy(x)));
                }
            }
            Value::SortedMap(m) => {
                for (k, v) in m.iter() {
                    todo.extend([k, v].into_iter().filter(|x| may_hold_lazy(x)));
                }
            }
            Value::Set(s) => todo.extend(s.iter().filter(|x| may_hold_lazy(x))),
            Value::SortedSet(s) => todo.extend(s.iter().filter(|x| may_hold_lazy(x))),
            _ => {}
        }
    }
    None
}

/// Values that can contain a lazy seq (so a deep walk descends into them).
fn may_hold_lazy(v: &Value) -> bool {
    matches!(
        v,
        Value::Lazy(_)
            | Value::Cons(_)
            | Value::Chunked(_)
            | Value::List(_)
            | Value::Vector(_)
            | Value::Map(_)
            | Value::SortedMap(_)
            | Value::Set(_)
            | Value::SortedSet(_)
    )
}
