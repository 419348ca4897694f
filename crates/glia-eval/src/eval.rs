//! Evaluating text: read, then for each top-level form expand, compile and
//! run, so that a `defmacro` is in effect for the forms after it.

use std::rc::Rc;

use glia_syntax::{Form, FormKind};

use crate::compiler::{Compiler, MAX_EXPANSIONS};
use crate::error::{Error, ErrorType, Exception};
use crate::value::Value;
use crate::vm::{Limits, Vm};
use crate::{Source, builtins};

/// An evaluation that failed: the exception, and the source it came from
/// (for rendering).
#[derive(Debug, Clone)]
pub struct EvalError {
    pub exception: Rc<Exception>,
    /// The source of the form being evaluated, for errors without a trace
    /// (compile errors point into it).
    pub source: Rc<Source>,
    pub span: Option<glia_syntax::Span>,
}

impl EvalError {
    /// The `:glia.error/type` keyword, as text (`:glia.error/arithmetic`).
    pub fn type_name(&self) -> String {
        self.exception
            .type_keyword()
            .map(|k| k.to_string())
            .unwrap_or_else(|| ":glia.error/unknown".into())
    }

    pub fn message(&self) -> String {
        self.exception.message()
    }

    /// A miette report with the source snippet and the trace.
    pub fn report(&self) -> crate::Report {
        crate::Report::new(self)
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.type_name(), self.message())
    }
}

impl std::error::Error for EvalError {}

/// A Glia session: a VM with the core library loaded.
#[derive(Debug)]
pub struct Glia {
    pub vm: Vm,
}

impl Default for Glia {
    fn default() -> Self {
        Glia::new()
    }
}

const CORE_SOURCE: &str = include_str!("core/core.glia");

impl Glia {
    pub fn new() -> Glia {
        let vm = Vm::bare();
        builtins::install(&vm.core);
        let mut glia = Glia { vm };
        let user = glia.vm.current_ns.clone();
        glia.vm.current_ns = glia.vm.core.clone();
        if let Err(e) = glia.eval_str("glia/core.glia", CORE_SOURCE) {
            // The core library is part of this crate; its tests load it.
            panic!("glia.core failed to load: {e}");
        }
        glia.vm.current_ns = user;
        glia
    }

    pub fn with_limits(limits: Limits) -> Glia {
        let mut glia = Glia::new();
        glia.vm.limits = limits;
        glia
    }

    /// Evaluates every form of `text`; returns the last value (`nil` for
    /// none).
    pub fn eval_str(&mut self, name: &str, text: &str) -> Result<Value, EvalError> {
        let source = Rc::new(Source::new(name, text));
        let read = glia_syntax::read(text);
        if let Some(first) = read.errors.first() {
            let mut e = Error::new(ErrorType::Syntax, first.message.clone()).at(first.span);
            if let Some(h) = &first.hint {
                e = e.with_hint(h.clone());
            }
            if read.errors.len() > 1 {
                e.message.push_str(&format!(
                    " (and {} more syntax errors)",
                    read.errors.len() - 1
                ));
            }
            return Err(self.failed(e, &source));
        }
        self.vm.start_evaluation();
        let mut last = Ok(Value::Nil);
        for form in &read.forms {
            last = self.eval_toplevel(form, &source);
            if last.is_err() {
                break;
            }
        }
        self.vm.trim_stack();
        last
    }

    fn failed(&self, e: Error, source: &Rc<Source>) -> EvalError {
        let span = e.span;
        EvalError {
            exception: Rc::new(Exception::from_error(e)),
            source: source.clone(),
            span,
        }
    }

    /// Evaluates one top-level form: a `do` (after expansion) has each of
    /// its forms evaluated in turn, as Clojure does, so that a macro defined
    /// by one is in effect for the next. Iterative: a macro that expands to
    /// `(do (itself))` meets the expansion budget, not the native stack.
    fn eval_toplevel(&mut self, form: &Form, source: &Rc<Source>) -> Result<Value, EvalError> {
        let mut pending = vec![form.clone()];
        let mut budget = MAX_EXPANSIONS;
        let mut last = Value::Nil;
        while let Some(form) = pending.pop() {
            let form = Compiler::new(&mut self.vm, source.clone())
                .macroexpand_all(&form, &mut budget)
                .map_err(|e| self.failed(e, source))?
                .unwrap_or(form);
            if let FormKind::List(items) = &form.kind
                && items.first().and_then(Form::as_simple_symbol) == Some("do")
            {
                last = Value::Nil;
                pending.extend(items[1..].iter().rev().cloned());
                continue;
            }
            let closure = Compiler::new(&mut self.vm, source.clone())
                .compile_toplevel(&form)
                .map_err(|e| self.failed(e, source))?;
            last = self
                .vm
                .call_value(&Value::Fn(closure), Vec::new())
                .map_err(|exception| EvalError {
                    exception,
                    source: source.clone(),
                    span: None,
                })?;
        }
        Ok(last)
    }
}

impl Glia {
    /// Makes `name` the current namespace (created if missing), as
    /// `(in-ns 'name)` does.
    pub fn set_ns(&mut self, name: &str) {
        self.vm.current_ns = self.vm.namespaces.get_or_create(name);
    }
}
