//! Persistent hash maps, in three representations:
//!
//! * up to [`SMALL`] entries, a vector of pairs in insertion order (as
//!   Clojure's array maps print);
//! * a map grown while its owner held the only reference (a loop building
//!   it, `into`, `frequencies`...) is a flat hash table updated in place,
//!   as a Clojure transient would be, without the ceremony;
//! * a map updated while shared is an imbl HAMT, so every version costs
//!   O(log n). A flat map that gets shared and updated converts once (the
//!   HAMT is cached in it, so forking it again costs O(1)).
//!
//! All keys hash with Glia's own hash through a fixed hasher, so iteration
//! order is the same on every run.

use std::hash::{BuildHasherDefault, Hash, Hasher};

use imbl::shared_ptr::RcK;

use super::{Value, hash_value};

/// The largest map kept in insertion order.
pub const SMALL: usize = 8;

/// Passes Glia's precomputed hash through (keys hash themselves with
/// [`hash_value`], which is already well mixed and consistent with `=`).
#[derive(Default, Clone, Copy, Debug)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type FixedState = BuildHasherDefault<PassThrough>;
pub type HashMap = imbl::GenericHashMap<Value, Value, FixedState, RcK>;

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(hash_value(self));
    }
}

pub type FlatTable = std::collections::HashMap<Value, Value, FixedState>;

#[derive(Debug)]
pub enum Repr {
    Small(Vec<(Value, Value)>),
    Flat(Box<Flat>),
    Hash(HashMap),
}

/// A mutable table and, once the map has been shared, its persistent twin.
#[derive(Debug)]
pub struct Flat {
    table: FlatTable,
    persistent: std::cell::OnceCell<HashMap>,
}

impl Flat {
    fn persistent(&self) -> &HashMap {
        self.persistent.get_or_init(|| {
            self.table
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
    }

    fn table_mut(&mut self) -> &mut FlatTable {
        // The twin would go stale.
        self.persistent.take();
        &mut self.table
    }
}

/// Cloning a map never copies a flat table: the clone is its HAMT twin.
impl Clone for Repr {
    fn clone(&self) -> Self {
        match self {
            Repr::Small(v) => Repr::Small(v.clone()),
            Repr::Flat(f) => Repr::Hash(f.persistent().clone()),
            Repr::Hash(h) => Repr::Hash(h.clone()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Map {
    pub repr: Repr,
    pub meta: Option<Value>,
}

impl Drop for Map {
    fn drop(&mut self) {
        let repr = std::mem::replace(&mut self.repr, Repr::Small(Vec::new()));
        super::deep(move || drop(repr));
    }
}

impl Default for Map {
    fn default() -> Self {
        Map {
            repr: Repr::Small(Vec::new()),
            meta: None,
        }
    }
}

impl Map {
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Small(v) => v.len(),
            Repr::Flat(f) => f.table.len(),
            Repr::Hash(h) => h.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, key: &Value) -> Option<&Value> {
        match &self.repr {
            Repr::Small(v) => v.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Repr::Flat(f) => f.table.get(key),
            Repr::Hash(h) => h.get(key),
        }
    }

    pub fn get_entry(&self, key: &Value) -> Option<(&Value, &Value)> {
        match &self.repr {
            Repr::Small(v) => v.iter().find(|(k, _)| k == key).map(|(k, v)| (k, v)),
            Repr::Flat(f) => f.table.get_key_value(key),
            Repr::Hash(h) => h.get_key_value(key),
        }
    }

    pub fn contains_key(&self, key: &Value) -> bool {
        self.get(key).is_some()
    }

    /// Inserts in place; the caller owns this copy.
    pub fn insert(&mut self, key: Value, value: Value) {
        match &mut self.repr {
            Repr::Small(v) => {
                if let Some(slot) = v.iter_mut().find(|(k, _)| *k == key) {
                    slot.1 = value;
                } else if v.len() < SMALL {
                    v.push((key, value));
                } else {
                    let mut table: FlatTable = v.drain(..).collect();
                    table.insert(key, value);
                    self.repr = Repr::Flat(Box::new(Flat {
                        table,
                        persistent: std::cell::OnceCell::new(),
                    }));
                }
            }
            Repr::Flat(f) => {
                f.table_mut().insert(key, value);
            }
            Repr::Hash(h) => {
                h.insert(key, value);
            }
        }
    }

    pub fn remove(&mut self, key: &Value) {
        match &mut self.repr {
            Repr::Small(v) => v.retain(|(k, _)| k != key),
            Repr::Flat(f) => {
                f.table_mut().remove(key);
            }
            Repr::Hash(h) => {
                h.remove(key);
            }
        }
    }

    pub fn iter(&self) -> Box<dyn Iterator<Item = (&Value, &Value)> + '_> {
        match &self.repr {
            Repr::Small(v) => Box::new(v.iter().map(|(k, v)| (k, v))),
            Repr::Flat(f) => Box::new(f.table.iter()),
            Repr::Hash(h) => Box::new(h.iter()),
        }
    }
}

impl FromIterator<(Value, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (Value, Value)>>(iter: I) -> Self {
        let mut map = Map::default();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}
