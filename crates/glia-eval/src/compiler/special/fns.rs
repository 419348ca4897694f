//! `fn`: arities, parameters (destructured at the top of the body) and the
//! prototype a closure is made from. `defmacro` shares the arity parsing.

use std::borrow::Borrow;
use std::rc::Rc;

use glia_syntax::{Form, FormKind, Span};

use super::{let_form, pr, syntax};
use crate::check::Fact;
use crate::chunk::{Code, Op, Reg};
use crate::compiler::Compiler;
use crate::compiler::scope::{FnScope, LoopTarget};
use crate::error::Error;

/// Which form defines the fn, for its error messages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum FnKind {
    Fn,
    Macro,
}

impl FnKind {
    fn name(self) -> &'static str {
        match self {
            FnKind::Fn => "fn",
            FnKind::Macro => "defmacro",
        }
    }

    fn usage(self) -> &'static str {
        match self {
            FnKind::Fn => "(fn name? [params...] body...) or (fn name? ([params...] body...) ...)",
            FnKind::Macro => {
                "(defmacro name doc? attr-map? [params] body...) or with several ([params] body...) arities"
            }
        }
    }

    fn arity_shape(self) -> &'static str {
        match self {
            FnKind::Fn => "([params...] body...)",
            FnKind::Macro => "([params] body...)",
        }
    }
}

/// The arities of `[params] body...` or `([params] body...)...`: each
/// one's parameter vector and body.
pub(super) fn arities(
    span: Span,
    forms: &[Form],
    kind: FnKind,
) -> Result<Vec<(&Form, &[Form])>, Error> {
    let usage = kind.usage();
    match forms.first().map(|f| &f.kind) {
        Some(FormKind::Vector(_)) => Ok(vec![(&forms[0], &forms[1..])]),
        Some(FormKind::List(_)) => forms
            .iter()
            .map(|arity| match &arity.kind {
                FormKind::List(items) => match items.split_first() {
                    Some((
                        params @ Form {
                            kind: FormKind::Vector(_),
                            ..
                        },
                        body,
                    )) => Ok((params, body)),
                    Some((params, _)) if kind == FnKind::Macro => Err(syntax(
                        params.span,
                        "a macro's parameters must be a vector",
                        usage,
                    )),
                    _ => Err(bad_arity(arity, kind)),
                },
                _ => Err(bad_arity(arity, kind)),
            })
            .collect(),
        _ => Err(syntax(
            span,
            format!("`{}` needs a parameter vector", kind.name()),
            usage,
        )),
    }
}

fn bad_arity(arity: &Form, kind: FnKind) -> Error {
    syntax(
        arity.span,
        format!("expected an arity `{}`", kind.arity_shape()),
        kind.usage(),
    )
}

impl Compiler<'_> {
    /// `(fn name? [params] body...)` or `(fn name? ([params] body...)...)`.
    pub(super) fn compile_fn_named(
        &mut self,
        span: Span,
        args: &[Form],
        def_name: Option<&str>,
        dst: Reg,
    ) -> Result<(), Error> {
        let (self_name, rest) = match args.first().and_then(Form::as_simple_symbol) {
            Some(n) => (Some((Rc::<str>::from(n), args[0].span)), &args[1..]),
            None => (None, args),
        };
        let arities = arities(span, rest, FnKind::Fn)?;
        self.compile_fn(span, self_name, def_name, &arities, dst)
    }

    /// Compiles a fn of the given arities into a closure in `dst`. It is
    /// named after the var it defines, else its own name, else `fn`.
    pub(super) fn compile_fn(
        &mut self,
        span: Span,
        self_name: Option<(Rc<str>, Span)>,
        def_name: Option<&str>,
        arities: &[(impl Borrow<Form>, &[Form])],
        dst: Reg,
    ) -> Result<(), Error> {
        let name: Rc<str> = match (&self_name, def_name) {
            (_, Some(d)) => format!("{}/{}", self.vm.current_ns.name, d).into(),
            (Some((n, _)), None) => n.clone(),
            (None, None) => format!("{}/fn", self.vm.current_ns.name).into(),
        };
        let (self_name, self_span) = self_name.unzip();
        if let Some(span) = self_span {
            self.note(|| Fact::Local {
                name: self_name.clone().unwrap_or_default(),
                span,
            });
        }
        let mut scope = FnScope::new(name, self_name);
        scope.self_span = self_span;
        self.compile_in_scope(scope, span, arities, dst)
    }

    /// The body of `form` as a fn of no arguments that `recur` cannot
    /// target (the body is not a fn in the source).
    pub(super) fn compile_thunk(
        &mut self,
        span: Span,
        form: &'static str,
        body: &[Form],
        dst: Reg,
    ) -> Result<(), Error> {
        let mut scope = FnScope::new(format!("{}/{form}", self.vm.current_ns.name).into(), None);
        scope.recur_barrier = Some(form);
        let params = Form::new(FormKind::Vector(Vec::new()), span);
        self.compile_in_scope(scope, span, &[(params, body)], dst)
    }

    fn compile_in_scope(
        &mut self,
        scope: FnScope,
        span: Span,
        arities: &[(impl Borrow<Form>, &[Form])],
        dst: Reg,
    ) -> Result<(), Error> {
        let name = scope.name.clone();
        // The fn's scope is on top only while its arities compile, however
        // that ends.
        self.fns.push(scope);
        let codes = self.compile_arities(arities, &name);
        let scope = self.fns.pop().expect("fn scope");
        let proto = self.finish_fn(scope, codes?);
        let code = &mut self.scope().code;
        code.fns.push(proto);
        let f = (code.fns.len() - 1) as u32;
        self.emit(Op::Closure { dst, f }, span);
        Ok(())
    }

    /// Compiles each arity in the fn scope on top, checking that no two
    /// take the same arguments.
    fn compile_arities(
        &mut self,
        arities: &[(impl Borrow<Form>, &[Form])],
        name: &Rc<str>,
    ) -> Result<Vec<Code>, Error> {
        let mut codes = Vec::new();
        let mut seen_fixed = Vec::new();
        let mut variadic_at: Option<(u16, Span)> = None;
        for (params, body) in arities {
            let params = params.borrow();
            let code = self.compile_arity(params, body, name.clone())?;
            if code.variadic {
                if variadic_at.is_some() {
                    return Err(syntax(
                        params.span,
                        "a fn can have only one variadic arity",
                        FnKind::Fn.usage(),
                    ));
                }
                variadic_at = Some((code.params, params.span));
            } else {
                if seen_fixed.contains(&code.params) {
                    return Err(syntax(
                        params.span,
                        format!("two arities of this fn take {} parameters", code.params),
                        "each arity needs a different parameter count",
                    ));
                }
                seen_fixed.push(code.params);
            }
            codes.push(code);
        }
        if let Some((n, at)) = variadic_at
            && seen_fixed.iter().any(|&f| f > n)
        {
            return Err(syntax(
                at,
                "a fixed arity takes more parameters than the variadic one",
                "the variadic arity must have at least as many fixed parameters as any other",
            ));
        }
        Ok(codes)
    }

    fn compile_arity(
        &mut self,
        params: &Form,
        body: &[Form],
        name: Rc<str>,
    ) -> Result<Code, Error> {
        let FormKind::Vector(ps) = &params.kind else {
            unreachable!("`arities` checks parameter vectors")
        };
        let scope = self.scope();
        scope.locals.clear();
        scope.code = Default::default();
        let mut fixed = Vec::new();
        let mut rest = None;
        let mut i = 0;
        while i < ps.len() {
            if ps[i].as_simple_symbol() == Some("&") {
                match (ps.get(i + 1), ps.len() - i) {
                    (Some(r), 2) => rest = Some(r),
                    _ => {
                        return Err(syntax(
                            ps[i].span,
                            "`&` must be followed by exactly one parameter",
                            "write [a b & more]",
                        ));
                    }
                }
                break;
            }
            fixed.push(&ps[i]);
            i += 1;
        }
        // Parameters take the first slots; patterns get a plain name and are
        // destructured at the top of the body.
        let patterns = self.destructure(|this, d| {
            let mut patterns = Vec::new();
            for p in fixed.iter().copied().chain(rest) {
                let slot = this.scope().code.alloc_slot();
                match p.as_simple_symbol() {
                    Some(n) if n != "&" => this.push_local(n, slot, false, p.span),
                    _ if matches!(p.kind, FormKind::Vector(_) | FormKind::Map(_)) => {
                        let g = d.gensym("p", p.span);
                        this.push_local(g.as_simple_symbol().unwrap(), slot, false, p.span);
                        patterns.push(p.clone());
                        patterns.push(g);
                    }
                    _ => {
                        return Err(syntax(
                            p.span,
                            format!("invalid parameter `{}`", pr(p)),
                            "parameters are symbols or destructuring patterns",
                        ));
                    }
                }
            }
            Ok(patterns)
        })?;
        let n = (fixed.len() + rest.is_some() as usize) as u16;
        if self.scope().recur_barrier.is_none() {
            self.scope().code.loop_target = Some(LoopTarget {
                start: 0,
                first: 0,
                n,
                try_depth: 0,
            });
        }
        let result = self.temp();
        if patterns.is_empty() {
            self.compile_do(params.span, body, result, true)?;
        } else {
            let body = let_form(patterns, body, params.span);
            self.compile(&body, result, true)?;
        }
        let end = body.last().map_or(params.span, |b| b.span);
        self.emit(Op::Return { src: result }, end);
        let code = std::mem::take(&mut self.scope().code);
        Ok(code.finish(
            fixed.len() as u16,
            rest.is_some(),
            name,
            self.source.clone(),
        ))
    }
}
