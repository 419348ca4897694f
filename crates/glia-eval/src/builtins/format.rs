//! `format`: Java's `String.format` conversions, as Clojure exposes them
//! (`%s %d %f %e %g %x %o %c %b %n %%`, with flags `-+ 0,#`, width and
//! precision). Written by hand: no crate formats with Java's rules at
//! run time, from a format string the program builds.

use super::{Builtin, MANY, expected, pure, string_arg};
use crate::error::Error;
use crate::value::{Value, str_of};
use crate::vm::charge;

#[derive(Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    group: bool,
    alt: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

fn bad(msg: String) -> Error {
    Error::illegal_argument(msg).with_hint(
        "a conversion is %[flags][width][.precision]c, with c one of s d f e g x o c b n %",
    )
}

fn format(a: &mut [Value]) -> Result<Value, Error> {
    let fmt = a[0]
        .as_str()
        .ok_or_else(|| expected("a format string", "format", &a[0]))?;
    let mut args = a[1..].iter();
    let mut out = String::new();
    let mut cs = fmt.chars().peekable();
    while let Some(c) = cs.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = cs.peek() {
            match f {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                ',' => spec.group = true,
                '#' => spec.alt = true,
                _ => break,
            }
            cs.next();
        }
        let number = |cs: &mut std::iter::Peekable<std::str::Chars>| {
            let mut n = None;
            while let Some(d) = cs.peek().and_then(|d| d.to_digit(10)) {
                n = Some(
                    n.unwrap_or(0usize)
                        .saturating_mul(10)
                        .saturating_add(d as usize),
                );
                cs.next();
            }
            n
        };
        spec.width = number(&mut cs);
        if cs.peek() == Some(&'.') {
            cs.next();
            spec.precision = Some(number(&mut cs).unwrap_or(0));
        }
        let conv = cs
            .next()
            .ok_or_else(|| bad(format!("format string {fmt:?} ends inside a conversion")))?;
        let body = match conv {
            '%' => "%".to_string(),
            'n' => "\n".to_string(),
            _ => {
                let arg = args.next().ok_or_else(|| {
                    bad(format!(
                        "format string {fmt:?} has more conversions than arguments"
                    ))
                })?;
                convert(conv, arg, &spec)?
            }
        };
        pad(&mut out, body, &spec);
        charge(out.len() / 64)?;
    }
    charge(32 + out.len())?;
    Ok(Value::str(out))
}

fn pad(out: &mut String, body: String, spec: &Spec) {
    let len = body.chars().count();
    let width = spec.width.unwrap_or(0);
    if len >= width {
        out.push_str(&body);
    } else if spec.left {
        out.push_str(&body);
        out.extend(std::iter::repeat_n(' ', width - len));
    } else if spec.zero && body.starts_with(['-', '+']) {
        let (sign, digits) = body.split_at(1);
        out.push_str(sign);
        out.extend(std::iter::repeat_n('0', width - len));
        out.push_str(digits);
    } else {
        let fill = if spec.zero { '0' } else { ' ' };
        out.extend(std::iter::repeat_n(fill, width - len));
        out.push_str(&body);
    }
}

fn convert(conv: char, arg: &Value, spec: &Spec) -> Result<String, Error> {
    let need = |what: &str| {
        bad(format!(
            "%{conv} needs {what}, got {}",
            crate::value::described(arg)
        ))
    };
    Ok(match conv {
        's' | 'S' => {
            // Java prints nil as "null".
            let mut s = if arg.is_nil() {
                "null".into()
            } else {
                str_of(arg)
            };
            if let Some(p) = spec.precision {
                s = s.chars().take(p).collect();
            }
            if conv == 'S' { s.to_uppercase() } else { s }
        }
        'b' | 'B' => (!matches!(arg, Value::Nil | Value::Bool(false))).to_string(),
        'c' => match arg {
            Value::Char(c) => c.to_string(),
            Value::Int(i) => char::from_u32(*i as u32)
                .ok_or_else(|| need("a character"))?
                .to_string(),
            _ => return Err(need("a character")),
        },
        'd' => {
            let digits = match arg {
                Value::Int(i) => i.unsigned_abs().to_string(),
                Value::BigInt(b) => b.magnitude().to_string(),
                _ => return Err(need("an integer")),
            };
            let negative = match arg {
                Value::Int(i) => *i < 0,
                Value::BigInt(b) => b.sign() == num_bigint::Sign::Minus,
                _ => false,
            };
            signed(negative, group(digits, spec.group), spec)
        }
        'x' | 'X' | 'o' => {
            let i = match arg {
                Value::Int(i) => *i,
                _ => return Err(need("an integer")),
            };
            // Java formats a negative long as its two's complement.
            match conv {
                'o' => format!("{}{:o}", if spec.alt { "0" } else { "" }, i as u64),
                'x' => format!("{}{:x}", if spec.alt { "0x" } else { "" }, i as u64),
                _ => format!("{}{:X}", if spec.alt { "0X" } else { "" }, i as u64),
            }
        }
        'f' | 'e' | 'E' | 'g' | 'G' => {
            if !arg.is_number() {
                return Err(need("a number"));
            }
            let x = crate::value::to_f64(arg);
            if x.is_nan() {
                return Ok("NaN".into());
            }
            if x.is_infinite() {
                return Ok(signed(x < 0.0, "Infinity".into(), spec));
            }
            let p = spec.precision.unwrap_or(6);
            let body = match conv {
                'f' => group(format!("{:.p$}", x.abs()), spec.group),
                'e' | 'E' => {
                    let s = java_exp(x.abs(), p);
                    if conv == 'E' { s.to_uppercase() } else { s }
                }
                _ => {
                    // %g: scientific outside [1e-4, 10^p), else fixed, p significant digits.
                    let p = p.max(1);
                    let ax = x.abs();
                    let s = if ax != 0.0 && (ax < 1e-4 || ax >= 10f64.powi(p as i32)) {
                        java_exp(ax, p - 1)
                    } else {
                        let mag = if ax == 0.0 {
                            0
                        } else {
                            ax.log10().floor() as i32
                        };
                        format!("{:.*}", (p as i32 - 1 - mag).max(0) as usize, ax)
                    };
                    if conv == 'G' { s.to_uppercase() } else { s }
                }
            };
            signed(x.is_sign_negative() && x != 0.0, body, spec)
        }
        other => return Err(bad(format!("unknown format conversion %{other}"))),
    })
}

/// Java's `%e`: one digit, the fraction, `e`, a sign and two or more digits.
fn java_exp(x: f64, p: usize) -> String {
    let s = format!("{x:.p$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    format!(
        "{mantissa}e{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    )
}

fn signed(negative: bool, digits: String, spec: &Spec) -> String {
    let sign = if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    format!("{sign}{digits}")
}

/// Digits grouped by thousands (the `,` flag), the fraction untouched.
fn group(number: String, on: bool) -> String {
    if !on {
        return number;
    }
    let (int, frac) = match number.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (number.clone(), String::new()),
    };
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out + &frac
}

fn parse_long(a: &mut [Value]) -> Result<Value, Error> {
    let s = string_arg(&a[0], "parse-long")?;
    let digits = s.strip_prefix('+').unwrap_or(s);
    Ok(match digits.parse::<i64>() {
        Ok(i) if !digits.starts_with(['+', '-']) || s.starts_with('-') => Value::Int(i),
        _ => Value::Nil,
    })
}

fn parse_double(a: &mut [Value]) -> Result<Value, Error> {
    let s = string_arg(&a[0], "parse-double")?;
    let t = s.trim();
    Ok(match t {
        "NaN" => Value::Double(f64::NAN),
        "Infinity" | "+Infinity" => Value::Double(f64::INFINITY),
        "-Infinity" => Value::Double(f64::NEG_INFINITY),
        _ if t
            .chars()
            .any(|c| c.is_ascii_alphabetic() && !matches!(c, 'e' | 'E')) =>
        {
            Value::Nil
        }
        _ => t.parse::<f64>().map_or(Value::Nil, Value::Double),
    })
}

fn parse_boolean(a: &mut [Value]) -> Result<Value, Error> {
    let s = string_arg(&a[0], "parse-boolean")?;
    Ok(match s {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::Nil,
    })
}

pub static BUILTINS: &[Builtin] = &[
    pure("format", 1, MANY, format).realizing(super::realize::all_deep),
    pure("parse-long", 1, 1, parse_long),
    pure("parse-double", 1, 1, parse_double),
    pure("parse-boolean", 1, 1, parse_boolean),
];
