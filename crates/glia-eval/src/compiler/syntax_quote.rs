//! Syntax-quote, expanded at compile time into list-building code as
//! Clojure's reader does: symbols are namespace-qualified (special forms
//! excepted), `x#` becomes one auto-gensym per syntax-quote, `~x` splices a
//! value, `~@xs` a sequence.

use std::collections::HashMap;

use glia_syntax::{Form, FormKind, Span, Symbol};

use crate::error::{Error, ErrorType};

/// Resolves an unqualified symbol the way syntax-quote must: to the
/// namespace of the var it names, else to the current namespace.
pub trait Qualify {
    fn qualify(&self, name: &str) -> Option<String>;
    fn is_special(&self, name: &str) -> bool;
    fn next_id(&mut self) -> u64;
}

/// The core fn `name`, fully qualified so that no local or referred var of
/// the same name captures it: what syntax-quote and destructuring expand to.
pub(super) fn core(name: &str, span: Span) -> Form {
    Form::new(
        FormKind::Symbol(Symbol {
            ns: Some(crate::CORE_NS.into()),
            name: name.into(),
        }),
        span,
    )
}

fn quoted(form: Form) -> Form {
    let span = form.span;
    Form::list(vec![Form::symbol("quote", span), form], span)
}

fn is_call(form: &Form, name: &str) -> Option<Form> {
    match &form.kind {
        FormKind::List(items) if items.len() == 2 && items[0].as_simple_symbol() == Some(name) => {
            Some(items[1].clone())
        }
        _ => None,
    }
}

/// Forms one syntax-quote may produce. Each nesting level of
/// syntax-quote multiplies the size of its expansion, so without a bound a
/// few backquotes in a row would exhaust memory.
const MAX_NODES: usize = 1_000_000;

pub struct SyntaxQuote<'q, Q: Qualify> {
    pub q: &'q mut Q,
    gensyms: HashMap<String, String>,
    /// Nesting of the form being expanded (bounded like compiled forms).
    depth: u32,
    /// Forms expanded so far, against [`MAX_NODES`].
    nodes: usize,
}

impl<'q, Q: Qualify> SyntaxQuote<'q, Q> {
    pub fn new(q: &'q mut Q) -> Self {
        SyntaxQuote {
            q,
            gensyms: HashMap::new(),
            depth: 0,
            nodes: 0,
        }
    }

    pub fn expand(&mut self, form: &Form) -> Result<Form, Error> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Error::new(ErrorType::Compile, "syntax-quote expands too large")
                .at(form.span)
                .with_hint(format!(
                    "one syntax-quote may expand to at most {MAX_NODES} forms; nested backquotes multiply the size at every level"
                )));
        }
        if self.depth >= super::MAX_DEPTH {
            return Err(
                Error::new(ErrorType::Compile, "syntax-quote nested too deeply")
                    .at(form.span)
                    .with_hint(format!(
                        "forms may nest at most {} deep after expansion",
                        super::MAX_DEPTH
                    )),
            );
        }
        self.depth += 1;
        let expanded = crate::value::deep(|| self.expand_here(form));
        self.depth -= 1;
        expanded
    }

    fn expand_here(&mut self, form: &Form) -> Result<Form, Error> {
        let span = form.span;
        if let Some(inner) = is_call(form, "syntax-quote") {
            // As Clojure's reader does: the inner syntax-quote expands
            // first (with auto-gensyms of its own), and its expansion is
            // then syntax-quoted. Both count against the same bounds.
            let outer = std::mem::take(&mut self.gensyms);
            let expanded = self.expand(&inner);
            self.gensyms = outer;
            return self.expand(&expanded?);
        }
        if let Some(x) = is_call(form, "unquote") {
            return Ok(x);
        }
        if is_call(form, "unquote-splicing").is_some() {
            return Err(Error::new(
                ErrorType::Compile,
                "`~@` used outside a list, vector, map or set",
            )
            .at(span)
            .with_hint("splice into a collection: `(a ~@xs)`"));
        }
        Ok(match &form.kind {
            FormKind::Symbol(s) => quoted(Form::new(FormKind::Symbol(self.symbol(s)), span)),
            FormKind::List(items) if items.is_empty() => Form::list(vec![core("list", span)], span),
            FormKind::List(items) => {
                Form::list(vec![core("seq", span), self.concat(items, span)?], span)
            }
            FormKind::Vector(items) => self.build("vector", items, span)?,
            FormKind::Set(items) => self.build("hash-set", items, span)?,
            FormKind::Map(entries) => {
                let flat: Vec<Form> = entries
                    .iter()
                    .flat_map(|(k, v)| [k.clone(), v.clone()])
                    .collect();
                self.build("hash-map", &flat, span)?
            }
            // Self-evaluating literals.
            _ => form.clone(),
        })
    }

    /// `(apply ctor (concat ...))`: the collection `ctor` makes of the
    /// expanded items.
    fn build(&mut self, ctor: &str, items: &[Form], span: Span) -> Result<Form, Error> {
        Ok(Form::list(
            vec![
                core("apply", span),
                core(ctor, span),
                self.concat(items, span)?,
            ],
            span,
        ))
    }

    fn concat(&mut self, items: &[Form], span: Span) -> Result<Form, Error> {
        // The eager native concat: expansion needs no laziness, and the
        // core library's own macros expand before `concat` is defined.
        let mut parts = vec![core("--concat", span)];
        for item in items {
            if let Some(x) = is_call(item, "unquote-splicing") {
                parts.push(x);
            } else {
                parts.push(Form::list(
                    vec![core("list", item.span), self.expand(item)?],
                    item.span,
                ));
            }
        }
        Ok(Form::list(parts, span))
    }

    fn symbol(&mut self, s: &Symbol) -> Symbol {
        if s.ns.is_some() {
            return s.clone();
        }
        if let Some(base) = s.name.strip_suffix('#') {
            let name = self
                .gensyms
                .entry(s.name.clone())
                .or_insert_with(|| format!("{base}__{}__auto__", self.q.next_id()))
                .clone();
            return Symbol::simple(name);
        }
        if self.q.is_special(&s.name) || s.name.ends_with('.') || s.name == "&" {
            return s.clone();
        }
        Symbol {
            ns: self.q.qualify(&s.name),
            name: s.name.clone(),
        }
    }
}
