//! Destructuring, as Clojure's `destructure`: a binding pattern and an init
//! become a sequence of plain `symbol init` bindings that `let*` compiles.
//!
//! * `[a b & rest :as all]`: `(nth v i nil)`, `(nthnext v i)`.
//! * `{:keys [a] :strs [b] :syms [c] :or {a 1} :as m, x :x}`: `(get m k default)`,
//!   after a seq of key/value pairs (keyword arguments) is poured into a map.
//!
//! Generated calls name `glia.core` fns fully qualified, so user locals with
//! the same names cannot capture them.

use glia_syntax::{Form, FormKind, Keyword, Span, Symbol};

use super::syntax_quote::core;
use crate::error::{Error, ErrorType};

pub struct Destructurer {
    pub counter: u64,
}

fn call(name: &str, args: Vec<Form>, span: Span) -> Form {
    let mut items = vec![core(name, span)];
    items.extend(args);
    Form::list(items, span)
}

fn bad(span: Span, message: impl Into<String>) -> Error {
    Error::new(ErrorType::Compile, message)
        .at(span)
        .with_hint("a binding is a symbol, a vector pattern `[a b & more :as all]` or a map pattern `{:keys [a b] :or {a 1} :as m}`")
}

impl Destructurer {
    pub fn gensym(&mut self, prefix: &str, span: Span) -> Form {
        self.counter += 1;
        Form::symbol(&format!("{prefix}__{}", self.counter), span)
    }

    /// Appends to `out` the plain bindings that bind `pattern` to `init`.
    pub fn bind(
        &mut self,
        pattern: &Form,
        init: Form,
        out: &mut Vec<(Form, Form)>,
    ) -> Result<(), Error> {
        match &pattern.kind {
            FormKind::Symbol(s) if s.ns.is_none() => {
                if s.name == "&" {
                    return Err(bad(pattern.span, "`&` is not a binding name"));
                }
                out.push((pattern.clone(), init));
                Ok(())
            }
            FormKind::Symbol(_) => Err(bad(
                pattern.span,
                format!(
                    "cannot bind the qualified symbol `{}`",
                    glia_syntax::printer::pr_str(pattern)
                ),
            )),
            FormKind::Vector(items) => self.bind_vector(pattern.span, items, init, out),
            FormKind::Map(entries) => self.bind_map(pattern.span, entries, init, out),
            _ => Err(bad(
                pattern.span,
                format!("cannot bind to `{}`", glia_syntax::printer::pr_str(pattern)),
            )),
        }
    }

    fn bind_vector(
        &mut self,
        span: Span,
        items: &[Form],
        init: Form,
        out: &mut Vec<(Form, Form)>,
    ) -> Result<(), Error> {
        let whole = self.gensym("vec", span);
        out.push((whole.clone(), init));
        let mut i = 0usize;
        let mut index = 0i64;
        while i < items.len() {
            let item = &items[i];
            match item.as_simple_symbol() {
                Some("&") => {
                    let rest = items
                        .get(i + 1)
                        .ok_or_else(|| bad(item.span, "`&` must be followed by a binding"))?;
                    self.bind(
                        rest,
                        call("nthnext", vec![whole.clone(), int(index, span)], rest.span),
                        out,
                    )?;
                    i += 2;
                    continue;
                }
                _ if is_keyword(item, "as") => {
                    let name = items
                        .get(i + 1)
                        .ok_or_else(|| bad(item.span, "`:as` must be followed by a symbol"))?;
                    self.bind(name, whole.clone(), out)?;
                    i += 2;
                    continue;
                }
                _ => {
                    self.bind(
                        item,
                        call(
                            "nth",
                            vec![
                                whole.clone(),
                                int(index, span),
                                Form::new(FormKind::Nil, span),
                            ],
                            item.span,
                        ),
                        out,
                    )?;
                    index += 1;
                    i += 1;
                }
            }
        }
        Ok(())
    }

    fn bind_map(
        &mut self,
        span: Span,
        entries: &[(Form, Form)],
        init: Form,
        out: &mut Vec<(Form, Form)>,
    ) -> Result<(), Error> {
        let whole = self.gensym("map", span);
        out.push((whole.clone(), init));
        out.push((
            whole.clone(),
            call("--destructure-map", vec![whole.clone()], span),
        ));
        let defaults: &[(Form, Form)] = entries
            .iter()
            .find(|(k, _)| is_keyword(k, "or"))
            .map(|(_, v)| match &v.kind {
                FormKind::Map(d) => Ok(d.as_slice()),
                _ => Err(bad(v.span, "`:or` takes a map of defaults")),
            })
            .transpose()?
            .unwrap_or(&[]);
        let lookup = |name: &Form, key: Form, span: Span| {
            let mut args = vec![whole.clone(), key];
            if let Some((_, default)) = defaults.iter().find(|(k, _)| k == name) {
                args.push(default.clone());
            }
            call("get", args, span)
        };
        for (k, v) in entries {
            if is_keyword(k, "as") {
                self.bind(v, whole.clone(), out)?;
            } else if is_keyword(k, "or") {
            } else if let Some(kind) = key_kind(k) {
                let FormKind::Vector(names) = &v.kind else {
                    return Err(bad(
                        v.span,
                        format!(
                            "`{}` takes a vector of names",
                            glia_syntax::printer::pr_str(k)
                        ),
                    ));
                };
                let key_ns = match &k.kind {
                    FormKind::Keyword(kw) => kw.ns.clone(),
                    _ => None,
                };
                for name in names {
                    let (ns, local) = match &name.kind {
                        FormKind::Symbol(s) => (s.ns.clone().or(key_ns.clone()), s.name.clone()),
                        FormKind::Keyword(kw) if kind == "keys" => {
                            (kw.ns.clone().or(key_ns.clone()), kw.name.clone())
                        }
                        _ => return Err(bad(name.span, "expected a symbol")),
                    };
                    let key = match kind {
                        "keys" => Form::new(
                            FormKind::Keyword(Keyword {
                                ns: ns.clone(),
                                name: local.clone(),
                                auto_resolve: false,
                            }),
                            name.span,
                        ),
                        "strs" => Form::new(FormKind::Str(local.clone()), name.span),
                        _ => Form::list(
                            vec![
                                Form::symbol("quote", name.span),
                                Form::new(
                                    FormKind::Symbol(Symbol {
                                        ns: ns.clone(),
                                        name: local.clone(),
                                    }),
                                    name.span,
                                ),
                            ],
                            name.span,
                        ),
                    };
                    let local_sym = Form::symbol(&local, name.span);
                    let init = lookup(&local_sym, key, name.span);
                    self.bind(&local_sym, init, out)?;
                }
            } else {
                let init = lookup(k, v.clone(), k.span);
                self.bind(k, init, out)?;
            }
        }
        Ok(())
    }
}

fn int(i: i64, span: Span) -> Form {
    Form::new(FormKind::Int(i), span)
}

fn is_keyword(f: &Form, name: &str) -> bool {
    matches!(&f.kind, FormKind::Keyword(k) if k.ns.is_none() && k.name == name && !k.auto_resolve)
}

/// `:keys`, `:strs`, `:syms`, also namespaced (`:ns/keys`).
fn key_kind(f: &Form) -> Option<&'static str> {
    match &f.kind {
        FormKind::Keyword(k) if !k.auto_resolve => match k.name.as_str() {
            "keys" => Some("keys"),
            "strs" if k.ns.is_none() => Some("strs"),
            "syms" => Some("syms"),
            _ => None,
        },
        _ => None,
    }
}
