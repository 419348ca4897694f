//! Persistent singly linked lists with O(1) `count`, `first`, `rest`, `cons`.

use std::rc::Rc;

use super::Value;

#[derive(Default, Debug)]
pub enum List {
    #[default]
    Empty,
    Cons {
        first: Value,
        rest: Rc<List>,
        count: usize,
    },
}

impl List {
    pub fn empty() -> Rc<List> {
        thread_local! {
            static EMPTY: Rc<List> = Rc::new(List::Empty);
        }
        // During thread teardown the shared empty list may already be gone.
        EMPTY
            .try_with(Rc::clone)
            .unwrap_or_else(|_| Rc::new(List::Empty))
    }

    pub fn cons(first: Value, rest: Rc<List>) -> Rc<List> {
        let count = rest.count() + 1;
        Rc::new(List::Cons { first, rest, count })
    }

    pub fn from_iter_rc(
        items: impl IntoIterator<Item = Value, IntoIter: DoubleEndedIterator>,
    ) -> Rc<List> {
        items
            .into_iter()
            .rev()
            .fold(List::empty(), |rest, first| List::cons(first, rest))
    }

    pub fn count(&self) -> usize {
        match self {
            List::Empty => 0,
            List::Cons { count, .. } => *count,
        }
    }

    pub fn first(&self) -> Option<&Value> {
        match self {
            List::Empty => None,
            List::Cons { first, .. } => Some(first),
        }
    }

    pub fn rest(&self) -> Rc<List> {
        match self {
            List::Empty => List::empty(),
            List::Cons { rest, .. } => rest.clone(),
        }
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter { list: self }
    }
}

#[derive(Debug)]
pub struct Iter<'a> {
    list: &'a List,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Value;

    fn next(&mut self) -> Option<&'a Value> {
        match self.list {
            List::Empty => None,
            List::Cons { first, rest, .. } => {
                self.list = rest;
                Some(first)
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.list.count(), Some(self.list.count()))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// Dropping a long list must not recurse once per cell (a million-element
/// list would overflow the native stack), so cells that are uniquely owned
/// are unlinked in a loop.
impl Drop for List {
    fn drop(&mut self) {
        if let List::Cons { first, .. } = self {
            let first = std::mem::take(first);
            super::deep(move || drop(first));
        }
        if let List::Cons { rest, .. } = self {
            let mut next = std::mem::replace(rest, List::empty());
            while let Ok(mut cell) = Rc::try_unwrap(next) {
                match &mut cell {
                    List::Cons { rest, .. } => next = std::mem::replace(rest, List::empty()),
                    List::Empty => break,
                }
            }
        }
    }
}
