//! Special forms. `let`, `fn`, `loop`, `letfn` and `case` are compiled
//! here directly (with destructuring) rather than as macros over starred
//! forms: one less expansion, and errors point at the user's form.
//!
//! This module dispatches and compiles the small forms; the others have a
//! module each: `defs` (`def`, `defmacro`), `fns` (`fn` and its arities),
//! `bindings` (`let`, `letfn`, `binding`), `loops` (`loop`, `recur`),
//! `exceptions` (`try`, `throw`), `effects` (`with-effect-handler`) and
//! `case`.

mod bindings;
mod case;
mod defs;
mod effects;
mod exceptions;
mod fns;
mod loops;

use glia_syntax::{Form, FormKind, Span};

use super::syntax_quote::{Qualify, SyntaxQuote};
use super::{Compiler, SPECIAL_FORMS};
use crate::builtins::arity_text;
use crate::chunk::{Op, Reg};
use crate::error::{Error, ErrorType};

fn syntax(span: Span, message: impl Into<String>, hint: impl Into<String>) -> Error {
    Error::new(ErrorType::Compile, message)
        .at(span)
        .with_hint(hint)
}

fn pr(form: &Form) -> String {
    glia_syntax::printer::pr_str(form)
}

/// `(let* [bindings...] body...)`: how the forms that bind plain names
/// first (`loop`, fn parameters) destructure their patterns.
fn let_form(bindings: Vec<Form>, body: &[Form], span: Span) -> Form {
    let mut items = vec![
        Form::symbol("let*", span),
        Form::new(FormKind::Vector(bindings), span),
    ];
    items.extend(body.iter().cloned());
    Form::list(items, span)
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
            "with-effect-handler" => self.compile_with_effect_handler(span, args, dst),
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
        min: u16,
        max: u16,
        usage: &str,
    ) -> Result<(), Error> {
        if args.len() < usize::from(min) || args.len() > usize::from(max) {
            return Err(syntax(
                span,
                format!(
                    "`{what}` takes {} but got {}",
                    arity_text(min, max),
                    args.len()
                ),
                format!("usage: {usage}"),
            ));
        }
        Ok(())
    }

    /// Points the jump emitted at `jump` at the next instruction.
    fn patch_here(&mut self, jump: u32) {
        let code = &mut self.scope().code;
        let here = code.here();
        code.patch_jump(jump, here);
    }

    /// The locals in scope and the first free register, to restore when a
    /// binding form's body ends.
    fn scope_mark(&mut self) -> (usize, u16) {
        let s = self.scope();
        (s.locals.len(), s.code.next_slot)
    }

    fn scope_reset(&mut self, (locals, slot): (usize, u16)) {
        let s = self.scope();
        s.locals.truncate(locals);
        s.code.next_slot = slot;
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
        self.patch_here(to_else);
        match args.get(2) {
            Some(e) => self.compile(e, dst, tail)?,
            None => {
                self.emit(Op::Nil { dst }, span);
            }
        }
        self.patch_here(to_end);
        Ok(())
    }

    fn compile_do(&mut self, span: Span, body: &[Form], dst: Reg, tail: bool) -> Result<(), Error> {
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

    fn compile_var(&mut self, span: Span, args: &[Form], dst: Reg) -> Result<(), Error> {
        Self::arg_count(span, "var", args, 1, 1, "(var name) or #'name")?;
        let FormKind::Symbol(s) = &args[0].kind else {
            return Err(syntax(
                args[0].span,
                "`var` needs a symbol",
                "usage: (var name) or #'name",
            ));
        };
        let Some(var) = self.resolve_var(s)? else {
            return Err(self.unbound(s, args[0].span));
        };
        self.note_var(&var, args[0].span);
        let var = self.scope().code.var(&var);
        self.emit(Op::VarRef { dst, var }, span);
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
