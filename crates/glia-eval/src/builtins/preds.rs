//! Type predicates and logic.

use super::{Builtin, pure};
use crate::error::Error;
use crate::value::Value;

predicate!(is_nil, Value::Nil);
predicate!(is_true, Value::Bool(true));
predicate!(is_false, Value::Bool(false));
predicate!(is_boolean, Value::Bool(_));
predicate!(is_string, Value::Str(_));
predicate!(is_keyword, Value::Keyword(_));
predicate!(is_symbol, Value::Symbol(_));
predicate!(is_char, Value::Char(_));
predicate!(is_vector, Value::Vector(_));
predicate!(is_list, Value::List(_));
predicate!(is_set, Value::Set(_) | Value::SortedSet(_));
predicate!(
    is_seq,
    Value::List(_) | Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_)
);
predicate!(is_chunked_seq, Value::Chunked(_));
predicate!(is_fn, Value::Fn(_) | Value::Builtin(_));
predicate!(is_var, Value::Var(_));
predicate!(is_atom, Value::Atom(_));
predicate!(is_regex, Value::Regex(_));
predicate!(is_bytes, Value::Bytes(_));
predicate!(
    is_coll,
    Value::List(_)
        | Value::Cons(_)
        | Value::Lazy(_)
        | Value::Chunked(_)
        | Value::Vector(_)
        | Value::Map(_)
        | Value::Set(_)
        | Value::SortedMap(_)
        | Value::SortedSet(_)
        | Value::Error(_)
);
predicate!(
    is_sequential,
    Value::List(_) | Value::Vector(_) | Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_)
);
predicate!(
    is_associative,
    Value::Vector(_) | Value::Map(_) | Value::SortedMap(_) | Value::Error(_)
);
predicate!(is_sorted, Value::SortedMap(_) | Value::SortedSet(_));
predicate!(
    is_ifn,
    Value::Fn(_)
        | Value::Builtin(_)
        | Value::Keyword(_)
        | Value::Map(_)
        | Value::Set(_)
        | Value::Vector(_)
        | Value::Var(_)
        | Value::SortedMap(_)
        | Value::SortedSet(_)
);

predicate!(is_delay, Value::Delay(_));
predicate!(is_reduced, Value::Reduced(_));

fn reduced(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Reduced(std::rc::Rc::new(std::mem::take(&mut a[0]))))
}

/// Collections that count in constant time: all but lazy seqs and conses.
fn is_counted(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(
        !matches!(a[0], Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_))
            && is_coll(a)?.is_truthy(),
    ))
}

fn is_realized(a: &mut [Value]) -> Result<Value, Error> {
    match &a[0] {
        Value::Lazy(l) | Value::Delay(l) => Ok(Value::Bool(l.is_realized())),
        other => Err(super::expected("a lazy seq or delay", "realized?", other)),
    }
}

/// An exception is a (read-only) map too.
fn is_map(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(a[0].is_map()))
}

fn is_some(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(!a[0].is_nil()))
}

fn not(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(!a[0].is_truthy()))
}

fn boolean(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(a[0].is_truthy()))
}

fn identity(a: &mut [Value]) -> Result<Value, Error> {
    Ok(std::mem::take(&mut a[0]))
}

fn identical(a: &mut [Value]) -> Result<Value, Error> {
    use std::rc::Rc;
    Ok(Value::Bool(match (&a[0], &a[1]) {
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        (Value::Cons(x), Value::Cons(y)) => Rc::ptr_eq(x, y),
        (Value::Chunked(x), Value::Chunked(y)) => Rc::ptr_eq(x, y),
        (Value::Lazy(x), Value::Lazy(y)) | (Value::Delay(x), Value::Delay(y)) => Rc::ptr_eq(x, y),
        (Value::Vector(x), Value::Vector(y)) => Rc::ptr_eq(x, y),
        (Value::Map(x), Value::Map(y)) => Rc::ptr_eq(x, y),
        (Value::Set(x), Value::Set(y)) => Rc::ptr_eq(x, y),
        (Value::Str(x), Value::Str(y)) => Rc::ptr_eq(x, y),
        (Value::Error(x), Value::Error(y)) => Rc::ptr_eq(x, y),
        (
            x @ (Value::Nil
            | Value::Bool(_)
            | Value::Keyword(_)
            | Value::Int(_)
            | Value::Char(_)
            | Value::Fn(_)
            | Value::Builtin(_)
            | Value::Var(_)
            | Value::Atom(_)),
            y,
        ) => x == y,
        _ => false,
    }))
}

fn type_of(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::keyword(None, a[0].type_name()))
}

pub static BUILTINS: &[Builtin] = &[
    pure("nil?", 1, 1, is_nil),
    pure("some?", 1, 1, is_some),
    pure("true?", 1, 1, is_true),
    pure("false?", 1, 1, is_false),
    pure("boolean?", 1, 1, is_boolean),
    pure("string?", 1, 1, is_string),
    pure("keyword?", 1, 1, is_keyword),
    pure("symbol?", 1, 1, is_symbol),
    pure("char?", 1, 1, is_char),
    pure("map?", 1, 1, is_map),
    pure("vector?", 1, 1, is_vector),
    pure("list?", 1, 1, is_list),
    pure("set?", 1, 1, is_set),
    pure("seq?", 1, 1, is_seq),
    pure("fn?", 1, 1, is_fn),
    pure("ifn?", 1, 1, is_ifn),
    pure("var?", 1, 1, is_var),
    pure("atom?", 1, 1, is_atom),
    pure("regex?", 1, 1, is_regex),
    pure("bytes?", 1, 1, is_bytes),
    pure("coll?", 1, 1, is_coll),
    pure("sequential?", 1, 1, is_sequential),
    pure("associative?", 1, 1, is_associative),
    pure("sorted?", 1, 1, is_sorted),
    pure("counted?", 1, 1, is_counted),
    pure("delay?", 1, 1, is_delay),
    pure("chunked-seq?", 1, 1, is_chunked_seq),
    pure("reduced?", 1, 1, is_reduced),
    pure("reduced", 1, 1, reduced),
    pure("realized?", 1, 1, is_realized),
    pure("not", 1, 1, not),
    pure("boolean", 1, 1, boolean),
    pure("identity", 1, 1, identity),
    pure("identical?", 2, 2, identical),
    pure("type", 1, 1, type_of),
];
