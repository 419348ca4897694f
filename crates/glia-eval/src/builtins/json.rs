//! JSON for `glia.json`, on serde_json: text is read straight into Glia
//! values (no intermediate tree) and values are written through a
//! `Serialize` view of them.

use std::fmt;
use std::rc::Rc;

use serde::Serialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, SerializeMap, SerializeSeq, Serializer};

use super::{Builtin, expected, pure};
use crate::error::{Error, ErrorType};
use crate::value::{Map, SeqIter, Value, is_chain, str_of};
use crate::vm::charge;

/// Reads one JSON value; object keys become keywords when `keywords`.
#[derive(Clone, Copy)]
struct Reader {
    keywords: bool,
}

impl<'de> DeserializeSeed<'de> for Reader {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Reader {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Int(i))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(match i64::try_from(u) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::bigint(u.into()),
        })
    }

    fn visit_f64<E>(self, x: f64) -> Result<Value, E> {
        Ok(Value::Double(x))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::str(s))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::str(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = crate::value::Vector::new();
        while let Some(v) = seq.next_element_seed(self)? {
            items.push_back(v);
        }
        Ok(Value::Vector(Rc::new(crate::value::Vec_ {
            items,
            meta: None,
        })))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut m = Map::default();
        while let Some(k) = access.next_key::<String>()? {
            let key = if self.keywords {
                Value::keyword(None, &k)
            } else {
                Value::str(k)
            };
            let v = access.next_value_seed(self)?;
            m.insert(key, v);
        }
        Ok(Value::Map(Rc::new(m)))
    }
}

/// `(--json-parse text keywords?)`.
fn parse(a: &mut [Value]) -> Result<Value, Error> {
    let text = a[0]
        .as_str()
        .ok_or_else(|| expected("a JSON string", "glia.json/parse", &a[0]))?;
    // Parsed values take several times the text's size.
    charge(4 * text.len())?;
    let reader = Reader {
        keywords: a[1].is_truthy(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let v = reader
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| {
            Error::new(ErrorType::IllegalArgument, format!("invalid JSON: {e}"))
                .with_hint("check the text at that line and column")
        })?;
    Ok(v)
}

/// A Glia value as JSON: maps become objects (keys as strings: keywords
/// and symbols by name), lists, vectors and sets arrays, keywords and
/// symbols strings; fns, atoms and the like cannot be written.
struct Json<'a>(&'a Value);

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Nil => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Double(x) if x.is_finite() => s.serialize_f64(*x),
            Value::Double(x) => Err(S::Error::custom(format!("JSON has no {x}"))),
            Value::BigInt(_) | Value::Ratio(_) => s.serialize_f64(crate::value::to_f64(self.0)),
            Value::Str(x) => s.serialize_str(x),
            Value::Char(c) => s.serialize_char(*c),
            Value::Keyword(k) => s.serialize_str(&key_text(self.0, k.ns())),
            Value::Symbol(_) => s.serialize_str(&str_of(self.0)),
            Value::Map(m) => {
                let mut out = s.serialize_map(Some(m.len()))?;
                for (k, v) in m.iter() {
                    out.serialize_entry(&key(k), &Json(v))?;
                }
                out.end()
            }
            Value::SortedMap(m) => {
                let mut out = s.serialize_map(Some(m.len()))?;
                for (k, v) in m.iter() {
                    out.serialize_entry(&key(k), &Json(v))?;
                }
                out.end()
            }
            Value::Vector(v) => array(s, v.items.iter()),
            Value::Set(x) => array(s, x.iter()),
            Value::SortedSet(x) => array(s, x.iter()),
            v if is_chain(v) => array(s, SeqIter::new(v)),
            other => Err(S::Error::custom(format!(
                "{} cannot be written as JSON",
                crate::value::described(other)
            ))),
        }
    }
}

fn array<'a, S: Serializer>(
    s: S,
    items: impl Iterator<Item = &'a Value>,
) -> Result<S::Ok, S::Error> {
    let mut out = s.serialize_seq(None)?;
    for x in items {
        out.serialize_element(&Json(x))?;
    }
    out.end()
}

/// A keyword's text as a key: `:a/b` is "a/b".
fn key_text(v: &Value, ns: Option<&str>) -> String {
    match (v, ns) {
        (Value::Keyword(k), Some(ns)) => format!("{ns}/{}", k.name()),
        (Value::Keyword(k), None) => k.name().to_string(),
        _ => str_of(v),
    }
}

fn key(k: &Value) -> String {
    match k {
        Value::Keyword(kw) => key_text(k, kw.ns()),
        Value::Str(s) => (**s).clone(),
        other => str_of(other),
    }
}

/// `(--json-emit value pretty?)`.
fn emit(a: &mut [Value]) -> Result<Value, Error> {
    let fail = |e: serde_json::Error| {
        Error::new(
            ErrorType::IllegalArgument,
            format!("cannot write JSON: {e}"),
        )
        .with_hint(
            "JSON holds nil, booleans, numbers, strings, keywords, symbols and collections of them",
        )
    };
    let text = if a[1].is_truthy() {
        serde_json::to_string_pretty(&Json(&a[0])).map_err(fail)?
    } else {
        serde_json::to_string(&Json(&a[0])).map_err(fail)?
    };
    charge(32 + text.len())?;
    Ok(Value::str(text))
}

pub static BUILTINS: &[Builtin] = &[
    pure("--json-parse", 2, 2, parse),
    pure("--json-emit", 2, 2, emit).realizing(super::realize::all_deep),
];
