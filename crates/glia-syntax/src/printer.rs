//! Printing forms as Clojure prints the same data.
//!
//! * [`pr_str`]: readable (`pr`, `prn`, the REPL): strings quoted and
//!   escaped, characters as `\a`; reading the output gives the data back.
//! * [`print_str`]: for humans (`print`, `println`): strings and characters
//!   raw at every depth.
//! * [`str()`]: Clojure's `str` of one value: `nil` is empty, a string or
//!   character is raw, anything else prints readably (as `toString` does).
//!
//! The `write_*` helpers are shared with the evaluator's value printer so that
//! both print numbers, strings and characters identically.

use std::fmt::Write;

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::escape::CHAR_NAMES;
use crate::{Form, FormKind, Keyword, Symbol};

/// Readable or human printing; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Readable,
    Human,
}

pub fn pr_str(form: &Form) -> String {
    let mut out = String::new();
    write_form(&mut out, form, Mode::Readable);
    out
}

pub fn print_str(form: &Form) -> String {
    let mut out = String::new();
    write_form(&mut out, form, Mode::Human);
    out
}

pub fn str(form: &Form) -> String {
    // What Java's `toString` gives for each of Clojure's types.
    match &form.kind {
        FormKind::Nil => String::new(),
        FormKind::Str(s) => s.clone(),
        FormKind::Char(c) => c.to_string(),
        FormKind::Float(f) => java_double_to_string(*f),
        FormKind::BigInt(b) => b.to_string(),
        FormKind::Regex(pattern) => pattern.clone(),
        _ => pr_str(form),
    }
}

pub fn write_form(out: &mut String, form: &Form, mode: Mode) {
    match &form.kind {
        FormKind::Nil => out.push_str("nil"),
        FormKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        FormKind::Int(i) => {
            let _ = write!(out, "{i}");
        }
        FormKind::BigInt(b) => write_bigint(out, b),
        FormKind::Ratio(r) => write_ratio(out, r),
        FormKind::Float(f) => write_double(out, *f),
        FormKind::Char(c) => write_char(out, *c, mode),
        FormKind::Str(s) => write_string(out, s, mode),
        FormKind::Regex(r) => write_regex(out, r),
        FormKind::Symbol(s) => write_symbol(out, s),
        FormKind::Keyword(k) => write_keyword(out, k),
        FormKind::List(items) => write_seq(out, "(", items, ")", mode),
        FormKind::Vector(items) => write_seq(out, "[", items, "]", mode),
        FormKind::Set(items) => write_seq(out, "#{", items, "}", mode),
        FormKind::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_form(out, k, mode);
                out.push(' ');
                write_form(out, v, mode);
            }
            out.push('}');
        }
    }
}

fn write_seq(out: &mut String, open: &str, items: &[Form], close: &str, mode: Mode) {
    out.push_str(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_form(out, item, mode);
    }
    out.push_str(close);
}

pub fn write_bigint(out: &mut String, b: &BigInt) {
    let _ = write!(out, "{b}N");
}

pub fn write_ratio(out: &mut String, r: &BigRational) {
    let _ = write!(out, "{}/{}", r.numer(), r.denom());
}

pub fn write_symbol(out: &mut String, s: &Symbol) {
    if let Some(ns) = &s.ns {
        out.push_str(ns);
        out.push('/');
    }
    out.push_str(&s.name);
}

pub fn write_keyword(out: &mut String, k: &Keyword) {
    out.push_str(if k.auto_resolve { "::" } else { ":" });
    if let Some(ns) = &k.ns {
        out.push_str(ns);
        out.push('/');
    }
    out.push_str(&k.name);
}

pub fn write_regex(out: &mut String, pattern: &str) {
    out.push_str("#\"");
    out.push_str(pattern);
    out.push('"');
}

/// A double as `pr` prints it: Java's `Double.toString`, with `##Inf`,
/// `##-Inf` and `##NaN` for the non-finite values.
pub fn write_double(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("##NaN");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "##Inf" } else { "##-Inf" });
    } else {
        out.push_str(&java_double_to_string(f));
    }
}

/// Java's `Double.toString`: shortest digits that read back to the same
/// double; plain notation for magnitudes in [1e-3, 1e7), else `d.dddE±n`;
/// always a digit after the point.
pub fn java_double_to_string(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let magnitude = f.abs();
    if f == 0.0 || (1e-3..1e7).contains(&magnitude) {
        // Rust's `{}` is the shortest round-trip representation in plain notation.
        let mut s = format!("{f}");
        if !s.contains('.') {
            s.push_str(".0");
        }
        s
    } else {
        let mut s = format!("{f:e}");
        if !s.contains('.') {
            // Java prints at least two digits, choosing the two-digit decimal
            // closest to the double when it still reads back as that double
            // (`4.9E-324` for the smallest subnormal, where the shortest
            // digit string is `5e-324`).
            let two_digits = format!("{f:.1e}");
            if two_digits.parse::<f64>() == Ok(f) {
                s = two_digits;
            }
        }
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        let point = if mantissa.contains('.') { "" } else { ".0" };
        format!("{mantissa}{point}E{exponent}")
    }
}

pub fn write_char(out: &mut String, c: char, mode: Mode) {
    if mode == Mode::Human {
        out.push(c);
        return;
    }
    out.push('\\');
    match CHAR_NAMES.iter().find(|(_, ch)| *ch == c) {
        Some((name, _)) => out.push_str(name),
        None => out.push(c),
    }
}

pub fn write_string(out: &mut String, s: &str, mode: Mode) {
    if mode == Mode::Human {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            '\u{8}' => out.push_str("\\b"),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_like_java() {
        let cases = [
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1.5, "1.5"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (1e7, "1.0E7"),
            (9999999.0, "9999999.0"),
            (1e21, "1.0E21"),
            (1.5e-7, "1.5E-7"),
            (123456789.125, "1.23456789125E8"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::MAX, "1.7976931348623157E308"),
            (f64::MIN_POSITIVE, "2.2250738585072014E-308"),
            (5e-324, "4.9E-324"),
            (1e23, "1.0E23"),
        ];
        for (f, expected) in cases {
            assert_eq!(java_double_to_string(f), expected, "{f:?}");
        }
    }
}
