//! `def` and `defmacro`: the forms that intern a var in the current
//! namespace.

use std::rc::Rc;

use glia_syntax::{Form, FormKind, Span, Symbol};

use super::fns::{FnKind, arities};
use super::{pr, syntax};
use crate::check::Fact;
use crate::chunk::{Op, Reg};
use crate::compiler::Compiler;
use crate::convert::{Spans, form_to_value};
use crate::error::Error;
use crate::value::{Map, Value};

impl Compiler<'_> {
    /// The var-naming symbol a `def` form starts with, and its name.
    fn def_name<'f>(
        &self,
        span: Span,
        args: &'f [Form],
        what: &str,
    ) -> Result<(&'f Form, &'f str), Error> {
        match args.first() {
            Some(
                f @ Form {
                    kind: FormKind::Symbol(Symbol { ns: None, name }),
                    ..
                },
            ) => Ok((f, name)),
            Some(
                f @ Form {
                    kind:
                        FormKind::Symbol(Symbol {
                            ns: Some(ns), name, ..
                        }),
                    ..
                },
            ) if **ns == *self.vm.current_ns.name => Ok((f, name)),
            Some(other) => Err(syntax(
                other.span,
                format!("`{what}` needs a symbol to name, got `{}`", pr(other)),
                format!("usage: ({what} name ...), with an unqualified symbol"),
            )),
            None => Err(syntax(
                span,
                format!("`{what}` needs a name"),
                format!("usage: ({what} name ...)"),
            )),
        }
    }

    pub(super) fn compile_def(&mut self, span: Span, args: &[Form], dst: Reg) -> Result<(), Error> {
        Self::arg_count(span, "def", args, 1, 3, "(def name doc? value?)")?;
        let (name_form, name) = self.def_name(span, args, "def")?;
        let var = self.vm.current_ns.intern(name);
        self.note(|| Fact::VarDef {
            at: name_form.span,
            ns: var.ns.clone(),
            name: var.name.clone(),
        });
        // A definition replaces a core definition not compiled yet.
        var.pending.take();
        let mut meta = Map::default();
        if let Some(m) = &name_form.meta {
            let mut spans = Spans::default();
            if let Value::Map(m) = form_to_value(m, &self.vm.current_ns.name, &mut spans) {
                meta = (*m).clone();
            }
        }
        let is = |meta: &Map, k: &str| {
            meta.get(&Value::keyword(None, k))
                .is_some_and(Value::is_truthy)
        };
        var.dynamic.set(is(&meta, "dynamic"));
        let init = match args.len() {
            3 => {
                let FormKind::Str(doc) = &args[1].kind else {
                    return Err(syntax(
                        args[1].span,
                        "the docstring of `def` must be a string",
                        "usage: (def name \"doc\" value)",
                    ));
                };
                meta.insert(Value::keyword(None, "doc"), Value::str(doc.clone()));
                Some(&args[2])
            }
            2 => Some(&args[1]),
            _ => None,
        };
        self.describe(&mut meta, name, span);
        *var.meta.borrow_mut() = Some(Value::Map(Rc::new(meta)));
        let var = self.scope().code.var(&var);
        match init {
            Some(init) => {
                self.compile_named(init, name, dst)?;
                self.emit(Op::Def { var, src: dst, dst }, span);
            }
            None => {
                self.emit(Op::VarRef { dst, var }, span);
            }
        }
        Ok(())
    }

    /// What `doc` and `source` show of a var: its namespace, name, where
    /// it was defined, and the text of the definition.
    fn describe(&self, meta: &mut Map, name: &str, span: Span) {
        let key = |k: &str| Value::keyword(None, k);
        meta.insert(key("ns"), Value::symbol(None, &self.vm.current_ns.name));
        meta.insert(key("name"), Value::symbol(None, name));
        let text = &self.source.text;
        if let Some(src) = text.get(span.start..span.end).filter(|t| !t.is_empty()) {
            let line = self.source.line_of(span.start);
            meta.insert(key("file"), Value::str(self.source.name.clone()));
            meta.insert(key("line"), Value::Int(line as i64));
            meta.insert(key("source"), Value::str(src));
        }
    }

    /// Compiles a def's init; a fn gets the var's name for traces.
    fn compile_named(&mut self, init: &Form, name: &str, dst: Reg) -> Result<(), Error> {
        if let FormKind::List(items) = &init.kind
            && matches!(
                items.first().and_then(Form::as_simple_symbol),
                Some("fn" | "fn*")
            )
            && !self.is_local("fn")
        {
            return self.compile_fn_named(init.span, &items[1..], Some(name), dst);
        }
        self.compile(init, dst, false)
    }

    pub(super) fn compile_defmacro(
        &mut self,
        span: Span,
        args: &[Form],
        dst: Reg,
    ) -> Result<(), Error> {
        let (name_form, name) = self.def_name(span, args, "defmacro")?;
        let ns = self.vm.current_ns.name.clone();
        self.note(|| Fact::VarDef {
            at: name_form.span,
            ns,
            name: name.into(),
        });
        let mut rest = &args[1..];
        let mut meta = Map::default();
        meta.insert(Value::keyword(None, "macro"), Value::Bool(true));
        if let Some(Form {
            kind: FormKind::Str(doc),
            ..
        }) = rest.first()
        {
            meta.insert(Value::keyword(None, "doc"), Value::str(doc.clone()));
            rest = &rest[1..];
        }
        if let Some(Form {
            kind: FormKind::Map(_),
            ..
        }) = rest.first()
        {
            rest = &rest[1..];
        }
        // The macro's fn also takes the whole call and the locals in scope.
        let arities: Vec<(Form, &[Form])> = arities(span, rest, FnKind::Macro)?
            .into_iter()
            .map(|(params, body)| {
                let FormKind::Vector(ps) = &params.kind else {
                    unreachable!("`arities` checks parameter vectors")
                };
                let mut all = vec![
                    Form::symbol("&form", params.span),
                    Form::symbol("&env", params.span),
                ];
                all.extend(ps.iter().cloned());
                (Form::new(FormKind::Vector(all), params.span), body)
            })
            .collect();
        let ns = self.vm.current_ns.name.clone();
        let arglists = arities
            .iter()
            .map(|(params, _)| match &params.kind {
                // Without the `&form` and `&env` the user does not pass.
                FormKind::Vector(ps) => Value::vector(
                    ps[2..]
                        .iter()
                        .map(|p| form_to_value(p, &ns, &mut Spans::default())),
                ),
                _ => Value::Nil,
            })
            .collect::<Vec<_>>();
        meta.insert(Value::keyword(None, "arglists"), Value::list(arglists));
        self.describe(&mut meta, name, span);
        let var = self.vm.current_ns.intern(name);
        var.pending.take();
        *var.meta.borrow_mut() = Some(Value::Map(Rc::new(meta)));
        let var = self.scope().code.var(&var);
        self.compile_fn(span, None, Some(name), &arities, dst)?;
        self.emit(Op::Def { var, src: dst, dst }, span);
        self.emit(Op::SetMacro { var }, span);
        Ok(())
    }
}
