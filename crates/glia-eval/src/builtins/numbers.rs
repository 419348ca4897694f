//! Arithmetic, comparison and numeric conversions.

use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::{FromPrimitive, ToPrimitive};

use super::{Builtin, MANY, expected, pure};
use crate::error::{Error, ErrorType};
use crate::value::{
    self, Num, Value, arith, arith_as, check_number, compare_op, negate, num_equiv,
};

fn fold(op: Num, args: &[Value], identity: i64, promote: bool, name: &str) -> Result<Value, Error> {
    // Two integers, the common case (`(reduce + ...)`), without the
    // general arithmetic's dispatch.
    if let [Value::Int(x), Value::Int(y)] = args {
        let r = match op {
            Num::Add => x.checked_add(*y),
            Num::Sub => x.checked_sub(*y),
            Num::Mul => x.checked_mul(*y),
            _ => None,
        };
        if let Some(r) = r {
            return Ok(Value::Int(r));
        }
    }
    match args {
        [] => Ok(Value::Int(identity)),
        [x] => {
            check_number(name, x)?;
            Ok(x.clone())
        }
        [first, rest @ ..] => {
            let mut acc = first.clone();
            for x in rest {
                acc = arith(op, &acc, x, promote)?;
            }
            Ok(acc)
        }
    }
}

fn add(a: &mut [Value]) -> Result<Value, Error> {
    fold(Num::Add, a, 0, false, "+")
}
fn add_p(a: &mut [Value]) -> Result<Value, Error> {
    fold(Num::Add, a, 0, true, "+'")
}
fn mul(a: &mut [Value]) -> Result<Value, Error> {
    fold(Num::Mul, a, 1, false, "*")
}
fn mul_p(a: &mut [Value]) -> Result<Value, Error> {
    fold(Num::Mul, a, 1, true, "*'")
}
fn sub(a: &mut [Value]) -> Result<Value, Error> {
    if let [x] = a {
        return negate(x, false);
    }
    fold(Num::Sub, a, 0, false, "-")
}
fn sub_p(a: &mut [Value]) -> Result<Value, Error> {
    if let [x] = a {
        return negate(x, true);
    }
    fold(Num::Sub, a, 0, true, "-'")
}
fn div(a: &mut [Value]) -> Result<Value, Error> {
    if let [x] = a {
        return arith(Num::Div, &Value::Int(1), x, false);
    }
    fold(Num::Div, a, 1, false, "/")
}
fn quot(a: &mut [Value]) -> Result<Value, Error> {
    arith(Num::Quot, &a[0], &a[1], false)
}
fn rem(a: &mut [Value]) -> Result<Value, Error> {
    arith(Num::Rem, &a[0], &a[1], false)
}
fn modulo(a: &mut [Value]) -> Result<Value, Error> {
    arith(Num::Mod, &a[0], &a[1], false)
}
fn inc(a: &mut [Value]) -> Result<Value, Error> {
    arith_as("inc", Num::Add, &a[0], &Value::Int(1), false)
}
fn inc_p(a: &mut [Value]) -> Result<Value, Error> {
    arith_as("inc'", Num::Add, &a[0], &Value::Int(1), true)
}
fn dec(a: &mut [Value]) -> Result<Value, Error> {
    arith_as("dec", Num::Sub, &a[0], &Value::Int(1), false)
}
fn dec_p(a: &mut [Value]) -> Result<Value, Error> {
    arith_as("dec'", Num::Sub, &a[0], &Value::Int(1), true)
}

fn chain(name: &str, a: &[Value]) -> Result<Value, Error> {
    if let [x] = a {
        check_number(name, x)?;
    }
    for w in a.windows(2) {
        if !compare_op(name, &w[0], &w[1])? {
            // Still type-check the rest, as Clojure does.
            for x in a {
                check_number(name, x)?;
            }
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}
fn lt(a: &mut [Value]) -> Result<Value, Error> {
    chain("<", a)
}
fn gt(a: &mut [Value]) -> Result<Value, Error> {
    chain(">", a)
}
fn le(a: &mut [Value]) -> Result<Value, Error> {
    chain("<=", a)
}
fn ge(a: &mut [Value]) -> Result<Value, Error> {
    chain(">=", a)
}
fn num_eq(a: &mut [Value]) -> Result<Value, Error> {
    chain("==", a)
}

fn equiv(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(a.windows(2).all(|w| w[0] == w[1])))
}
fn not_equiv(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(!a.windows(2).all(|w| w[0] == w[1])))
}

fn extreme(a: &[Value], name: &str, pick_greater: bool) -> Result<Value, Error> {
    let mut best = a[0].clone();
    check_number(name, &best)?;
    let mut nan = matches!(best, Value::Double(d) if d.is_nan());
    for x in &a[1..] {
        check_number(name, x)?;
        nan |= matches!(x, Value::Double(d) if d.is_nan());
        let better = if pick_greater {
            compare_op(">", x, &best)?
        } else {
            compare_op("<", x, &best)?
        };
        if better {
            best = x.clone();
        }
    }
    Ok(if nan { Value::Double(f64::NAN) } else { best })
}
fn max(a: &mut [Value]) -> Result<Value, Error> {
    extreme(a, "max", true)
}
fn min(a: &mut [Value]) -> Result<Value, Error> {
    extreme(a, "min", false)
}

fn abs(a: &mut [Value]) -> Result<Value, Error> {
    match &a[0] {
        Value::Double(d) => Ok(Value::Double(d.abs())),
        x if value::signum(x) < 0 => negate(x, false).map_err(|mut e| {
            e.message = "integer overflow in `abs`".into();
            e.hint = Some("the result does not fit a long; (abs (bigint x)) gives a bigint".into());
            e
        }),
        x => {
            check_number("abs", x)?;
            Ok(x.clone())
        }
    }
}

fn pred(a: &[Value], name: &str, f: fn(&Value) -> bool) -> Result<Value, Error> {
    check_number(name, &a[0])?;
    Ok(Value::Bool(f(&a[0])))
}
fn is_zero(a: &mut [Value]) -> Result<Value, Error> {
    pred(a, "zero?", value::is_zero)
}
fn is_pos(a: &mut [Value]) -> Result<Value, Error> {
    pred(a, "pos?", |x| value::signum(x) > 0)
}
fn is_neg(a: &mut [Value]) -> Result<Value, Error> {
    pred(a, "neg?", |x| value::signum(x) < 0)
}
fn parity(a: &[Value], name: &str) -> Result<bool, Error> {
    match &a[0] {
        Value::Int(i) => Ok(i % 2 == 0),
        Value::BigInt(b) => Ok(b.as_ref() % 2 == BigInt::from(0)),
        other => Err(expected("an integer", name, other)),
    }
}
fn is_even(a: &mut [Value]) -> Result<Value, Error> {
    parity(a, "even?").map(Value::Bool)
}
fn is_odd(a: &mut [Value]) -> Result<Value, Error> {
    parity(a, "odd?").map(|e| Value::Bool(!e))
}

fn is_number(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(a[0].is_number()))
}
predicate!(is_integer, Value::Int(_) | Value::BigInt(_));
predicate!(is_fixed_int, Value::Int(_));
predicate!(is_double, Value::Double(_));
predicate!(is_ratio, Value::Ratio(_));
fn is_nan(a: &mut [Value]) -> Result<Value, Error> {
    check_number("NaN?", &a[0])?;
    Ok(Value::Bool(matches!(a[0], Value::Double(d) if d.is_nan())))
}

fn int(a: &mut [Value]) -> Result<Value, Error> {
    let out_of_range = || {
        Error::new(
            ErrorType::Arithmetic,
            format!(
                "value out of range for an integer: {}",
                value::pr_str(&a[0])
            ),
        )
    };
    match &a[0] {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Char(c) => Ok(Value::Int(i64::from(*c as u32))),
        Value::Double(d) => {
            if d.is_nan() || *d >= 9.223_372_036_854_776e18 || *d < -9.223_372_036_854_776e18 {
                Err(out_of_range())
            } else {
                Ok(Value::Int(d.trunc() as i64))
            }
        }
        Value::BigInt(b) => b.to_i64().map(Value::Int).ok_or_else(out_of_range),
        Value::Ratio(r) => r
            .to_integer()
            .to_i64()
            .map(Value::Int)
            .ok_or_else(out_of_range),
        other => Err(expected("a number or character", "int", other)),
    }
}

fn double(a: &mut [Value]) -> Result<Value, Error> {
    check_number("double", &a[0])?;
    Ok(Value::Double(value::to_f64(&a[0])))
}

fn bigint(a: &mut [Value]) -> Result<Value, Error> {
    let b = match &a[0] {
        Value::Int(i) => BigInt::from(*i),
        Value::BigInt(b) => (**b).clone(),
        Value::Ratio(r) => r.to_integer(),
        Value::Double(d) => BigInt::from_f64(d.trunc()).ok_or_else(|| {
            Error::new(
                ErrorType::Arithmetic,
                format!("cannot convert {} to a bigint", value::pr_str(&a[0])),
            )
        })?,
        other => return Err(expected("a number", "bigint", other)),
    };
    Ok(Value::BigInt(Rc::new(b)))
}

fn compare(a: &mut [Value]) -> Result<Value, Error> {
    value::compare(&a[0], &a[1])
        .map(|o| Value::Int(o as i64))
        .map_err(|m| Error::type_mismatch(m).with_hint("compare orders numbers, strings, keywords, symbols, characters, booleans, nil and vectors"))
}

fn numerator_of(a: &mut [Value]) -> Result<Value, Error> {
    match &a[0] {
        Value::Ratio(r) => Ok(Value::BigInt(Rc::new(r.numer().clone()))),
        other => Err(expected("a ratio", "numerator", other)),
    }
}

fn denominator_of(a: &mut [Value]) -> Result<Value, Error> {
    match &a[0] {
        Value::Ratio(r) => Ok(Value::BigInt(Rc::new(r.denom().clone()))),
        other => Err(expected("a ratio", "denominator", other)),
    }
}

fn eq_num(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::Bool(num_equiv(&a[0], &a[1])))
}

pub static BUILTINS: &[Builtin] = &[
    pure("+", 0, MANY, add),
    pure("+'", 0, MANY, add_p),
    pure("*", 0, MANY, mul),
    pure("*'", 0, MANY, mul_p),
    pure("-", 1, MANY, sub),
    pure("-'", 1, MANY, sub_p),
    pure("/", 1, MANY, div),
    pure("quot", 2, 2, quot),
    pure("rem", 2, 2, rem),
    pure("mod", 2, 2, modulo),
    pure("inc", 1, 1, inc),
    pure("inc'", 1, 1, inc_p),
    pure("dec", 1, 1, dec),
    pure("dec'", 1, 1, dec_p),
    pure("<", 1, MANY, lt),
    pure(">", 1, MANY, gt),
    pure("<=", 1, MANY, le),
    pure(">=", 1, MANY, ge),
    pure("==", 1, MANY, num_eq),
    pure("=", 1, MANY, equiv).realizing(super::realize::all_deep),
    pure("not=", 1, MANY, not_equiv).realizing(super::realize::all_deep),
    pure("max", 1, MANY, max),
    pure("min", 1, MANY, min),
    pure("abs", 1, 1, abs),
    pure("zero?", 1, 1, is_zero),
    pure("pos?", 1, 1, is_pos),
    pure("neg?", 1, 1, is_neg),
    pure("even?", 1, 1, is_even),
    pure("odd?", 1, 1, is_odd),
    pure("number?", 1, 1, is_number),
    pure("integer?", 1, 1, is_integer),
    pure("int?", 1, 1, is_fixed_int),
    pure("double?", 1, 1, is_double),
    pure("float?", 1, 1, is_double),
    pure("ratio?", 1, 1, is_ratio),
    pure("NaN?", 1, 1, is_nan),
    pure("int", 1, 1, int),
    pure("long", 1, 1, int),
    pure("double", 1, 1, double),
    pure("bigint", 1, 1, bigint),
    pure("compare", 2, 2, compare).realizing(super::realize::all_deep),
    pure("numerator", 1, 1, numerator_of),
    pure("denominator", 1, 1, denominator_of),
    pure("--num-equiv", 2, 2, eq_num),
];
