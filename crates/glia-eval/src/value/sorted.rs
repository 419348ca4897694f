//! Sorted maps and sets, ordered by Glia's `compare`.

use std::cmp::Ordering;

use imbl::shared_ptr::RcK;

use super::{Value, compare};

/// A key ordered by [`compare`]. Keys of one sorted collection are checked
/// to be mutually comparable before they go in (see [`check_comparable`]),
/// so the fallback order for incomparable pairs is never observed; it only
/// keeps `Ord` total.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SortKey(pub Value);

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0).unwrap_or_else(|_| self.0.type_name().cmp(other.0.type_name()))
    }
}

/// An error message when `key` cannot be ordered against `existing`.
pub fn check_comparable(existing: Option<&Value>, key: &Value) -> Result<(), String> {
    match existing {
        Some(other) => compare(other, key).map(|_| ()),
        None => compare(key, key).map(|_| ()),
    }
}

#[derive(Clone, Default, Debug)]
pub struct SortedMap {
    pub map: imbl::GenericOrdMap<SortKey, Value, RcK>,
    pub meta: Option<Value>,
}

impl SortedMap {
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    pub fn get(&self, k: &Value) -> Option<&Value> {
        if check_comparable(self.any_key(), k).is_err() {
            return None;
        }
        self.map.get(&SortKey(k.clone()))
    }
    pub fn any_key(&self) -> Option<&Value> {
        self.map.get_min().map(|(k, _)| &k.0)
    }
    /// Like Clojure's, a key equal (by `compare`) to one present keeps the
    /// present key and takes the new value.
    pub fn insert(&mut self, k: Value, v: Value) -> Result<(), String> {
        check_comparable(self.any_key(), &k)?;
        let key = SortKey(k);
        match self.map.get_mut(&key) {
            Some(slot) => *slot = v,
            None => {
                self.map.insert(key, v);
            }
        }
        Ok(())
    }
    pub fn remove(&mut self, k: &Value) {
        if check_comparable(self.any_key(), k).is_ok() {
            self.map.remove(&SortKey(k.clone()));
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.map.iter().map(|(k, v)| (&k.0, v))
    }
}

#[derive(Clone, Default, Debug)]
pub struct SortedSet {
    pub set: imbl::GenericOrdSet<SortKey, RcK>,
    pub meta: Option<Value>,
}

impl SortedSet {
    pub fn len(&self) -> usize {
        self.set.len()
    }
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
    pub fn contains(&self, x: &Value) -> bool {
        check_comparable(self.set.get_min().map(|k| &k.0), x).is_ok()
            && self.set.contains(&SortKey(x.clone()))
    }
    pub fn insert(&mut self, x: Value) -> Result<(), String> {
        check_comparable(self.set.get_min().map(|k| &k.0), &x)?;
        let key = SortKey(x);
        if !self.set.contains(&key) {
            self.set.insert(key);
        }
        Ok(())
    }
    pub fn remove(&mut self, x: &Value) {
        if self.contains(x) {
            self.set.remove(&SortKey(x.clone()));
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.set.iter().map(|k| &k.0)
    }
}
