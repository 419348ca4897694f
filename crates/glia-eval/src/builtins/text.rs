//! `glia.string` (Clojure's `clojure.string`): the string fns, bound in
//! their own namespace.

use super::{Builtin, expected, pure, regex::pattern, string_arg};
use crate::error::Error;
use crate::value::{Value, str_of};
use crate::vm::charge;

fn string(s: String) -> Result<Value, Error> {
    charge(32 + s.len())?;
    Ok(Value::str(s))
}

fn join(a: &mut [Value]) -> Result<Value, Error> {
    let (sep, coll) = match a {
        [coll] => (String::new(), &*coll),
        [sep, coll] => (str_of(sep), &*coll),
        _ => unreachable!("arity checked"),
    };
    let parts: Vec<String> = super::seq_items(coll)?.iter().map(str_of).collect();
    string(parts.join(&sep))
}

fn split(a: &mut [Value]) -> Result<Value, Error> {
    let s = string_arg(&a[0], "split")?;
    let re = pattern(&a[1], "split")?;
    let limit = match a.get(2) {
        Some(Value::Int(n)) => *n,
        Some(other) => return Err(expected("an integer limit", "split", other)),
        None => 0,
    };
    let mut parts: Vec<&str> = if limit > 0 {
        re.splitn(s, limit as usize).collect()
    } else {
        re.split(s).collect()
    };
    // Java's split (which Clojure's follows) drops a leading empty part
    // made by a zero-width match at 0, and trailing empty parts (limit 0).
    if parts.len() > 1 && parts[0].is_empty() && re.find(s).is_some_and(|m| m.end() == 0) {
        parts.remove(0);
    }
    if limit == 0 {
        while parts.len() > 1 && parts.last() == Some(&"") {
            parts.pop();
        }
    }
    charge(32 * parts.len())?;
    Ok(Value::vector(parts.into_iter().map(Value::str)))
}

fn split_lines(a: &mut [Value]) -> Result<Value, Error> {
    let s = string_arg(&a[0], "split-lines")?;
    let mut parts: Vec<&str> = s
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    Ok(Value::vector(parts.into_iter().map(Value::str)))
}

macro_rules! string_fn {
    ($fname:ident, $name:literal, |$s:ident| $body:expr) => {
        fn $fname(a: &mut [Value]) -> Result<Value, Error> {
            let $s = string_arg(&a[0], $name)?;
            string($body)
        }
    };
}

string_fn!(trim, "trim", |s| s.trim().to_string());
string_fn!(triml, "triml", |s| s.trim_start().to_string());
string_fn!(trimr, "trimr", |s| s.trim_end().to_string());
string_fn!(trim_newline, "trim-newline", |s| s
    .trim_end_matches(['\n', '\r'])
    .to_string());
string_fn!(upper_case, "upper-case", |s| s.to_uppercase());
string_fn!(lower_case, "lower-case", |s| s.to_lowercase());
string_fn!(reverse, "reverse", |s| s.chars().rev().collect());
string_fn!(capitalize, "capitalize", |s| {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c
            .to_uppercase()
            .chain(cs.as_str().to_lowercase().chars())
            .collect(),
        None => String::new(),
    }
});

fn blank(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(match &a[0] {
        Value::Nil => true,
        v => string_arg(v, "blank?")?.trim().is_empty(),
    }))
}

/// The substring argument of `includes?` and friends: a string or char.
fn needle(v: &Value, fname: &str) -> Result<String, Error> {
    match v {
        Value::Str(s) => Ok((**s).clone()),
        Value::Char(c) => Ok(c.to_string()),
        other => Err(expected("a string or character", fname, other)),
    }
}

fn includes(a: &mut [Value]) -> Result<Value, Error> {
    let n = needle(&a[1], "includes?")?;
    Ok(Value::Bool(string_arg(&a[0], "includes?")?.contains(&n)))
}

fn starts_with(a: &mut [Value]) -> Result<Value, Error> {
    let n = needle(&a[1], "starts-with?")?;
    Ok(Value::Bool(
        string_arg(&a[0], "starts-with?")?.starts_with(&n),
    ))
}

fn ends_with(a: &mut [Value]) -> Result<Value, Error> {
    let n = needle(&a[1], "ends-with?")?;
    Ok(Value::Bool(string_arg(&a[0], "ends-with?")?.ends_with(&n)))
}

/// A byte offset in `s` as a character index (what Clojure's indices count).
fn char_index(s: &str, byte: usize) -> Value {
    Value::Int(s[..byte].chars().count() as i64)
}

fn index_of(a: &mut [Value]) -> Result<Value, Error> {
    let s = string_arg(&a[0], "index-of")?;
    let n = needle(&a[1], "index-of")?;
    let from = match a.get(2) {
        Some(Value::Int(i)) => s
            .char_indices()
            .nth((*i).max(0) as usize)
            .map_or(s.len(), |(b, _)| b),
        Some(other) => return Err(expected("an integer index", "index-of", other)),
        None => 0,
    };
    Ok(s[from..]
        .find(&n)
        .map_or(Value::Nil, |b| char_index(s, from + b)))
}

fn last_index_of(a: &mut [Value]) -> Result<Value, Error> {
    let s = string_arg(&a[0], "last-index-of")?;
    let n = needle(&a[1], "last-index-of")?;
    Ok(s.rfind(&n).map_or(Value::Nil, |b| char_index(s, b)))
}

/// `replace` and `replace-first`: a string or char for a string or char, or
/// a regex for a replacement string (`$1` names a group).
fn replace_with(a: &[Value], fname: &str, all: bool) -> Result<Value, Error> {
    let s = string_arg(&a[0], fname)?;
    let out = match (&a[1], &a[2]) {
        (Value::Regex(re), Value::Str(rep)) => {
            // Java's `$1` is the regex crate's `${1}`.
            let rep = java_replacement(rep);
            if all {
                re.replace_all(s, rep.as_str()).into_owned()
            } else {
                re.replace(s, rep.as_str()).into_owned()
            }
        }
        (Value::Regex(_), other) => {
            return Err(expected("a replacement string or fn", fname, other));
        }
        (from, to) => {
            let (from, to) = (needle(from, fname)?, needle(to, fname)?);
            if all {
                s.replace(&from, &to)
            } else {
                s.replacen(&from, &to, 1)
            }
        }
    };
    string(out)
}

/// Java's `$n` group references in a replacement as the regex crate's
/// `${n}` (so `$1a` is group 1 then `a`), with `\$` a literal dollar.
fn java_replacement(rep: &str) -> String {
    let mut out = String::with_capacity(rep.len());
    let mut cs = rep.chars().peekable();
    while let Some(c) = cs.next() {
        match c {
            '\\' => match cs.next() {
                Some('$') => out.push_str("$$"),
                Some(other) => out.push(other),
                None => {}
            },
            '$' => {
                let mut digits = String::new();
                while let Some(d) = cs.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    cs.next();
                }
                out.push_str(&format!("${{{digits}}}"));
            }
            other => out.push(other),
        }
    }
    out
}

/// `(--split-matches re s limit)`: `s` cut at the matches of `re` (at most
/// `limit` of them, nil for all): `[before match between match ... after]`,
/// each match as `re-find` gives it. `replace` with a fn builds on it.
fn split_matches(a: &mut [Value]) -> Result<Value, Error> {
    let re = pattern(&a[0], "replace")?;
    let s = string_arg(&a[1], "replace")?;
    let limit = match a[2] {
        Value::Int(n) => n.max(0) as usize,
        _ => usize::MAX,
    };
    let mut parts = Vec::new();
    let mut at = 0;
    for caps in re.captures_iter(s).take(limit) {
        let whole = caps.get(0).expect("group 0 is the match");
        parts.push(Value::str(&s[at..whole.start()]));
        parts.push(if caps.len() == 1 {
            Value::str(whole.as_str())
        } else {
            Value::vector(
                caps.iter()
                    .map(|g| g.map_or(Value::Nil, |m| Value::str(m.as_str()))),
            )
        });
        at = whole.end();
    }
    parts.push(Value::str(&s[at..]));
    charge(32 * parts.len())?;
    Ok(Value::vector(parts))
}

fn replace(a: &mut [Value]) -> Result<Value, Error> {
    replace_with(a, "replace", true)
}

fn replace_first(a: &mut [Value]) -> Result<Value, Error> {
    replace_with(a, "replace-first", false)
}

fn escape(a: &mut [Value]) -> Result<Value, Error> {
    let s = string_arg(&a[0], "escape")?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match super::get(&a[1], &Value::Char(c), Value::Nil) {
            Value::Nil => out.push(c),
            rep => out.push_str(&str_of(&rep)),
        }
    }
    string(out)
}

fn re_quote_replacement(a: &mut [Value]) -> Result<Value, Error> {
    let s = string_arg(&a[0], "re-quote-replacement")?;
    string(s.replace('\\', "\\\\").replace('$', "\\$"))
}

pub static BUILTINS: &[Builtin] = &[
    pure("join", 1, 2, join).realizing(super::realize::last_spine),
    pure("split", 2, 3, split),
    pure("split-lines", 1, 1, split_lines),
    pure("trim", 1, 1, trim),
    pure("triml", 1, 1, triml),
    pure("trimr", 1, 1, trimr),
    pure("trim-newline", 1, 1, trim_newline),
    pure("upper-case", 1, 1, upper_case),
    pure("lower-case", 1, 1, lower_case),
    pure("capitalize", 1, 1, capitalize),
    pure("reverse", 1, 1, reverse),
    pure("blank?", 1, 1, blank),
    pure("includes?", 2, 2, includes),
    pure("starts-with?", 2, 2, starts_with),
    pure("ends-with?", 2, 2, ends_with),
    pure("index-of", 2, 3, index_of),
    pure("last-index-of", 2, 2, last_index_of),
    pure("--replace", 3, 3, replace),
    pure("--replace-first", 3, 3, replace_first),
    pure("--split-matches", 3, 3, split_matches),
    pure("escape", 2, 2, escape),
    pure("re-quote-replacement", 1, 1, re_quote_replacement),
];
