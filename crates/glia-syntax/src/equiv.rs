//! Clojure's `=` on forms, and a hash consistent with it: what makes two
//! literal map keys or set elements duplicates (`{[1 2] :a (1 2) :b}` is a
//! duplicate key, `#{1 1.0}` is not, `#{0.0 -0.0}` is).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use num_bigint::BigInt;

use crate::{Form, FormKind};

impl Form {
    /// Clojure equality (`=`): numbers by category and value, lists equal
    /// vectors with the same elements, maps and sets by content, regexes by
    /// identity (never equal), metadata ignored.
    pub fn equiv(&self, other: &Form) -> bool {
        use FormKind::*;
        match (&self.kind, &other.kind) {
            (Int(_) | BigInt(_), Int(_) | BigInt(_)) => integer(self) == integer(other),
            (Float(a), Float(b)) => a == b,
            (Ratio(a), Ratio(b)) => a == b,
            (List(a) | Vector(a), List(b) | Vector(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equiv(y))
            }
            (Map(a), Map(b)) => {
                a.len() == b.len() && {
                    let index = index_by_hash(b.iter().map(|(k, v)| (k, v)));
                    a.iter().all(|(k, v)| {
                        index.get(&k.equiv_hash()).is_some_and(|bucket| {
                            bucket.iter().any(|(k2, v2)| k.equiv(k2) && v.equiv(v2))
                        })
                    })
                }
            }
            (Set(a), Set(b)) => {
                a.len() == b.len() && {
                    let index = index_by_hash(b.iter().map(|x| (x, x)));
                    a.iter().all(|x| {
                        index
                            .get(&x.equiv_hash())
                            .is_some_and(|bucket| bucket.iter().any(|(y, _)| x.equiv(y)))
                    })
                }
            }
            (Regex(_), Regex(_)) => false,
            (a, b) => a == b,
        }
    }

    /// A hash such that `a.equiv(b)` implies `a.equiv_hash() == b.equiv_hash()`.
    pub fn equiv_hash(&self) -> u64 {
        let mut h = DefaultHasher::new();
        self.hash_into(&mut h);
        h.finish()
    }

    fn hash_into(&self, h: &mut DefaultHasher) {
        use FormKind::*;
        match &self.kind {
            Nil => 0u8.hash(h),
            Bool(b) => b.hash(h),
            Int(_) | BigInt(_) => integer(self).hash(h),
            // -0.0 == 0.0, so both hash as 0.0.
            Float(f) => (if *f == 0.0 { 0.0f64 } else { *f }).to_bits().hash(h),
            Ratio(r) => r.hash(h),
            Char(c) => c.hash(h),
            Str(s) => s.hash(h),
            Regex(s) => s.hash(h),
            Symbol(s) => s.hash(h),
            Keyword(k) => k.hash(h),
            List(items) | Vector(items) => {
                1u8.hash(h);
                for item in items {
                    item.hash_into(h);
                }
            }
            // Order-independent: a sum of the entries' own hashes.
            Map(entries) => {
                2u8.hash(h);
                let sum = entries.iter().fold(0u64, |acc, (k, v)| {
                    acc.wrapping_add(k.equiv_hash().wrapping_mul(31) ^ v.equiv_hash())
                });
                sum.hash(h);
            }
            Set(items) => {
                3u8.hash(h);
                let sum = items
                    .iter()
                    .fold(0u64, |acc, x| acc.wrapping_add(x.equiv_hash()));
                sum.hash(h);
            }
        }
    }
}

/// Pairs grouped by the hash of their first form, so that comparing two
/// maps or sets is linear rather than quadratic in their size.
fn index_by_hash<'f>(
    pairs: impl Iterator<Item = (&'f Form, &'f Form)>,
) -> HashMap<u64, Vec<(&'f Form, &'f Form)>> {
    let mut index: HashMap<u64, Vec<(&Form, &Form)>> = HashMap::new();
    for (key, value) in pairs {
        index
            .entry(key.equiv_hash())
            .or_default()
            .push((key, value));
    }
    index
}

fn integer(form: &Form) -> BigInt {
    match &form.kind {
        FormKind::Int(i) => BigInt::from(*i),
        FormKind::BigInt(b) => b.clone(),
        _ => unreachable!("integer() is only called on integer forms"),
    }
}

#[cfg(test)]
mod tests {
    use crate::read::read;

    fn one(src: &str) -> crate::Form {
        let r = read(src);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        r.forms.into_iter().next().unwrap()
    }

    #[test]
    fn clojure_equality() {
        let cases = [
            ("[1 2]", "(1 2)", true),
            ("1", "1N", true),
            ("1", "1.0", false),
            ("0.0", "-0.0", true),
            ("{:a 1 :b 2}", "{:b 2 :a 1}", true),
            ("#{1 2}", "#{2 1}", true),
            ("#\"a\"", "#\"a\"", false),
            ("\\a", "\"a\"", false),
        ];
        for (a, b, equal) in cases {
            let (a, b) = (one(a), one(b));
            assert_eq!(a.equiv(&b), equal, "{a:?} = {b:?}");
            if equal {
                assert_eq!(a.equiv_hash(), b.equiv_hash());
            }
        }
    }
}
