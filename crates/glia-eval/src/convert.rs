//! Converting between forms (what the reader gives) and values (what
//! `quote` and macros see).
//!
//! Macros receive their arguments as values and return a value to compile.
//! So that errors in the expansion still point at the user's source, the
//! conversion records the span of every collection and symbol it creates
//! ([`Spans`]); when the expansion hands back the same allocation, the form
//! gets its original span.

use std::rc::Rc;

use glia_syntax::{Form, FormKind, Keyword as FormKeyword, Span, Symbol as FormSymbol};

use crate::error::{Error, ErrorType};
use crate::value::{List, Map, Set, Symbol, Value, Vec_};

/// Spans of the values made from forms, by allocation address. It keeps
/// the values alive so that an address is never reused while it is here.
#[derive(Default)]
pub struct Spans {
    /// Keyed by addresses (not attacker-chosen), so a fast hasher is safe.
    by_addr: rustc_hash::FxHashMap<usize, Span>,
    keep: Vec<Value>,
}

fn addr(v: &Value) -> Option<usize> {
    match v {
        Value::List(l) => Some(Rc::as_ptr(l) as usize),
        Value::Vector(x) => Some(Rc::as_ptr(x) as usize),
        Value::Map(x) => Some(Rc::as_ptr(x) as usize),
        Value::Set(x) => Some(Rc::as_ptr(x) as usize),
        Value::Symbol(x) => Some(Rc::as_ptr(x) as usize),
        _ => None,
    }
}

impl Spans {
    fn record(&mut self, v: &Value, span: Span) {
        if let Some(a) = addr(v) {
            self.by_addr.insert(a, span);
            self.keep.push(v.clone());
        }
    }

    fn lookup(&self, v: &Value) -> Option<Span> {
        addr(v).and_then(|a| self.by_addr.get(&a).copied())
    }
}

/// The value a form denotes when quoted. `auto_ns` resolves `::kw`.
pub fn form_to_value(form: &Form, auto_ns: &str, spans: &mut Spans) -> Value {
    crate::value::deep(|| form_to_value_here(form, auto_ns, spans))
}

fn form_to_value_here(form: &Form, auto_ns: &str, spans: &mut Spans) -> Value {
    let v = match &form.kind {
        FormKind::Nil => Value::Nil,
        FormKind::Bool(b) => Value::Bool(*b),
        FormKind::Int(i) => Value::Int(*i),
        FormKind::BigInt(b) => Value::bigint(b.clone()),
        FormKind::Ratio(r) => Value::Ratio(Rc::new(r.clone())),
        FormKind::Float(f) => Value::Double(*f),
        FormKind::Char(c) => Value::Char(*c),
        FormKind::Str(s) => Value::str(s.clone()),
        FormKind::Regex(p) => match regex::Regex::new(p) {
            Ok(r) => Value::Regex(Rc::new(r)),
            Err(_) => Value::str(p.clone()),
        },
        FormKind::Symbol(s) => {
            let mut sym = Symbol::qualified(s.ns.as_deref(), &s.name);
            sym.meta = meta_value(form, auto_ns, spans);
            Value::Symbol(Rc::new(sym))
        }
        FormKind::Keyword(k) => keyword_value(k, auto_ns),
        FormKind::List(items) => Value::List(List::from_iter_rc(
            items
                .iter()
                .map(|f| form_to_value(f, auto_ns, spans))
                .collect::<Vec<_>>(),
        )),
        FormKind::Vector(items) => Value::Vector(Rc::new(Vec_ {
            items: items
                .iter()
                .map(|f| form_to_value(f, auto_ns, spans))
                .collect(),
            meta: meta_value(form, auto_ns, spans),
        })),
        FormKind::Map(entries) => {
            let mut map: Map = entries
                .iter()
                .map(|(k, v)| {
                    (
                        form_to_value(k, auto_ns, spans),
                        form_to_value(v, auto_ns, spans),
                    )
                })
                .collect();
            map.meta = meta_value(form, auto_ns, spans);
            Value::Map(Rc::new(map))
        }
        FormKind::Set(items) => {
            let mut set: Set = items
                .iter()
                .map(|f| form_to_value(f, auto_ns, spans))
                .collect();
            set.meta = meta_value(form, auto_ns, spans);
            Value::Set(Rc::new(set))
        }
    };
    spans.record(&v, form.span);
    v
}

fn meta_value(form: &Form, auto_ns: &str, spans: &mut Spans) -> Option<Value> {
    form.meta.as_ref().map(|m| form_to_value(m, auto_ns, spans))
}

pub fn keyword_value(k: &FormKeyword, auto_ns: &str) -> Value {
    if k.auto_resolve && k.ns.is_none() {
        Value::keyword(Some(auto_ns), &k.name)
    } else {
        Value::keyword(k.ns.as_deref(), &k.name)
    }
}

/// The form a value denotes as code (a macro's expansion). Values with no
/// syntax (fns, atoms) cannot be compiled; they are an error at `span`.
pub fn value_to_form(v: &Value, span: Span, spans: &Spans) -> Result<Form, Error> {
    value_to_form_at(v, span, spans, 0)
}

/// How deep a macro expansion may nest. Deeper code could not be compiled
/// anyway (the compiler's own limit is lower), and forms, unlike values,
/// drop recursively.
pub const MAX_FORM_DEPTH: usize = 10_000;

fn value_to_form_at(v: &Value, span: Span, spans: &Spans, depth: usize) -> Result<Form, Error> {
    if depth > MAX_FORM_DEPTH {
        return Err(
            Error::new(ErrorType::Compile, "a macro expansion is nested too deeply")
                .at(span)
                .with_hint(format!("code may nest at most {MAX_FORM_DEPTH} deep")),
        );
    }
    crate::value::deep(|| value_to_form_here(v, span, spans, depth))
}

fn value_to_form_here(v: &Value, span: Span, spans: &Spans, depth: usize) -> Result<Form, Error> {
    let span = spans.lookup(v).unwrap_or(span);
    let value_to_form =
        |v: &Value, span: Span, spans: &Spans| value_to_form_at(v, span, spans, depth + 1);
    let kind = match v {
        Value::Nil => FormKind::Nil,
        Value::Bool(b) => FormKind::Bool(*b),
        Value::Int(i) => FormKind::Int(*i),
        Value::BigInt(b) => FormKind::BigInt((**b).clone()),
        Value::Ratio(r) => FormKind::Ratio((**r).clone()),
        Value::Double(d) => FormKind::Float(*d),
        Value::Char(c) => FormKind::Char(*c),
        Value::Str(s) => FormKind::Str((**s).clone()),
        Value::Regex(r) => FormKind::Regex(r.as_str().to_string()),
        Value::Symbol(s) => FormKind::Symbol(form_symbol(s)),
        Value::Keyword(k) => FormKind::Keyword(FormKeyword {
            ns: k.ns().map(str::to_string),
            name: k.name().to_string(),
            auto_resolve: false,
        }),
        Value::List(l) => FormKind::List(
            l.iter()
                .map(|x| value_to_form(x, span, spans))
                .collect::<Result<_, _>>()?,
        ),
        // Realized before conversion (see the compiler's macro call).
        Value::Cons(_) | Value::Lazy(_) | Value::Chunked(_) => FormKind::List(
            crate::value::SeqIter::new(v)
                .map(|x| value_to_form(x, span, spans))
                .collect::<Result<_, _>>()?,
        ),
        Value::Vector(x) => FormKind::Vector(
            x.items
                .iter()
                .map(|x| value_to_form(x, span, spans))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => FormKind::Map(
            m.iter()
                .map(|(k, v)| {
                    Ok((
                        value_to_form(k, span, spans)?,
                        value_to_form(v, span, spans)?,
                    ))
                })
                .collect::<Result<_, Error>>()?,
        ),
        Value::Set(s) => FormKind::Set(
            s.iter()
                .map(|x| value_to_form(x, span, spans))
                .collect::<Result<_, _>>()?,
        ),
        other => {
            return Err(Error::new(
                ErrorType::Compile,
                format!(
                    "a macro expansion contains {}, which is not code",
                    crate::value::described(other)
                ),
            )
            .with_hint(
                "macros must return forms: lists, symbols, literals; quote values that are data",
            )
            .at(span));
        }
    };
    let mut form = Form::new(kind, span);
    if let Some(meta) = v.meta().filter(|_| {
        matches!(
            v,
            Value::Vector(_) | Value::Map(_) | Value::Set(_) | Value::Symbol(_)
        )
    }) {
        form.meta = Some(Box::new(value_to_form(&meta, span, spans)?));
    }
    Ok(form)
}

pub fn form_symbol(s: &Symbol) -> FormSymbol {
    FormSymbol {
        ns: s.ns.as_deref().map(str::to_string),
        name: s.name.to_string(),
    }
}
