//! The forms that bind names for a body: `let` (destructuring), `letfn`
//! (mutually recursive fns) and `binding` (dynamic vars), and the helpers
//! `loop` and fn parameters share with them.

use glia_syntax::{Form, FormKind, Span};

use super::{pr, syntax};
use crate::chunk::{Op, Reg};
use crate::compiler::{Compiler, Destructurer};
use crate::error::Error;

impl Compiler<'_> {
    /// The `[name value ...]` vector a binding form starts with.
    pub(super) fn bindings<'f>(
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

    /// The name a plain binding binds: it must be a simple symbol.
    pub(super) fn binding_name<'f>(&self, name: &'f Form) -> Result<&'f str, Error> {
        name.as_simple_symbol().ok_or_else(|| {
            syntax(
                name.span,
                format!("cannot bind `{}`", pr(name)),
                "bind a symbol",
            )
        })
    }

    /// Compiles `init` into a fresh register and brings `name` into scope
    /// on it (after the init, which therefore cannot see it).
    pub(super) fn bind_local(&mut self, name: &Form, init: &Form) -> Result<(), Error> {
        let (span, name) = (name.span, self.binding_name(name)?);
        let slot = self.temp();
        self.compile(init, slot, false)?;
        self.push_local(name, slot, false, span);
        Ok(())
    }

    /// Runs `f` with a destructurer whose gensyms follow the VM's, then
    /// moves the VM's counter past the ones it made, so that no later
    /// gensym repeats them.
    pub(super) fn destructure<T>(
        &mut self,
        f: impl FnOnce(&mut Self, &mut Destructurer) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut d = Destructurer {
            counter: self.vm.next_gensym(),
        };
        let result = f(self, &mut d)?;
        self.vm.gensym_counter = self.vm.gensym_counter.max(d.counter);
        Ok(result)
    }

    /// Compiles `pattern init` pairs (destructuring) into slots in scope.
    fn compile_bindings(&mut self, pairs: &[Form]) -> Result<(), Error> {
        for pair in pairs.chunks(2) {
            let plain = self.destructure(|_, d| {
                let mut plain = Vec::new();
                d.bind(&pair[0], pair[1].clone(), &mut plain)?;
                Ok(plain)
            })?;
            for (name, init) in plain {
                self.bind_local(&name, &init)?;
            }
        }
        Ok(())
    }

    pub(super) fn compile_let(
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

    pub(super) fn compile_letfn(
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
        // Every name is in scope, as a cell, before any fn is made, so the
        // fns can call each other.
        let mut specs = Vec::new();
        for f in fns {
            let spec = match &f.kind {
                FormKind::List(items) => items
                    .first()
                    .and_then(Form::as_simple_symbol)
                    .map(|name| (name, items)),
                _ => None,
            };
            let Some((name, items)) = spec else {
                return Err(syntax(
                    f.span,
                    "each letfn spec is `(name [params...] body...)`",
                    usage,
                ));
            };
            let slot = self.temp();
            self.emit(Op::NewCell { dst: slot }, f.span);
            self.push_local(name, slot, true, items[0].span);
            specs.push((f.span, items, slot));
        }
        let t = self.temp();
        for (at, items, slot) in specs {
            self.compile_fn_named(at, items, None, t)?;
            self.emit(Op::SetCell { cell: slot, src: t }, at);
        }
        self.compile_do(span, &args[1..], dst, tail)?;
        self.scope_reset(mark);
        Ok(())
    }

    /// `(binding [var value ...] body...)` on `^:dynamic` vars.
    pub(super) fn compile_binding(
        &mut self,
        span: Span,
        args: &[Form],
        dst: Reg,
    ) -> Result<(), Error> {
        let pairs = self.bindings(span, "binding", args.first())?;
        let mut vars = Vec::new();
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
                .resolve_var(s)?
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
        self.release(from);
        self.compile_do(span, &args[1..], dst, false)?;
        self.emit(Op::PopBindings, span);
        Ok(())
    }
}
