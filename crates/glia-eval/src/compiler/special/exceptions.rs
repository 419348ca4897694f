//! `throw`, and `try` with its `catch` and `finally` clauses.

use glia_syntax::{Form, FormKind, Span};

use super::{pr, syntax};
use crate::chunk::{Op, Reg};
use crate::compiler::Compiler;
use crate::error::Error;

/// A `try` form taken apart.
struct TryForm<'f> {
    body: &'f [Form],
    /// Each `catch` clause: the type it catches, the name it binds, its body.
    catches: Vec<(&'f Form, &'f Form, &'f [Form])>,
    finally: Option<&'f [Form]>,
}

fn is_clause(f: &Form, name: &str) -> bool {
    matches!(&f.kind, FormKind::List(items) if items.first().and_then(Form::as_simple_symbol) == Some(name))
}

fn try_form(args: &[Form]) -> Result<TryForm<'_>, Error> {
    let usage = "(try body... (catch :glia.error/type e handler...) (finally cleanup...))";
    let body_end = args
        .iter()
        .position(|f| is_clause(f, "catch") || is_clause(f, "finally"))
        .unwrap_or(args.len());
    let (body, clauses) = args.split_at(body_end);
    let mut catches = Vec::new();
    let mut finally: Option<&[Form]> = None;
    for c in clauses {
        let not_a_clause = || {
            syntax(
                c.span,
                "only `catch` and `finally` clauses may follow them in a `try`",
                usage,
            )
        };
        let FormKind::List(items) = &c.kind else {
            return Err(not_a_clause());
        };
        if is_clause(c, "catch") {
            if finally.is_some() {
                return Err(syntax(c.span, "`catch` after `finally`", usage));
            }
            if items.len() < 3 || items[2].as_simple_symbol().is_none() {
                return Err(syntax(c.span, "`catch` needs a type and a name", usage));
            }
            catches.push((&items[1], &items[2], &items[3..]));
        } else if is_clause(c, "finally") {
            if finally.is_some() {
                return Err(syntax(c.span, "a `try` can have only one `finally`", usage));
            }
            finally = Some(&items[1..]);
        } else {
            return Err(not_a_clause());
        }
    }
    Ok(TryForm {
        body,
        catches,
        finally,
    })
}

impl Compiler<'_> {
    pub(super) fn compile_throw(&mut self, span: Span, args: &[Form]) -> Result<(), Error> {
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
    pub(super) fn compile_try(&mut self, span: Span, args: &[Form], dst: Reg) -> Result<(), Error> {
        let TryForm {
            body,
            catches,
            finally,
        } = try_form(args)?;
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
        self.patch_here(install);
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
            let n = self.binding_name(name)?;
            let slot = self.temp();
            self.emit(Op::Move { dst: slot, src: ex }, name.span);
            self.push_local(n, slot, false, name.span);
            self.compile_do(span, handler_body, dst, false)?;
            self.scope_reset(inner);
            if let Some(f) = finally {
                self.emit(Op::EndTry, span);
                self.compile_do(span, f, scratch, false)?;
            }
            to_end.push(self.emit(Op::Jump { target: 0 }, span));
            self.patch_here(next);
        }
        // No catch matched: rethrow (after the finally).
        if let Some(f) = finally {
            self.emit(Op::EndTry, span);
            self.compile_do(span, f, scratch, false)?;
        }
        self.emit(Op::Throw { src: ex }, span);
        if let Some(protect) = protect {
            self.scope().code.try_depth -= 1;
            self.patch_here(protect);
            self.compile_do(span, finally.unwrap_or(&[]), scratch, false)?;
            self.emit(Op::Throw { src: ex2 }, span);
        }
        for j in to_end {
            self.patch_here(j);
        }
        self.scope_reset(mark);
        Ok(())
    }

    /// Emits the test of a catch clause's type; returns the jump to patch to
    /// the next clause.
    fn compile_catch_test(&mut self, ty: &Form, ex: u16) -> Result<u32, Error> {
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
        if !catch_all && !matches!(ty.kind, FormKind::Keyword(_)) {
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
        if catch_all {
            // Everything but an aborted body's unwinding signal.
            let default = Form::new(
                FormKind::Keyword(glia_syntax::Keyword {
                    ns: None,
                    name: "default".into(),
                    auto_resolve: false,
                }),
                ty.span,
            );
            self.compile_quoted(&default, kind)?;
        } else {
            self.compile_quoted(ty, kind)?;
        }
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
        Ok(self.emit(
            Op::JumpIfFalse {
                src: base,
                target: 0,
            },
            ty.span,
        ))
    }
}
