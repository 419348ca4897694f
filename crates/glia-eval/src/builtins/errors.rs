//! Exceptions: `ex-info` and friends, and the test `catch` compiles to.

use std::rc::Rc;

use super::{Builtin, expected, pure};
use crate::error::{Error, Exception};
use crate::value::Value;

fn ex_info(a: &mut [Value]) -> Result<Value, Error> {
    let Value::Str(message) = a[0].clone() else {
        return Err(expected("a message string", "ex-info", &a[0]));
    };
    // An exception as data is its map (so its type carries over).
    let data = std::mem::take(&mut a[1]).into_map_view();
    if !matches!(data, Value::Map(_) | Value::SortedMap(_) | Value::Nil) {
        return Err(expected("a map of data", "ex-info", &data));
    }
    let cause = a.get_mut(2).map(std::mem::take);
    Ok(Value::Error(Rc::new(Exception::ex_info(
        (*message).clone(),
        data,
        cause,
    ))))
}

fn ex_data(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Error(e) => match e.get("data") {
            Some(d) => d.clone(),
            // A runtime error's data is the error map itself.
            None => Value::Map(e.map.clone()),
        },
        _ => Value::Nil,
    })
}

fn ex_message(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Error(e) => Value::str(e.message()),
        _ => Value::Nil,
    })
}

fn ex_cause(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Error(e) => e.get("cause").cloned().unwrap_or_default(),
        _ => Value::Nil,
    })
}

/// `(--catches? exception type-keyword)`: whether a `catch` clause for
/// that type takes it. Types match exactly; `:default` takes everything
/// but the signal unwinding an aborted body (only `finally` sees that).
fn catches(a: &mut [Value]) -> Result<Value, Error> {
    let Value::Keyword(wanted) = &a[1] else {
        return Ok(Value::Bool(false));
    };
    Ok(Value::Bool(match &a[0] {
        Value::Error(e) if e.abort => false,
        _ if wanted.ns().is_none() && wanted.name() == "default" => true,
        Value::Error(e) => e.type_keyword() == Some(wanted),
        _ => false,
    }))
}

fn error_type(a: &mut [Value]) -> Result<Value, Error> {
    Ok(match &a[0] {
        Value::Error(e) => e
            .type_keyword()
            .cloned()
            .map(Value::Keyword)
            .unwrap_or_default(),
        _ => Value::Nil,
    })
}

pub static BUILTINS: &[Builtin] = &[
    pure("ex-info", 2, 3, ex_info),
    pure("ex-data", 1, 1, ex_data),
    pure("ex-message", 1, 1, ex_message),
    pure("ex-cause", 1, 1, ex_cause),
    pure("error-type", 1, 1, error_type),
    pure("--catches?", 2, 2, catches),
];
