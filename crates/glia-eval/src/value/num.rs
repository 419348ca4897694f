//! The numeric tower: i64 (checked), bigint, ratio, double, with Clojure's
//! contagion (double > ratio > bigint > long) and results normalised
//! (an integral ratio becomes a bigint, as `(+ 1/2 1/2)` is `1N`).

use std::cmp::Ordering;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

use super::Value;
use crate::error::{Error, ErrorType};

/// What each arithmetic operator does in each number category.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Num {
    Add,
    Sub,
    Mul,
    Div,
    Quot,
    Rem,
    Mod,
}

impl Num {
    fn symbol(self) -> &'static str {
        match self {
            Num::Add => "+",
            Num::Sub => "-",
            Num::Mul => "*",
            Num::Div => "/",
            Num::Quot => "quot",
            Num::Rem => "rem",
            Num::Mod => "mod",
        }
    }
}

#[derive(PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Category {
    Long,
    Big,
    Ratio,
    Double,
}

fn category(v: &Value, op: &str) -> Result<Category, Error> {
    Ok(match v {
        Value::Int(_) => Category::Long,
        Value::BigInt(_) => Category::Big,
        Value::Ratio(_) => Category::Ratio,
        Value::Double(_) => Category::Double,
        other => return Err(not_a_number(op, other)),
    })
}

pub fn not_a_number(op: &str, v: &Value) -> Error {
    Error::new(
        ErrorType::TypeMismatch,
        format!("`{op}` expects numbers, got {}", described(v)),
    )
    .with_hint(format!("the argument was {}", super::pr_str(v)))
}

/// "a string", "an integer", "nil".
pub fn described(v: &Value) -> String {
    match v {
        Value::Nil => "nil".to_string(),
        _ => {
            let name = v.type_name();
            let article = match name.as_bytes()[0] {
                b'a' | b'e' | b'i' | b'o' | b'u' => "an",
                _ => "a",
            };
            format!("{article} {name}")
        }
    }
}

pub fn to_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::BigInt(b) => b.to_f64().unwrap_or(f64::NAN),
        Value::Ratio(r) => ratio_to_f64(r),
        Value::Double(d) => *d,
        _ => f64::NAN,
    }
}

fn ratio_to_f64(r: &BigRational) -> f64 {
    match (r.numer().to_f64(), r.denom().to_f64()) {
        (Some(n), Some(d)) if n.is_finite() && d.is_finite() => n / d,
        _ => r.to_f64().unwrap_or(f64::NAN),
    }
}

fn to_big(v: &Value) -> BigInt {
    match v {
        Value::Int(i) => BigInt::from(*i),
        Value::BigInt(b) => (**b).clone(),
        _ => BigInt::zero(),
    }
}

fn to_ratio(v: &Value) -> BigRational {
    match v {
        Value::Ratio(r) => (**r).clone(),
        other => BigRational::from_integer(to_big(other)),
    }
}

/// A ratio result: integral ratios become bigints.
pub fn ratio_value(r: BigRational) -> Value {
    if r.is_integer() {
        Value::BigInt(Rc::new(r.to_integer()))
    } else {
        Value::Ratio(Rc::new(r))
    }
}

/// A bigint result stays a bigint however small, as in Clojure (`(+ 1N 1)`
/// is `2N`); only long arithmetic that does not overflow gives a long.
fn big_value(b: BigInt) -> Value {
    Value::BigInt(Rc::new(b))
}

fn overflow(op: Num) -> Error {
    let error = Error::new(
        ErrorType::Arithmetic,
        format!("integer overflow in `{}`", op.symbol()),
    );
    match op {
        Num::Add | Num::Sub | Num::Mul => error.with_hint(format!(
            "use `{}'` to promote to a bigint, or a bigint literal such as 1N",
            op.symbol()
        )),
        _ => error.with_hint("the result does not fit a long; give a bigint argument (such as 1N) for bigint arithmetic"),
    }
}

fn divide_by_zero() -> Error {
    Error::new(ErrorType::Arithmetic, "divide by zero")
}

/// `a op b`. With `promote`, long overflow gives a bigint instead of an error.
pub fn arith(op: Num, a: &Value, b: &Value, promote: bool) -> Result<Value, Error> {
    arith_as(op.symbol(), op, a, b, promote)
}

/// [`arith`] for the fn called `name` (`inc` is `+` by one), which errors name.
pub fn arith_as(name: &str, op: Num, a: &Value, b: &Value, promote: bool) -> Result<Value, Error> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return long_op(op, *x, *y, promote).map_err(|e| renamed(e, op, name));
    }
    let cat = category(a, name)?.max(category(b, name)?);
    match cat {
        Category::Long => unreachable_long(),
        Category::Double => double_op(op, to_f64(a), to_f64(b)),
        Category::Big => big_op(op, to_big(a), to_big(b)),
        Category::Ratio => ratio_op(op, to_ratio(a), to_ratio(b)),
    }
}

/// An overflow error of `op` reported for the fn `name`.
fn renamed(mut e: Error, op: Num, name: &str) -> Error {
    if name != op.symbol() {
        e.message = e
            .message
            .replace(&format!("`{}`", op.symbol()), &format!("`{name}`"));
        let base = name.trim_end_matches('\'');
        e.hint = e
            .hint
            .take()
            .map(|h| h.replace(&format!("`{}'`", op.symbol()), &format!("`{base}'`")));
    }
    e
}

fn unreachable_long() -> Result<Value, Error> {
    Err(Error::new(
        ErrorType::Internal,
        "long arithmetic fell through",
    ))
}

fn long_op(op: Num, x: i64, y: i64, promote: bool) -> Result<Value, Error> {
    let checked = match op {
        Num::Add => x.checked_add(y),
        Num::Sub => x.checked_sub(y),
        Num::Mul => x.checked_mul(y),
        Num::Div => {
            if y == 0 {
                return Err(divide_by_zero());
            }
            if x.checked_rem(y) == Some(0) || (x == i64::MIN && y == -1) {
                x.checked_div(y)
            } else {
                return Ok(ratio_value(BigRational::new(x.into(), y.into())));
            }
        }
        Num::Quot | Num::Rem | Num::Mod if y == 0 => return Err(divide_by_zero()),
        Num::Quot => x.checked_div(y),
        Num::Rem => Some(x.checked_rem(y).unwrap_or(0)),
        Num::Mod => Some(x.checked_rem(y).map_or(0, |r| floored(r, y))),
    };
    match checked {
        Some(v) => Ok(Value::Int(v)),
        None if promote => big_op(op, x.into(), y.into()),
        None => Err(overflow(op)),
    }
}

/// `mod` from a truncated remainder `r` of a division by `y`: the floored
/// remainder, which takes the sign of the divisor.
fn floored<T>(r: T, y: T) -> T
where
    T: Copy + Default + PartialOrd + std::ops::Add<Output = T>,
{
    let zero = T::default();
    if r != zero && (r < zero) != (y < zero) {
        r + y
    } else {
        r
    }
}

fn double_op(op: Num, x: f64, y: f64) -> Result<Value, Error> {
    Ok(Value::Double(match op {
        Num::Add => x + y,
        Num::Sub => x - y,
        Num::Mul => x * y,
        Num::Div => x / y,
        Num::Quot | Num::Rem | Num::Mod if y == 0.0 => return Err(divide_by_zero()),
        Num::Quot => (x / y).trunc(),
        Num::Rem => x % y,
        Num::Mod => floored(x % y, y),
    }))
}

fn big_op(op: Num, x: BigInt, y: BigInt) -> Result<Value, Error> {
    Ok(match op {
        Num::Add => big_value(x + y),
        Num::Sub => big_value(x - y),
        Num::Mul => big_value(x * y),
        _ if y.is_zero() => return Err(divide_by_zero()),
        Num::Div => ratio_value(BigRational::new(x, y)),
        Num::Quot => big_value(x / y),
        Num::Rem => big_value(x % y),
        Num::Mod => big_value(x.mod_floor(&y)),
    })
}

fn ratio_op(op: Num, x: BigRational, y: BigRational) -> Result<Value, Error> {
    Ok(match op {
        Num::Add => ratio_value(x + y),
        Num::Sub => ratio_value(x - y),
        Num::Mul => ratio_value(x * y),
        _ if y.is_zero() => return Err(divide_by_zero()),
        Num::Div => ratio_value(x / y),
        Num::Quot => big_value((x / y).trunc().to_integer()),
        Num::Rem => {
            let q = (&x / &y).trunc();
            ratio_value(x - q * y)
        }
        Num::Mod => {
            let q = (&x / &y).floor();
            ratio_value(x - q * y)
        }
    })
}

/// Unary minus.
pub fn negate(v: &Value, promote: bool) -> Result<Value, Error> {
    if let Value::Double(d) = v {
        // 0 - x would lose the sign of zero.
        return Ok(Value::Double(-d));
    }
    arith(Num::Sub, &Value::Int(0), v, promote)
}

/// Numeric comparison across categories; NaN compares as unordered.
pub fn partial_compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Double(_), _) | (_, Value::Double(_)) => to_f64(a).partial_cmp(&to_f64(b)),
        (Value::Ratio(_), _) | (_, Value::Ratio(_)) => Some(to_ratio(a).cmp(&to_ratio(b))),
        _ => Some(to_big(a).cmp(&to_big(b))),
    }
}

/// Total numeric order for `compare` (NaN sorts as equal, as Java's
/// `Numbers.compare` effectively does for the comparisons it can make).
pub fn compare_numbers(a: &Value, b: &Value) -> Ordering {
    partial_compare(a, b).unwrap_or(Ordering::Equal)
}

/// `==`: numeric equality across categories.
pub fn num_equiv(a: &Value, b: &Value) -> bool {
    partial_compare(a, b) == Some(Ordering::Equal)
}

pub fn check_number(op: &str, v: &Value) -> Result<(), Error> {
    category(v, op).map(|_| ())
}

pub fn is_zero(v: &Value) -> bool {
    match v {
        Value::Int(i) => *i == 0,
        Value::BigInt(b) => b.is_zero(),
        Value::Ratio(r) => r.is_zero(),
        Value::Double(d) => *d == 0.0,
        _ => false,
    }
}

pub fn signum(v: &Value) -> i32 {
    match v {
        Value::Int(i) => i.signum() as i32,
        Value::BigInt(b) => b.signum().to_i32().unwrap_or(0),
        Value::Ratio(r) => r.signum().to_integer().to_i32().unwrap_or(0),
        Value::Double(d) if *d > 0.0 => 1,
        Value::Double(d) if *d < 0.0 => -1,
        _ => 0,
    }
}

/// `<`, `>`, `<=`, `>=`, `==` on two numbers.
pub fn compare_op(name: &str, a: &Value, b: &Value) -> Result<bool, Error> {
    check_number(name, a)?;
    check_number(name, b)?;
    let ord = partial_compare(a, b);
    Ok(match name {
        "<" => ord == Some(Ordering::Less),
        ">" => ord == Some(Ordering::Greater),
        "<=" => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        ">=" => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
        _ => ord == Some(Ordering::Equal),
    })
}
