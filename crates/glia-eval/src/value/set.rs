//! Persistent hash sets: a [`Map`] from each element to itself, so small
//! sets keep insertion order and large ones a fixed hash order, as maps do.

use super::{Map, Value};

#[derive(Clone, Default, Debug)]
pub struct Set {
    pub map: Map,
    pub meta: Option<Value>,
}

impl Set {
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn contains(&self, x: &Value) -> bool {
        self.map.contains_key(x)
    }

    /// The element equal to `x` that the set holds.
    pub fn get(&self, x: &Value) -> Option<&Value> {
        self.map.get_entry(x).map(|(k, _)| k)
    }

    pub fn insert(&mut self, x: Value) {
        if !self.map.contains_key(&x) {
            self.map.insert(x, Value::Nil);
        }
    }

    pub fn remove(&mut self, x: &Value) {
        self.map.remove(x);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.map.iter().map(|(k, _)| k)
    }
}

impl FromIterator<Value> for Set {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        let mut set = Set::default();
        for x in iter {
            set.insert(x);
        }
        set
    }
}
