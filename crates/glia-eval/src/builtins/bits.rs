//! Bitwise operations on integers.

use super::{Builtin, MANY, expected, pure};
use crate::error::Error;
use crate::value::Value;

fn int(v: &Value, fname: &str) -> Result<i64, Error> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(expected("an integer", fname, other)),
    }
}

macro_rules! fold_bits {
    ($fname:ident, $name:literal, $op:expr) => {
        fn $fname(a: &mut [Value]) -> Result<Value, Error> {
            let mut acc = int(&a[0], $name)?;
            for x in &a[1..] {
                acc = $op(acc, int(x, $name)?);
            }
            Ok(Value::Int(acc))
        }
    };
}

fold_bits!(bit_and, "bit-and", |x, y| x & y);
fold_bits!(bit_or, "bit-or", |x, y| x | y);
fold_bits!(bit_xor, "bit-xor", |x, y| x ^ y);
fold_bits!(bit_and_not, "bit-and-not", |x: i64, y: i64| x & !y);

fn bit_not(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Int(!int(&a[0], "bit-not")?))
}

/// A bit index or shift distance; Java masks it to 6 bits, so does Glia.
fn index(v: &Value, fname: &str) -> Result<u32, Error> {
    Ok((int(v, fname)? & 63) as u32)
}

macro_rules! bit_at {
    ($fname:ident, $name:literal, |$x:ident, $n:ident| $body:expr) => {
        fn $fname(a: &mut [Value]) -> Result<Value, Error> {
            let $x = int(&a[0], $name)?;
            let $n = index(&a[1], $name)?;
            Ok($body)
        }
    };
}

bit_at!(shift_left, "bit-shift-left", |x, n| Value::Int(
    x.wrapping_shl(n)
));
bit_at!(shift_right, "bit-shift-right", |x, n| Value::Int(x >> n));
bit_at!(unsigned_shift_right, "unsigned-bit-shift-right", |x, n| {
    Value::Int(((x as u64) >> n) as i64)
});
bit_at!(bit_test, "bit-test", |x, n| Value::Bool(x & (1 << n) != 0));
bit_at!(bit_set, "bit-set", |x, n| Value::Int(x | (1 << n)));
bit_at!(bit_clear, "bit-clear", |x, n| Value::Int(x & !(1 << n)));
bit_at!(bit_flip, "bit-flip", |x, n| Value::Int(x ^ (1 << n)));

pub static BUILTINS: &[Builtin] = &[
    pure("bit-and", 2, MANY, bit_and),
    pure("bit-or", 2, MANY, bit_or),
    pure("bit-xor", 2, MANY, bit_xor),
    pure("bit-and-not", 2, MANY, bit_and_not),
    pure("bit-not", 1, 1, bit_not),
    pure("bit-shift-left", 2, 2, shift_left),
    pure("bit-shift-right", 2, 2, shift_right),
    pure("unsigned-bit-shift-right", 2, 2, unsigned_shift_right),
    pure("bit-test", 2, 2, bit_test),
    pure("bit-set", 2, 2, bit_set),
    pure("bit-clear", 2, 2, bit_clear),
    pure("bit-flip", 2, 2, bit_flip),
];
