//! Special forms. `let`, `fn`, `loop`, `letfn` and `case` are compiled
//! here directly (with destructuring) rather than as macros over starred
//! forms: one less expansion, and errors point at the user's form.

use std::rc::Rc;

use glia_syntax::{Form, FormKind, Span, Symbol};

use super::scope::{FnScope, LoopTarget};
use super::syntax_quote::{Qualify, SyntaxQuote};
use super::{Compiler, SPECIAL_FORMS, scope_moves};
use crate::chunk::{Op, Reg};
use crate::convert::{Spans, form_to_value};
use crate::error::{Error, ErrorType};
use crate::value::{Map, Value};

fn syntax(span: Span, message: impl Into<String>, hint: impl Into<String>) -> Error {
    Error::new(ErrorType::Compile, message)
        .at(span)
        .with_hint(hint)
}

fn pr(form: &Form) -> String {
    glia_syntax::printer::pr_str(form)
}

impl Compiler<'_> {
    /// Compiles `form` if its head names a special form.
    pub(super) fn compile_special(
        &mut self,
        name: &str,
        form: &Form,
        args: &[Form],
        dst: Reg,
        tail: bool,
    ) -> Option<Result<(), Error>> {
        let span = form.span;
        Some(match name {
            "quote" => self.compile_quote(span, args, dst),
            "if" => self.compile_if(span, args, dst, tail),
            "do" => self.compile_do(span, args, dst, tail),
            "def" => self.compile_def(span, args, dst),
            "defmacro" => self.compile_defmacro(span, args, dst),
            "let" | "let*" => self.compile_let(span, args, dst, tail),
            "loop" | "loop*" => self.compile_loop(span, args, dst, tail),
            "recur" => self.compile_recur(span, args, tail),
            "fn" | "fn*" => self.compile_fn_named(span, args, None, dst),
            "var" => self.compile_var(span, args, dst),
            "throw" => self.compile_throw(span, args),
            "try" => self.compile_try(span, args, dst),
            "letfn" | "letfn*" => self.compile_letfn(span, args, dst, tail),
            "case" | "case*" => self.compile_case(span, args, dst, tail),
            "binding" => self.compile_binding(span, args, dst),
            "syntax-quote" => self.compile_syntax_quote(span, args, dst, tail),
            "unquote" | "unquote-splicing" => Err(syntax(
                span,
                format!(
                    "`{}` used outside syntax-quote",
                    if name == "unquote" { "~" } else { "~@" }
                ),
                "`~x` and `~@xs` only mean something inside a syntax-quoted form such as `(a ~x)",
            )),
            "catch" | "finally" => Err(syntax(
                span,
                format!("`{name}` used outside `try`"),
                "write `(try body... (catch :default e handler...) (finally cleanup...))`",
            )),
            "&" => Err(syntax(
                span,
                "`&` cannot be called",
                "`&` only appears in parameter and binding vectors",
            )),
            _ => return None,
        })
    }

    fn arg_count(
        span: Span,
        what: &str,
        args: &[Form],
        min: usize,
        max: usize,
        usage: &str,
    ) -> Result<(), Error> {
        if args.len() < min || args.len() > max {
            return Err(syntax(
                span,
                format!(
                    "`{what}` takes {} but got {}",
                    expect_text(min, max),
                    args.len()
                ),
                format!("usage: {usage}"),
            ));
        }
        Ok(())
    }

    fn compile_quote(&mut self, span: Span, args: &[Form], dst: Reg) -> Result<(), Error> {
        Self::arg_count(span, "quote", args, 1, 1, "(quote form)")?;
        self.compile_quoted(&args[0], dst)
    }

    fn compile_if(&mut self, span: Span, args: &[Form], dst: Reg, tail: bool) -> Result<(), Error> {
        Self::arg_count(span, "if", args, 2, 3, "(if test then else?)")?;
        let to_else = match self.compile_fused_test(&args[0])? {
            Some(branch) => branch,
            None => {
                let mark = self.mark();
                let t = self.temp();
                self.compile(&args[0], t, false)?;
                self.release(mark);
                self.emit(Op::JumpIfFalse { src: t, target: 0 }, span)
            }
        };
        self.compile(&args[1], dst, tail)?;
        let to_end = self.emit(Op::Jump { target: 0 }, span);
        let else_at = self.scope().code.here();
        self.scope().code.patch_jump(to_else, else_at);
        match args.get(2) {
            Some(e) => self.compile(e, dst, tail)?,
            None => {
                self.emit(Op::Nil { dst }, span);
            }
        }
        let end = self.scope().code.here();
        self.scope().code.patch_jump(to_end, end);
        Ok(())
    }

    pub(super) fn compile_do(
        &mut self,
        span: Span,
        body: &[Form],
        dst: Reg,
        tail: bool,
    ) -> Result<(), Error> {
        match body.split_last() {
            None => {
                self.emit(Op::Nil { dst }, span);
            }
            Some((last, init)) => {
                // Values of the forms before the last are discarded: they
                // land in `dst`, which the last form then overwrites.
                for f in init {
                    self.compile(f, dst, false)?;
                }
                self.compile(last, dst, tail)?;
            }
        }
        Ok(())
    }

    fn def_name<'f>(&self, span: Span, args: &'f [Form], what: &str) -> Result<&'f Form, Error> {
        match args.first() {
            Some(
                f @ Form {
                    kind: FormKind::Symbol(Symbol { ns: None, .. }),
                    ..
                },
            ) => Ok(f),
            Some(
                f @ Form {
                    kind: FormKind::Symbol(Symbol { ns: Some(ns), .. }),
                    ..
                },
            ) if **ns == *self.vm.current_ns.name => Ok(f),
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

    fn compile_def(&mut self, span: Span, args: &[Form], dst: Reg) -> Result<(), Error> {
        Self::arg_count(span, "def", args, 1, 3, "(def name doc? value?)")?;
        let name_form = self.def_name(span, args, "def")?;
        let FormKind::Symbol(sym) = &name_form.kind else {
            unreachable!()
        };
        let var = self.vm.current_ns.intern(&sym.name);
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
        if !meta.is_empty() {
            *var.meta.borrow_mut() = Some(Value::Map(Rc::new(meta)));
        }
        let var = self.scope().code.var(&var);
        match init {
            Some(init) => {
                self.compile_named(init, &sym.name, dst)?;
                self.emit(Op::Def { var, src: dst, dst }, span);
            }
            None => {
                self.emit(Op::VarRef { dst, var }, span);
            }
        }
        Ok(())
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

    fn compile_defmacro(&mut self, span: Span, args: &[Form], dst: Reg) -> Result<(), Error> {
        let usage = "(defmacro name doc? attr-map? [params] body...) or with several ([params] body...) arities";
        let name_form = self.def_name(span, args, "defmacro")?;
        let FormKind::Symbol(sym) = &name_form.kind else {
            unreachable!()
        };
        let mut rest = &args[1..];
        if let Some(Form {
            kind: FormKind::Str(_),
            ..
        }) = rest.first()
        {
            rest = &rest[1..];
        }
        if let Some(Form {
            kind: FormKind::Map(_),
            ..
        }) = rest.first()
        {
            rest = &rest[1..];
        }
        let with_env = |params: &Form| -> Result<Form, Error> {
            let FormKind::Vector(ps) = &params.kind else {
                return Err(syntax(
                    params.span,
                    "a macro's parameters must be a vector",
                    usage,
                ));
            };
            let mut all = vec![
                Form::symbol("&form", params.span),
                Form::symbol("&env", params.span),
            ];
            all.extend(ps.iter().cloned());
            Ok(Form::new(FormKind::Vector(all), params.span))
        };
        let arities: Vec<Form> = match rest.first().map(|f| &f.kind) {
            Some(FormKind::Vector(_)) => {
                let mut items = vec![with_env(&rest[0])?];
                items.extend(rest[1..].iter().cloned());
                vec![Form::list(items, span)]
            }
            Some(FormKind::List(_)) => rest
                .iter()
                .map(|arity| match &arity.kind {
                    FormKind::List(items) if !items.is_empty() => {
                        let mut new = vec![with_env(&items[0])?];
                        new.extend(items[1..].iter().cloned());
                        Ok(Form::list(new, arity.span))
                    }
                    _ => Err(syntax(
                        arity.span,
                        "expected an arity `([params] body...)`",
                        usage,
                    )),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(syntax(span, "`defmacro` needs a parameter vector", usage)),
        };
        let var = self.vm.current_ns.intern(&sym.name);
        let var = self.scope().code.var(&var);
        self.compile_fn_named(span, &arities, Some(&sym.name), dst)?;
        self.emit(Op::Def { var, src: dst, dst }, span);
        self.emit(Op::SetMacro { var }, span);
        Ok(())
    }

    fn bindings<'f>(
        &self,
        span: Span,
        what: &str,
        form: Option<&'f Form>,
    ) -> Result<&'f [Form], Error> {
        let usage = format!("({what} [name value ...] body...)");
        match form.map(|f| &f.kind) {
            Some(FormKind::Vector(items)) if items.len() % 2 == 0 => Ok(items),
            Some(FormKind::Vector(_)) => Err(syntax(
                form.unwrap().span,
                format!("`{what}` bindings need an even number of forms (a value for every name)"),
                usage,
            )),
            _ => Err(syntax(
                span,
                format!("`{what}` needs a binding vector"),
                usage,
            )),
        }
    }

    /// Allocates the register of a plain symbol binding (in scope once
    /// [`Compiler::push_local`] is called, after its init is compiled).
    fn binding_name<'f>(&mut self, name: &'f Form) -> Result<&'f str, Error> {
        name.as_simple_symbol().ok_or_else(|| {
            syntax(
                name.span,
                format!("cannot bind `{}`", pr(name)),
                "bind a symbol",
            )
        })
    }

    /// Compiles `pattern init` pairs (destructuring) into slots in scope.
    fn compile_bindings(&mut self, pairs: &[Form]) -> Result<(), Error> {
        for pair in pairs.chunks(2) {
            let mut plain = Vec::new();
            let mut d = super::Destructurer {
                counter: self.vm.next_gensym(),
            };
            d.bind(&pair[0], pair[1].clone(), &mut plain)?;
            self.vm.gensym_counter = self.vm.gensym_counter.max(d.counter);
            for (name, init) in plain {
                let n = self.binding_name(&name)?.to_string();
                let slot = self.temp();
                self.compile(&init, slot, false)?;
                self.push_local(&n, slot, false);
            }
        }
        Ok(())
    }

    fn compile_let(
        &mut self,
        span: Span,
        args: &[Form],
        dst: Reg,
        tail: bool,
    ) -> Result<(), Error> {
        let pairs = self.bindings(span, "let", args.first())?;
        let mark = self.scope_mark();
        self.compile_bindings(pairs)?;
        self.compile_do(span, &args[1..], dst, tail)?;
        self.scope_reset(mark);
        Ok(())
    }

    fn scope_mark(&mut self) -> (usize, u16) {
        let s = self.scope();
        (s.locals.len(), s.code.next_slot)
    }

    fn scope_reset(&mut self, (locals, slot): (usize, u16)) {
        let s = self.scope();
        s.locals.truncate(locals);
        s.code.next_slot = slot;
    }

    fn compile_loop(
        &mut self,
        span: Span,
        args: &[Form],
        dst: Reg,
        tail: bool,
    ) -> Result<(), Error> {
        let pairs = self.bindings(span, "loop", args.first())?;
        let mark = self.scope_mark();
        let simple = pairs.chunks(2).all(|p| p[0].as_simple_symbol().is_some());
        let (names, body): (Vec<Form>, Vec<Form>) = if simple {
            (
                pairs.chunks(2).map(|p| p[0].clone()).collect(),
                args[1..].to_vec(),
            )
        } else {
            // Loop over plain names; destructure them afresh in each iteration.
            let mut d = super::Destructurer {
                counter: self.vm.next_gensym(),
            };
            let gs: Vec<Form> = pairs
                .chunks(2)
                .map(|p| d.gensym("loop", p[0].span))
                .collect();
            self.vm.gensym_counter = self.vm.gensym_counter.max(d.counter);
            let mut inner = Vec::new();
            for (p, g) in pairs.chunks(2).zip(&gs) {
                inner.push(p[0].clone());
                inner.push(g.clone());
            }
            let mut let_form = vec![
                Form::symbol("let*", span),
                Form::new(FormKind::Vector(inner), span),
            ];
            let_form.extend(args[1..].iter().cloned());
            (gs, vec![Form::list(let_form, span)])
        };
        let first = self.scope().code.next_slot;
        for (name, pair) in names.iter().zip(pairs.chunks(2)) {
            let n = self.binding_name(name)?.to_string();
            let slot = self.temp();
            self.compile(&pair[1], slot, false)?;
            self.push_local(&n, slot, false);
        }
        let outer = self.scope().code.loop_target;
        let outer_calls_not_tail = self.scope().code.calls_not_tail;
        let start = self.scope().code.here();
        let try_depth = self.scope().code.try_depth;
        let code = &mut self.scope().code;
        code.loop_target = Some(LoopTarget {
            start,
            first,
            n: names.len() as u16,
            try_depth,
        });
        // The loop body is in tail position for `recur`; its calls are tail
        // calls only if the loop itself is in the fn's tail position.
        code.calls_not_tail = outer_calls_not_tail || !tail;
        let result = self.compile_do(span, &body, dst, true);
        let code = &mut self.scope().code;
        code.loop_target = outer;
        code.calls_not_tail = outer_calls_not_tail;
        result?;
        self.scope_reset(mark);
        Ok(())
    }

    fn compile_recur(&mut self, span: Span, args: &[Form], tail: bool) -> Result<(), Error> {
        let Some(target) = self.scope().code.loop_target else {
            return Err(syntax(
                span,
                "`recur` outside `loop` or `fn`",
                "recur jumps back to the innermost loop or fn head",
            ));
        };
        if !tail {
            return Err(syntax(
                span,
                "`recur` is not in tail position",
                "recur must be the last thing its loop or fn does; its value cannot be used by anything else",
            ));
        }
        if target.try_depth != self.scope().code.try_depth {
            return Err(syntax(
                span,
                "`recur` across `try`",
                "move the loop inside the try, or the try inside the loop body",
            ));
        }
        if args.len() != target.n as usize {
            return Err(syntax(
                span,
                format!(
                    "`recur` needs {} argument{} here, got {}",
                    target.n,
                    if target.n == 1 { "" } else { "s" },
                    args.len()
                ),
                "recur passes one value for each loop binding (or fn parameter, the rest counting as one)",
            ));
        }
        let start = self.scope().code.ops.len();
        let mark = self.mark();
        let from = self.compile_consecutive(args)?;
        self.release(mark);
        scope_moves(&mut self.scope().code, start, target.first);
        self.emit(
            Op::Recur {
                first: target.first,
                from,
                n: target.n,
                target: target.start,
            },
            span,
        );
        Ok(())
    }

    /// `(fn name? [params] body...)` or `(fn name? ([params] body...)...)`.
    pub(super) fn compile_fn_named(
        &mut self,
        span: Span,
        args: &[Form],
        def_name: Option<&str>,
        dst: Reg,
    ) -> Result<(), Error> {
        let usage = "(fn name? [params...] body...) or (fn name? ([params...] body...) ...)";
        let (self_name, rest) = match args.first().and_then(Form::as_simple_symbol) {
            Some(n) => (Some(Rc::<str>::from(n)), &args[1..]),
            None => (None, args),
        };
        let arities: Vec<(&Form, &[Form])> = match rest.first().map(|f| &f.kind) {
            Some(FormKind::Vector(_)) => vec![(&rest[0], &rest[1..])],
            Some(FormKind::List(_)) => rest
                .iter()
                .map(|a| match &a.kind {
                    FormKind::List(items)
                        if matches!(items.first().map(|f| &f.kind), Some(FormKind::Vector(_))) =>
                    {
                        Ok((&items[0], &items[1..]))
                    }
                    _ => Err(syntax(
                        a.span,
                        "expected an arity `([params...] body...)`",
                        usage,
                    )),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(syntax(span, "`fn` needs a parameter vector", usage)),
        };
        let name: Rc<str> = match (&self_name, def_name) {
            (_, Some(d)) => format!("{}/{}", self.vm.current_ns.name, d).into(),
            (Some(n), None) => n.clone(),
            (None, None) => format!("{}/fn", self.vm.current_ns.name).into(),
        };
        self.fns.push(FnScope::new(name.clone(), self_name));
        let mut codes = Vec::new();
        let mut seen_fixed = Vec::new();
        let mut variadic_at: Option<(u16, Span)> = None;
        for (params, body) in arities {
            let result = self.compile_arity(params, body, name.clone());
            let code = match result {
                Ok(code) => code,
                Err(e) => {
                    self.fns.pop();
                    return Err(e);
                }
            };
            if code.variadic {
                if variadic_at.is_some() {
                    self.fns.pop();
                    return Err(syntax(
                        params.span,
                        "a fn can have only one variadic arity",
                        usage,
                    ));
                }
                variadic_at = Some((code.params, params.span));
            } else {
                if seen_fixed.contains(&code.params) {
                    self.fns.pop();
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
            self.fns.pop();
            return Err(syntax(
                at,
                "a fixed arity takes more parameters than the variadic one",
                "the variadic arity must have at least as many fixed parameters as any other",
            ));
        }
        let scope = self.fns.pop().expect("fn scope");
        let proto = self.finish_fn(scope, codes);
        let code = &mut self.scope().code;
        code.fns.push(proto);
        let f = (code.fns.len() - 1) as u32;
        self.emit(Op::Closure { dst, f }, span);
        Ok(())
    }

    fn compile_arity(
        &mut self,
        params: &Form,
        body: &[Form],
        name: Rc<str>,
    ) -> Result<crate::chunk::Code, Error> {
        let FormKind::Vector(ps) = &params.kind else {
            unreachable!()
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
        let mut patterns = Vec::new();
        let mut d = super::Destructurer {
            counter: self.vm.next_gensym(),
        };
        for p in fixed.iter().copied().chain(rest) {
            let slot = self.scope().code.alloc_slot();
            match p.as_simple_symbol() {
                Some(n) if n != "&" => self.push_local(n, slot, false),
                _ if matches!(p.kind, FormKind::Vector(_) | FormKind::Map(_)) => {
                    let g = d.gensym("p", p.span);
                    self.push_local(g.as_simple_symbol().unwrap(), slot, false);
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
        self.vm.gensym_counter = self.vm.gensym_counter.max(d.counter);
        let n = (fixed.len() + rest.is_some() as usize) as u16;
        self.scope().code.loop_target = Some(LoopTarget {
            start: 0,
            first: 0,
            n,
            try_depth: 0,
        });
        let result = self.temp();
        if patterns.is_empty() {
            self.compile_do(params.span, body, result, true)?;
        } else {
            let mut let_form = vec![
                Form::symbol("let*", params.span),
                Form::new(FormKind::Vector(patterns), params.span),
            ];
            let_form.extend(body.iter().cloned());
            self.compile(&Form::list(let_form, params.span), result, true)?;
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

    fn compile_var(&mut self, span: Span, args: &[Form], dst: Reg) -> Result<(), Error> {
        Self::arg_count(span, "var", args, 1, 1, "(var name) or #'name")?;
        let FormKind::Symbol(s) = &args[0].kind else {
            return Err(syntax(
                args[0].span,
                "`var` needs a symbol",
                "usage: (var name) or #'name",
            ));
        };
        let Some(var) = self.resolve_var(s) else {
            return Err(self.unbound(s, args[0].span));
        };
        let var = self.scope().code.var(&var);
        self.emit(Op::VarRef { dst, var }, span);
        Ok(())
    }

    fn compile_throw(&mut self, span: Span, args: &[Form]) -> Result<(), Error> {
        Self::arg_count(
            span,
            "throw",
            args,
            1,
            1,
            "(throw (ex-info \"message\" {...}))",
        )?;
        let t = self.temp();
        self.compile(&args[0], t, false)?;
        self.emit(Op::Throw { src: t }, span);
        Ok(())
    }

    /// `(try body... (catch type e handler...)... (finally cleanup...)?)`.
    fn compile_try(&mut self, span: Span, args: &[Form], dst: Reg) -> Result<(), Error> {
        let usage = "(try body... (catch :glia.error/type e handler...) (finally cleanup...))";
        let clause = |f: &Form, name: &str| matches!(&f.kind, FormKind::List(items) if items.first().and_then(Form::as_simple_symbol) == Some(name));
        let body_end = args
            .iter()
            .position(|f| clause(f, "catch") || clause(f, "finally"))
            .unwrap_or(args.len());
        let (body, clauses) = args.split_at(body_end);
        let mut catches = Vec::new();
        let mut finally: Option<&[Form]> = None;
        for c in clauses {
            let FormKind::List(items) = &c.kind else {
                return Err(syntax(
                    c.span,
                    "only `catch` and `finally` clauses may follow them in a `try`",
                    usage,
                ));
            };
            if clause(c, "catch") {
                if finally.is_some() {
                    return Err(syntax(c.span, "`catch` after `finally`", usage));
                }
                if items.len() < 3 || items[2].as_simple_symbol().is_none() {
                    return Err(syntax(c.span, "`catch` needs a type and a name", usage));
                }
                catches.push((&items[1], &items[2], &items[3..]));
            } else if clause(c, "finally") {
                if finally.is_some() {
                    return Err(syntax(c.span, "a `try` can have only one `finally`", usage));
                }
                finally = Some(&items[1..]);
            } else {
                return Err(syntax(
                    c.span,
                    "only `catch` and `finally` clauses may follow them in a `try`",
                    usage,
                ));
            }
        }
        let mark = self.scope_mark();
        let ex = self.temp();
        let scratch = self.temp();
        self.scope().code.try_depth += 1;
        let install = self.emit(Op::Try { target: 0, ex }, span);
        self.compile_do(span, body, dst, false)?;
        self.emit(Op::EndTry, span);
        self.scope().code.try_depth -= 1;
        if let Some(f) = finally {
            self.compile_do(span, f, scratch, false)?;
        }
        let mut to_end = vec![self.emit(Op::Jump { target: 0 }, span)];
        let handler = self.scope().code.here();
        self.scope().code.patch_jump(install, handler);
        // With a finally, the handlers themselves are protected so that it
        // runs when a handler throws.
        let ex2 = self.temp();
        let protect = if finally.is_some() {
            self.scope().code.try_depth += 1;
            Some(self.emit(Op::Try { target: 0, ex: ex2 }, span))
        } else {
            None
        };
        for (ty, name, handler_body) in catches {
            let next = self.compile_catch_test(ty, ex)?;
            let inner = self.scope_mark();
            let n = self.binding_name(name)?.to_string();
            let slot = self.temp();
            self.emit(Op::Move { dst: slot, src: ex }, name.span);
            self.push_local(&n, slot, false);
            self.compile_do(span, handler_body, dst, false)?;
            self.scope_reset(inner);
            if let Some(f) = finally {
                self.emit(Op::EndTry, span);
                self.compile_do(span, f, scratch, false)?;
            }
            to_end.push(self.emit(Op::Jump { target: 0 }, span));
            if let Some(next) = next {
                let here = self.scope().code.here();
                self.scope().code.patch_jump(next, here);
            }
        }
        // No catch matched: rethrow (after the finally).
        if let Some(f) = finally {
            self.emit(Op::EndTry, span);
            self.compile_do(span, f, scratch, false)?;
        }
        self.emit(Op::Throw { src: ex }, span);
        if let Some(protect) = protect {
            self.scope().code.try_depth -= 1;
            let here = self.scope().code.here();
            self.scope().code.patch_jump(protect, here);
            self.compile_do(span, finally.unwrap_or(&[]), scratch, false)?;
            self.emit(Op::Throw { src: ex2 }, span);
        }
        let end = self.scope().code.here();
        for j in to_end {
            self.scope().code.patch_jump(j, end);
        }
        self.scope_reset(mark);
        Ok(())
    }

    /// Emits the test of a catch clause's type; returns the jump to patch to
    /// the next clause (none when the clause catches everything).
    fn compile_catch_test(&mut self, ty: &Form, ex: u16) -> Result<Option<u32>, Error> {
        let catch_all = match &ty.kind {
            FormKind::Keyword(k) => k.ns.is_none() && k.name == "default",
            FormKind::Symbol(s) => {
                matches!(
                    &*s.name,
                    "Exception"
                        | "Throwable"
                        | "Error"
                        | "RuntimeException"
                        | "Object"
                        | "ExceptionInfo"
                ) && (s.ns.is_none() || s.ns.as_deref() == Some("java.lang"))
            }
            _ => false,
        };
        if catch_all {
            return Ok(None);
        }
        if !matches!(ty.kind, FormKind::Keyword(_)) {
            return Err(syntax(
                ty.span,
                format!("cannot catch `{}`", pr(ty)),
                "catch an error type keyword such as :glia.error/arithmetic, or :default (also Exception, Throwable) for everything",
            ));
        }
        let test = self.core_var("--catches?");
        let var = self.scope().code.var(&test);
        let mark = self.mark();
        let base = self.temp();
        let kind = self.temp();
        self.emit(Op::Move { dst: base, src: ex }, ty.span);
        self.compile_quoted(ty, kind)?;
        self.emit(
            Op::CallVar {
                var,
                base,
                argc: 2,
                dst: base,
            },
            ty.span,
        );
        self.release(mark);
        Ok(Some(self.emit(
            Op::JumpIfFalse {
                src: base,
                target: 0,
            },
            ty.span,
        )))
    }

    fn compile_letfn(
        &mut self,
        span: Span,
        args: &[Form],
        dst: Reg,
        tail: bool,
    ) -> Result<(), Error> {
        let usage = "(letfn [(name [params...] body...) ...] body...)";
        let Some(Form {
            kind: FormKind::Vector(fns),
            ..
        }) = args.first()
        else {
            return Err(syntax(span, "`letfn` needs a vector of fn specs", usage));
        };
        let mark = self.scope_mark();
        let mut slots = Vec::new();
        for f in fns {
            let name = match &f.kind {
                FormKind::List(items) => items.first().and_then(Form::as_simple_symbol),
                _ => None,
            };
            let Some(name) = name else {
                return Err(syntax(
                    f.span,
                    "each letfn spec is `(name [params...] body...)`",
                    usage,
                ));
            };
            let slot = self.temp();
            self.emit(Op::NewCell { dst: slot }, f.span);
            self.push_local(name, slot, true);
            slots.push(slot);
        }
        let t = self.temp();
        for (f, slot) in fns.iter().zip(slots) {
            let FormKind::List(items) = &f.kind else {
                unreachable!()
            };
            self.compile_fn_named(f.span, items, None, t)?;
            self.emit(Op::SetCell { cell: slot, src: t }, f.span);
        }
        self.compile_do(span, &args[1..], dst, tail)?;
        self.scope_reset(mark);
        Ok(())
    }

    /// `(case e const result ... default?)`: one hash lookup, then a jump.
    fn compile_case(
        &mut self,
        span: Span,
        args: &[Form],
        dst: Reg,
        tail: bool,
    ) -> Result<(), Error> {
        let usage = "(case expr constant result ... default?)";
        let Some((expr, clauses)) = args.split_first() else {
            return Err(syntax(span, "`case` needs an expression", usage));
        };
        let mark = self.mark();
        let src = self.temp();
        self.compile(expr, src, false)?;
        self.release(mark);
        let has_default = clauses.len() % 2 == 1;
        let table_index = self.scope().code.constant(Value::Nil);
        self.emit(
            Op::Case {
                src,
                table: table_index,
                has_default,
            },
            span,
        );
        let mut table = Map::default();
        let mut to_end = Vec::new();
        let mut default_jump = None;
        if has_default {
            default_jump = Some(self.emit(Op::Jump { target: 0 }, span));
        }
        let ns = self.vm.current_ns.name.clone();
        for pair in clauses.chunks_exact(2) {
            let target = self.scope().code.here();
            let constants: Vec<&Form> = match &pair[0].kind {
                FormKind::List(items) if !items.is_empty() => items.iter().collect(),
                _ => vec![&pair[0]],
            };
            for c in constants {
                let v = form_to_value(c, &ns, &mut Spans::default());
                if table.contains_key(&v) {
                    return Err(syntax(
                        c.span,
                        format!("duplicate case constant `{}`", pr(c)),
                        "each constant may appear once in a case",
                    ));
                }
                table.insert(v, Value::Int(target as i64));
            }
            self.compile(&pair[1], dst, tail)?;
            to_end.push(self.emit(Op::Jump { target: 0 }, pair[1].span));
        }
        if let Some(j) = default_jump {
            let here = self.scope().code.here();
            self.scope().code.patch_jump(j, here);
            let default = clauses.last().expect("default clause");
            self.compile(default, dst, tail)?;
        }
        let end = self.scope().code.here();
        for j in to_end {
            self.scope().code.patch_jump(j, end);
        }
        self.scope().code.consts[table_index as usize] = Value::Map(Rc::new(table));
        Ok(())
    }

    /// `(binding [var value ...] body...)` on `^:dynamic` vars.
    fn compile_binding(&mut self, span: Span, args: &[Form], dst: Reg) -> Result<(), Error> {
        let pairs = self.bindings(span, "binding", args.first())?;
        let mut vars = Vec::new();
        let mark = self.mark();
        let from = self.mark();
        for pair in pairs.chunks(2) {
            let FormKind::Symbol(s) = &pair[0].kind else {
                return Err(syntax(
                    pair[0].span,
                    "`binding` binds vars, named by symbols",
                    "usage: (binding [*var* value] body...)",
                ));
            };
            let var = self
                .resolve_var(s)
                .ok_or_else(|| self.unbound(s, pair[0].span))?;
            if !var.dynamic.get() {
                return Err(syntax(
                    pair[0].span,
                    format!(
                        "cannot dynamically bind the non-dynamic var `{}`",
                        var.qualified_name()
                    ),
                    format!("declare it dynamic: (def ^:dynamic {} ...)", var.name),
                ));
            }
            let t = self.temp();
            self.compile(&pair[1], t, false)?;
            vars.push(var);
        }
        let first_var = self.scope().code.vars.len() as u32;
        for v in &vars {
            self.scope().code.var_fresh(v);
        }
        self.emit(
            Op::PushBindings {
                first_var,
                from,
                n: vars.len() as u16,
            },
            span,
        );
        self.release(mark);
        self.compile_do(span, &args[1..], dst, false)?;
        self.emit(Op::PopBindings, span);
        Ok(())
    }

    fn compile_syntax_quote(
        &mut self,
        span: Span,
        args: &[Form],
        dst: Reg,
        tail: bool,
    ) -> Result<(), Error> {
        Self::arg_count(span, "syntax-quote", args, 1, 1, "`form")?;
        let expanded = SyntaxQuote::new(self).expand(&args[0])?;
        self.compile(&expanded, dst, tail)
    }
}

fn expect_text(min: usize, max: usize) -> String {
    let n = |k: usize| format!("{k} argument{}", if k == 1 { "" } else { "s" });
    if min == max {
        n(min)
    } else if max == usize::MAX {
        format!("at least {}", n(min))
    } else {
        format!("{min} to {}", n(max))
    }
}

impl Qualify for Compiler<'_> {
    fn qualify(&self, name: &str) -> Option<String> {
        Some(match self.vm.resolve_var(None, name) {
            Some(var) => var.ns.to_string(),
            None => self.vm.current_ns.name.to_string(),
        })
    }

    fn is_special(&self, name: &str) -> bool {
        SPECIAL_FORMS.contains(&name)
    }

    fn next_id(&mut self) -> u64 {
        self.vm.next_gensym()
    }
}
