//! Clojure's `=`, a hash consistent with it, and `compare`.
//!
//! * Integers (`Int`, `BigInt`) compare by value with each other, never
//!   with doubles: `(= 1 1.0)` is false. `(= 0.0 -0.0)` is true.
//! * Lists and vectors with equal elements are equal; maps and sets compare
//!   by content (sorted or not).
//! * Functions, atoms, vars, regexes and exceptions compare by identity.

use std::cmp::Ordering;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::rc::Rc;

use num_traits::ToPrimitive;

use super::{Value, num};

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Keyword(a), Value::Keyword(b)) => a == b,
            _ => super::deep(|| eq_here(self, other)),
        }
    }
}

fn eq_here(this: &Value, other: &Value) -> bool {
    {
        use Value::*;
        match (this, other) {
            (Nil, Nil) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Int(a), BigInt(b)) | (BigInt(b), Int(a)) => b.to_i64() == Some(*a),
            (BigInt(a), BigInt(b)) => a == b,
            (Double(a), Double(b)) => a == b,
            (Ratio(a), Ratio(b)) => a == b,
            (Char(a), Char(b)) => a == b,
            (Str(a), Str(b)) => a == b,
            (Keyword(a), Keyword(b)) => a == b,
            (Symbol(a), Symbol(b)) => a == b,
            (
                List(_) | Vector(_) | Lazy(_) | Cons(_) | Chunked(_),
                List(_) | Vector(_) | Lazy(_) | Cons(_) | Chunked(_),
            ) => sequential_eq(this, other),
            (Map(a), Map(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v)),
            (Map(a), SortedMap(b)) | (SortedMap(b), Map(a)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
            }
            (SortedMap(a), SortedMap(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
            }
            (Set(a), Set(b)) => a.len() == b.len() && a.iter().all(|x| b.contains(x)),
            (Set(a), SortedSet(b)) | (SortedSet(b), Set(a)) => {
                a.len() == b.len() && a.iter().all(|x| b.contains(x))
            }
            (SortedSet(a), SortedSet(b)) => a.len() == b.len() && a.iter().all(|x| b.contains(x)),
            (Fn(a), Fn(b)) => Rc::ptr_eq(a, b),
            (Builtin(a), Builtin(b)) => std::ptr::eq(*a, *b),
            (Var(a), Var(b)) => Rc::ptr_eq(a, b),
            (Atom(a), Atom(b)) => Rc::ptr_eq(a, b),
            (Regex(a), Regex(b)) => Rc::ptr_eq(a, b),
            (Bytes(a), Bytes(b)) => a == b,
            (Error(a), Error(b)) => Rc::ptr_eq(a, b),
            (Cont(a), Cont(b)) => Rc::ptr_eq(a, b),
            (Delay(a), Delay(b)) => Rc::ptr_eq(a, b),
            (Reduced(a), Reduced(b)) => Rc::ptr_eq(a, b),
            (Cap(a), Cap(b)) => a.same(b),
            _ => false,
        }
    }
}

// `=` is an equivalence on everything but NaN, as in Clojure; maps and sets
// never hold NaN keys meaningfully there either.
impl Eq for Value {}

/// Sequential collections with equal elements in order. An unrealized
/// lazy seq (builtins realize before comparing; only Rust callers can meet
/// one) equals only itself.
fn sequential_eq(a: &Value, b: &Value) -> bool {
    if let (Value::Lazy(x), Value::Lazy(y)) = (a, b)
        && Rc::ptr_eq(x, y)
    {
        return true;
    }
    let (Some(mut xs), Some(mut ys)) = (sequential_items(a), sequential_items(b)) else {
        return false;
    };
    if let (Some(n), Some(m)) = (xs.exact_len(), ys.exact_len())
        && n != m
    {
        return false;
    }
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return !xs.blocked() && !ys.blocked(),
            (Some(x), Some(y)) if x == y => {}
            _ => return false,
        }
    }
}

/// The elements of a sequential value, and whether a lazy seq stopped them.
enum Items<'a> {
    Exact(
        std::iter::Fuse<Box<dyn ExactSizeIterator<Item = &'a Value> + 'a>>,
        usize,
    ),
    Chain(super::SeqIter<'a>),
}

impl<'a> Items<'a> {
    fn exact_len(&self) -> Option<usize> {
        match self {
            Items::Exact(_, n) => Some(*n),
            Items::Chain(_) => None,
        }
    }

    fn blocked(&self) -> bool {
        matches!(self, Items::Chain(c) if c.blocked)
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = &'a Value;

    fn next(&mut self) -> Option<&'a Value> {
        match self {
            Items::Exact(i, _) => i.next(),
            Items::Chain(c) => c.next(),
        }
    }
}

fn exact<'a>(i: Box<dyn ExactSizeIterator<Item = &'a Value> + 'a>) -> Items<'a> {
    let n = i.len();
    Items::Exact(i.fuse(), n)
}

fn sequential_items(v: &Value) -> Option<Items<'_>> {
    match v {
        Value::List(l) => Some(exact(Box::new(l.iter()))),
        Value::Vector(v) => Some(exact(Box::new(v.items.iter()))),
        Value::Lazy(_) | Value::Cons(_) | Value::Chunked(_) => {
            Some(Items::Chain(super::SeqIter::new(v)))
        }
        _ => None,
    }
}

fn mix(mut h: u64) -> u64 {
    // The finaliser of MurmurHash3: spreads small integers over all bits,
    // which the HAMT's fixed pass-through hasher relies on.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// An integer's hash keeps runs of 8 consecutive integers in consecutive
/// hash-table buckets (a map built from a counting loop then touches
/// memory in order, as CPython's identity hash does), while the bucket of
/// each run and the top bits (hashbrown's tag) are fully mixed, so keys
/// with a common stride still spread.
fn int_hash(i: i64) -> u64 {
    const TAG: u64 = 0xfe00_0000_0000_0000;
    let run = mix(i as u64 >> 3) & !TAG & !7;
    (mix(i as u64) & TAG) | run | (i as u64 & 7)
}

fn hash_of<T: Hash + ?Sized>(tag: u8, x: &T) -> u64 {
    let mut h = DefaultHasher::new();
    tag.hash(&mut h);
    x.hash(&mut h);
    h.finish()
}

pub fn hash_combine_ordered(acc: u64, h: u64) -> u64 {
    acc.wrapping_mul(31).wrapping_add(h)
}

/// A hash with `a = b` ⇒ `hash(a) == hash(b)`.
pub fn hash_value(v: &Value) -> u64 {
    match v {
        Value::Int(i) => int_hash(*i),
        Value::Keyword(k) => k.hash_code(),
        _ => super::deep(|| hash_here(v)),
    }
}

fn hash_here(v: &Value) -> u64 {
    use Value::*;
    match v {
        Nil => 0,
        Bool(b) => mix(2 + u64::from(*b)),
        Int(i) => int_hash(*i),
        BigInt(b) => match b.to_i64() {
            Some(i) => int_hash(i),
            None => hash_of(3, &**b),
        },
        Double(d) => {
            let d = if *d == 0.0 { 0.0 } else { *d };
            mix(d.to_bits() ^ 0x5bd1_e995)
        }
        Ratio(r) => hash_of(4, &**r),
        Char(c) => mix(u64::from(*c as u32) ^ 0x1000_0000_0000),
        Str(s) => hash_of(5, s.as_str()),
        Keyword(k) => k.hash_code(),
        Symbol(s) => hash_of(6, &**s),
        // An unrealized lazy seq hashes by what is realized of it (it
        // equals only itself, so this stays consistent).
        List(_) | Vector(_) | Lazy(_) | Cons(_) | Chunked(_) => sequential_items(v)
            .into_iter()
            .flatten()
            .fold(1, |acc, x| hash_combine_ordered(acc, hash_value(x))),
        Map(m) => unordered(m.iter().map(|(k, v)| hash_value(k) ^ mix(hash_value(v)))),
        SortedMap(m) => unordered(m.iter().map(|(k, v)| hash_value(k) ^ mix(hash_value(v)))),
        Set(s) => unordered(s.iter().map(hash_value)),
        SortedSet(s) => unordered(s.iter().map(hash_value)),
        Bytes(b) => hash_of(7, b.as_slice()),
        Fn(f) => mix(Rc::as_ptr(f) as *const u8 as u64),
        Builtin(b) => mix(*b as *const _ as u64),
        Var(x) => mix(Rc::as_ptr(x) as *const u8 as u64),
        Atom(x) => mix(Rc::as_ptr(x) as *const u8 as u64),
        Regex(x) => mix(Rc::as_ptr(x) as *const u8 as u64),
        Error(x) => mix(Rc::as_ptr(x) as *const u8 as u64),
        Cont(x) => mix(Rc::as_ptr(x) as *const u8 as u64),
        Delay(x) => mix(Rc::as_ptr(x) as *const u8 as u64),
        Reduced(x) => mix(Rc::as_ptr(x) as *const u8 as u64),
        // Copies with the same methods are equal: hash the origin and those.
        Cap(c) => c
            .allowed
            .iter()
            .fold(mix(Rc::as_ptr(&c.origin) as *const u8 as u64), |acc, m| {
                hash_combine_ordered(acc, m.hash_code())
            }),
    }
}

fn unordered(hashes: impl Iterator<Item = u64>) -> u64 {
    mix(hashes.fold(0x2545_f491_4f6c_dd1d, u64::wrapping_add))
}

/// Clojure's `compare`: numbers by value across types, strings, chars,
/// keywords and symbols lexicographically, vectors by length then element,
/// booleans `false < true`, `nil` before everything. Other pairs are not
/// comparable.
pub fn compare(a: &Value, b: &Value) -> Result<Ordering, String> {
    super::deep(|| compare_here(a, b))
}

fn compare_here(a: &Value, b: &Value) -> Result<Ordering, String> {
    use Value::*;
    Ok(match (a, b) {
        (Nil, Nil) => Ordering::Equal,
        (Nil, _) => Ordering::Less,
        (_, Nil) => Ordering::Greater,
        (x, y) if x.is_number() && y.is_number() => num::compare_numbers(x, y),
        (Bool(x), Bool(y)) => x.cmp(y),
        (Str(x), Str(y)) => x.cmp(y),
        (Char(x), Char(y)) => x.cmp(y),
        (Keyword(x), Keyword(y)) => x.cmp(y),
        (Symbol(x), Symbol(y)) => x.cmp(y),
        (Vector(x), Vector(y)) => match x.items.len().cmp(&y.items.len()) {
            Ordering::Equal => {
                for (p, q) in x.items.iter().zip(y.items.iter()) {
                    match compare(p, q)? {
                        Ordering::Equal => {}
                        other => return Ok(other),
                    }
                }
                Ordering::Equal
            }
            other => other,
        },
        _ => {
            return Err(format!(
                "cannot compare {} with {}",
                a.type_name(),
                b.type_name()
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_hash_keeps_runs_of_eight_together_and_spreads_runs() {
        for run in [0_i64, 1, 12_345, -7] {
            // Below hashbrown's 7-bit tag, the run's 8 keys are consecutive.
            let low = |i: i64| int_hash(i) & !(0x7f << 57);
            for j in 0..8 {
                assert_eq!(low(run * 8 + j), low(run * 8) + j as u64);
            }
        }
        // Keys with a common stride land in different buckets.
        let buckets: std::collections::HashSet<u64> =
            (0..64).map(|i| int_hash(i * 1024) & 0xffff).collect();
        assert!(buckets.len() > 48, "{} distinct buckets", buckets.len());
    }

    #[test]
    fn equal_integers_hash_alike_across_types() {
        let big = Value::BigInt(Rc::new(num_bigint::BigInt::from(41)));
        assert_eq!(hash_value(&big), hash_value(&Value::Int(41)));
    }
}
