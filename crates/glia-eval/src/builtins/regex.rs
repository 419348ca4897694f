//! Regular expressions, on the `regex` crate (linear time: a pattern from
//! untrusted code cannot make matching take exponential time).

use std::rc::Rc;

use super::{Builtin, expected, pure, string_arg};
use crate::error::Error;
use crate::value::Value;
use crate::vm::charge;

/// A regex argument, or a string compiled as one.
pub(super) fn pattern(v: &Value, fname: &str) -> Result<Rc<regex::Regex>, Error> {
    match v {
        Value::Regex(r) => Ok(r.clone()),
        Value::Str(s) => compile(s),
        other => Err(expected("a regex", fname, other)),
    }
}

pub(super) fn compile(s: &str) -> Result<Rc<regex::Regex>, Error> {
    regex::Regex::new(s).map(Rc::new).map_err(|e| {
        Error::illegal_argument(format!("invalid regex {s:?}: {e}")).with_hint(
            "Glia regexes use the syntax of Rust's regex crate (no backreferences or lookaround)",
        )
    })
}

/// A match as Clojure gives it: the whole match, or a vector of it and its
/// groups (nil for a group that did not take part).
fn groups(caps: &regex::Captures) -> Value {
    if caps.len() == 1 {
        return Value::str(&caps[0]);
    }
    Value::vector(
        caps.iter()
            .map(|g| g.map_or(Value::Nil, |m| Value::str(m.as_str()))),
    )
}

fn re_pattern(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Regex(pattern(&a[0], "re-pattern")?))
}

fn re_find(a: &mut [Value]) -> Result<Value, Error> {
    let re = pattern(&a[0], "re-find")?;
    let s = string_arg(&a[1], "re-find")?;
    Ok(re.captures(s).map_or(Value::Nil, |c| groups(&c)))
}

fn re_matches(a: &mut [Value]) -> Result<Value, Error> {
    let re = pattern(&a[0], "re-matches")?;
    let s = string_arg(&a[1], "re-matches")?;
    // Anchored, so that a whole-string match wins over a shorter leftmost one;
    // the non-capturing wrapper keeps the group numbers.
    let whole = compile(&format!("^(?:{})$", re.as_str()))?;
    Ok(whole.captures(s).map_or(Value::Nil, |c| groups(&c)))
}

fn re_seq(a: &mut [Value]) -> Result<Value, Error> {
    let re = pattern(&a[0], "re-seq")?;
    let s = string_arg(&a[1], "re-seq")?;
    let found: Vec<Value> = re.captures_iter(s).map(|c| groups(&c)).collect();
    charge(32 * found.len())?;
    Ok(super::seqs::list_or_nil(found))
}

pub static BUILTINS: &[Builtin] = &[
    pure("re-pattern", 1, 1, re_pattern),
    pure("re-find", 2, 2, re_find),
    pure("re-matches", 2, 2, re_matches),
    pure("re-seq", 2, 2, re_seq),
];
