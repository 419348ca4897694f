//! Strings, keywords, symbols and characters.

use glia_syntax::printer::Mode;

use super::{Builtin, MANY, expected, pure, slice_bounds};
use crate::error::Error;
use crate::value::{Value, str_of, write_value};
use crate::vm::charge;

fn str_fn(a: &mut [Value]) -> Result<Value, Error> {
    let mut out = String::new();
    for x in a.iter() {
        out.push_str(&str_of(x));
    }
    charge(32 + out.len())?;
    Ok(Value::str(out))
}

fn joined(a: &[Value], mode: Mode) -> Result<String, Error> {
    let mut out = String::new();
    for (i, x) in a.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_value(&mut out, x, mode);
    }
    charge(32 + out.len())?;
    Ok(out)
}

fn pr_str(a: &mut [Value]) -> Result<Value, Error> {
    joined(a, Mode::Readable).map(Value::str)
}

fn prn_str(a: &mut [Value]) -> Result<Value, Error> {
    joined(a, Mode::Readable).map(|s| Value::str(s + "\n"))
}

fn print_str(a: &mut [Value]) -> Result<Value, Error> {
    joined(a, Mode::Human).map(Value::str)
}

fn println_str(a: &mut [Value]) -> Result<Value, Error> {
    joined(a, Mode::Human).map(|s| Value::str(s + "\n"))
}

fn subs(a: &mut [Value]) -> Result<Value, Error> {
    let Value::Str(s) = &a[0] else {
        return Err(expected("a string", "subs", &a[0]));
    };
    let (start, end) = slice_bounds(a, "subs", s.chars().count(), "a string", "characters")?;
    Ok(Value::str(
        s.chars().skip(start).take(end - start).collect::<String>(),
    ))
}

fn name(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Str(_) => a[0].clone(),
        Value::Keyword(k) => Value::str(k.name()),
        Value::Symbol(s) => Value::str(&*s.name),
        other => return Err(expected("a string, keyword or symbol", "name", other)),
    })
}

fn namespace(a: &mut [Value]) -> Result<Value, Error> {
    let ns = match &a[0] {
        Value::Keyword(k) => k.ns().map(str::to_string),
        Value::Symbol(s) => s.ns.as_deref().map(str::to_string),
        other => return Err(expected("a keyword or symbol", "namespace", other)),
    };
    Ok(ns.map(Value::str).unwrap_or_default())
}

fn split_name(s: &str) -> (Option<&str>, &str) {
    match s.split_once('/') {
        Some((ns, name)) if !ns.is_empty() && !name.is_empty() => (Some(ns), name),
        _ => (None, s),
    }
}

fn keyword(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match a {
        [Value::Keyword(_)] => a[0].clone(),
        [Value::Str(s)] => {
            let (ns, name) = split_name(s);
            Value::keyword(ns, name)
        }
        [Value::Symbol(s)] => Value::keyword(s.ns.as_deref(), &s.name),
        [Value::Nil] => Value::Nil,
        [ns, Value::Str(name)] => match ns {
            Value::Str(ns) => Value::keyword(Some(ns), name),
            Value::Nil => Value::keyword(None, name),
            other => return Err(expected("a string namespace", "keyword", other)),
        },
        [other, ..] => return Err(expected("a string, symbol or keyword", "keyword", other)),
        [] => unreachable!("arity checked"),
    })
}

fn symbol(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match a {
        [Value::Symbol(_)] => a[0].clone(),
        [Value::Str(s)] => {
            let (ns, name) = split_name(s);
            Value::symbol(ns, name)
        }
        [Value::Keyword(k)] => Value::symbol(k.ns(), k.name()),
        [ns, Value::Str(name)] => match ns {
            Value::Str(ns) => Value::symbol(Some(ns), name),
            Value::Nil => Value::symbol(None, name),
            other => return Err(expected("a string namespace", "symbol", other)),
        },
        [other, ..] => return Err(expected("a string or keyword", "symbol", other)),
        [] => unreachable!("arity checked"),
    })
}

fn char_fn(a: &mut [Value]) -> Result<Value, Error> {
    match &a[0] {
        Value::Char(_) => Ok(a[0].clone()),
        Value::Int(i) => u32::try_from(*i)
            .ok()
            .and_then(char::from_u32)
            .map(Value::Char)
            .ok_or_else(|| Error::illegal_argument(format!("{i} is not a Unicode code point"))),
        other => Err(expected("an integer code point", "char", other)),
    }
}

pub static BUILTINS: &[Builtin] = &[
    pure("str", 0, MANY, str_fn).realizing(super::realize::all_deep),
    pure("pr-str", 0, MANY, pr_str).realizing(super::realize::all_deep),
    pure("prn-str", 0, MANY, prn_str).realizing(super::realize::all_deep),
    pure("print-str", 0, MANY, print_str).realizing(super::realize::all_deep),
    pure("println-str", 0, MANY, println_str).realizing(super::realize::all_deep),
    pure("subs", 2, 3, subs),
    pure("name", 1, 1, name),
    pure("namespace", 1, 1, namespace),
    pure("keyword", 1, 2, keyword),
    pure("symbol", 1, 2, symbol),
    pure("char", 1, 1, char_fn),
];
