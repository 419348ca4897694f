//! Interned keywords: equal keywords are the same allocation, so equality
//! is a pointer comparison and the hash is computed once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

pub struct KeywordData {
    pub ns: Option<Box<str>>,
    pub name: Box<str>,
    pub hash: u64,
}

#[derive(Clone)]
pub struct Keyword(Rc<KeywordData>);

type Table = HashMap<(Option<Box<str>>, Box<str>), Keyword>;

thread_local! {
    // Keywords are never freed: programs use a bounded set of them, and a
    // weak table would cost a lookup on every drop.
    static TABLE: RefCell<Table> = RefCell::new(HashMap::new());
}

impl Keyword {
    pub fn intern(ns: Option<&str>, name: &str) -> Keyword {
        TABLE.with(|table| {
            let key = (ns.map(Box::from), Box::from(name));
            if let Some(k) = table.borrow().get(&key) {
                return k.clone();
            }
            let mut h = std::hash::DefaultHasher::new();
            key.hash(&mut h);
            let k = Keyword(Rc::new(KeywordData {
                ns: key.0.clone(),
                name: key.1.clone(),
                hash: h.finish() ^ 0x9e37_79b9_7f4a_7c15,
            }));
            table.borrow_mut().insert(key, k.clone());
            k
        })
    }

    pub fn ns(&self) -> Option<&str> {
        self.0.ns.as_deref()
    }

    /// Every keyword interned so far (what a REPL completes `:` from).
    pub fn all() -> Vec<Keyword> {
        TABLE.with(|table| table.borrow().values().cloned().collect())
    }

    pub fn name(&self) -> &str {
        &self.0.name
    }

    pub fn hash_code(&self) -> u64 {
        self.0.hash
    }
}

impl PartialEq for Keyword {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Keyword {}

impl Hash for Keyword {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.hash);
    }
}

impl PartialOrd for Keyword {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Keyword {
    /// Clojure orders keywords by namespace (none first), then name.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.ns(), self.name()).cmp(&(other.ns(), other.name()))
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ns() {
            Some(ns) => write!(f, ":{ns}/{}", self.name()),
            None => write!(f, ":{}", self.name()),
        }
    }
}

impl fmt::Debug for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
