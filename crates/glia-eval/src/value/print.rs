//! Printing values as Clojure prints them, sharing glia-syntax's helpers
//! for atoms of syntax (numbers, strings, characters, symbols) so that forms
//! and values print identically.

use glia_syntax::printer::{self, Mode};

use super::Value;

thread_local! {
    /// The atoms whose contents are being printed, outermost first.
    static PRINTING: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

pub fn pr_str(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, Mode::Readable);
    out
}

pub fn print_str(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, Mode::Human);
    out
}

/// `str` of one value: `nil` is empty, strings and characters are raw,
/// anything else prints readably.
pub fn str_of(v: &Value) -> String {
    match v {
        Value::Nil => String::new(),
        Value::Str(s) => (**s).clone(),
        Value::Char(c) => c.to_string(),
        Value::Double(d) => printer::java_double_to_string(*d),
        Value::BigInt(b) => b.to_string(),
        Value::Regex(r) => r.as_str().to_string(),
        other => pr_str(other),
    }
}

fn write_seq<'a>(
    out: &mut String,
    open: &str,
    items: impl Iterator<Item = &'a Value>,
    close: &str,
    mode: Mode,
) {
    out.push_str(open);
    for (i, x) in items.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_value(out, x, mode);
    }
    out.push_str(close);
}

fn write_map<'a>(
    out: &mut String,
    entries: impl Iterator<Item = (&'a Value, &'a Value)>,
    mode: Mode,
) {
    out.push('{');
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_value(out, k, mode);
        out.push(' ');
        write_value(out, v, mode);
    }
    out.push('}');
}

pub fn write_value(out: &mut String, v: &Value, mode: Mode) {
    super::deep(|| write_value_here(out, v, mode));
}

fn write_value_here(out: &mut String, v: &Value, mode: Mode) {
    match v {
        Value::Nil => out.push_str("nil"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Double(d) => printer::write_double(out, *d),
        Value::BigInt(b) => printer::write_bigint(out, b),
        Value::Ratio(r) => printer::write_ratio(out, r),
        Value::Char(c) => printer::write_char(out, *c, mode),
        Value::Str(s) => printer::write_string(out, s, mode),
        Value::Keyword(k) => out.push_str(&k.to_string()),
        Value::Symbol(s) => out.push_str(&s.to_string()),
        Value::List(l) => write_seq(out, "(", l.iter(), ")", mode),
        Value::Lazy(_) | Value::Cons(_) | Value::Chunked(_) => {
            // Printing builtins realize what they print first; only a
            // value printed from Rust can still hold an unrealized tail.
            let mut items = super::SeqIter::new(v);
            write_seq(out, "(", items.by_ref(), "", mode);
            if items.blocked {
                out.push_str(if out.ends_with('(') { "..." } else { " ..." });
            }
            out.push(')');
        }
        Value::Reduced(x) => {
            out.push_str("#reduced[");
            write_value(out, x, mode);
            out.push(']');
        }
        Value::Delay(d) => match d.get() {
            Some(x) => {
                out.push_str("#delay[");
                write_value(out, x, mode);
                out.push(']');
            }
            None => out.push_str("#delay[pending]"),
        },
        Value::Vector(x) => write_seq(out, "[", x.items.iter(), "]", mode),
        Value::Map(m) => write_map(out, m.iter(), mode),
        Value::SortedMap(m) => write_map(out, m.iter(), mode),
        Value::Set(s) => write_seq(out, "#{", s.iter(), "}", mode),
        Value::SortedSet(s) => write_seq(out, "#{", s.iter(), "}", mode),
        Value::Fn(f) => {
            out.push_str("#function[");
            out.push_str(f.name());
            out.push(']');
        }
        Value::Builtin(b) => {
            out.push_str("#function[glia.core/");
            out.push_str(b.name);
            out.push(']');
        }
        Value::Var(var) => {
            out.push_str("#'");
            out.push_str(&var.qualified_name());
        }
        Value::Atom(a) => {
            out.push_str("#atom[");
            // An atom can hold itself (directly or through others): print
            // each atom's contents once per path.
            let ptr = std::rc::Rc::as_ptr(a) as usize;
            let cycle = PRINTING.with(|p| p.borrow().contains(&ptr));
            if cycle {
                out.push_str("...");
            } else {
                PRINTING.with(|p| p.borrow_mut().push(ptr));
                write_value(out, &a.value.borrow(), mode);
                PRINTING.with(|p| p.borrow_mut().pop());
            }
            out.push(']');
        }
        Value::Regex(r) => printer::write_regex(out, r.as_str()),
        Value::Cap(c) => {
            out.push_str("#cap[");
            out.push_str(&c.origin.name);
            for m in &c.allowed {
                out.push(' ');
                out.push_str(&m.to_string());
            }
            out.push(']');
        }
        Value::Cont(k) => {
            out.push_str("#continuation[");
            out.push_str(&k.effect_name());
            out.push(']');
        }
        Value::Bytes(b) => {
            out.push_str("#bytes \"");
            for byte in b.iter() {
                out.push_str(&format!("{byte:02x}"));
            }
            out.push('"');
        }
        Value::Error(e) => {
            out.push_str("#error ");
            write_map(out, e.map.iter(), mode);
        }
    }
}
