//! Evaluating text: read, then for each top-level form expand, compile and
//! run, so that a `defmacro` is in effect for the forms after it.

use std::rc::Rc;

use glia_syntax::{Form, FormKind};

use crate::compiler::{Compiler, MAX_EXPANSIONS};
use crate::error::{Error, ErrorType, Exception};
use crate::value::Value;
use crate::vm::{Answer, Exit, Limits, Raised, Vm};
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

    /// Where it happened: the form that failed to compile, or else the
    /// innermost frame of the trace in user code (not inside glia.core).
    pub fn location(&self) -> Option<(Rc<Source>, glia_syntax::Span)> {
        if let Some(span) = self.span {
            return Some((self.source.clone(), span));
        }
        let trace = self.exception.trace.borrow();
        let at = trace
            .iter()
            .find(|f| f.source.name != "glia/core.glia")
            .or(trace.first())?;
        Some((at.source.clone(), at.span))
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
    /// The evaluation in progress, while it waits for an answer.
    session: Option<Session>,
}

/// What evaluating text came to so far.
#[derive(Debug)]
pub enum Step {
    /// Every form ran; the last one's value.
    Done(Value),
    /// An effect no Glia handler takes, for the embedding to answer with
    /// [`Glia::answer`].
    Effect { target: Value, data: Value },
}

/// An evaluation in progress: the forms still to run.
#[derive(Debug)]
struct Session {
    source: Rc<Source>,
    /// Top-level forms not started yet, the next last.
    forms: Vec<Form>,
    /// The current top-level form's parts still to run (its `do`s split).
    pending: Vec<Form>,
    /// Macro expansion steps left for the current top-level form.
    budget: usize,
    last: Value,
    /// Whether the last value has been realized (lazy seqs in it run
    /// before the evaluation returns it, so the embedding can print it).
    realized: bool,
}

impl Default for Glia {
    fn default() -> Self {
        Glia::new()
    }
}

impl Glia {
    pub fn new() -> Glia {
        let mut vm = Vm::bare();
        let string = vm.namespaces.get_or_create("glia.string");
        builtins::install(&vm.core, &string);
        let mut glia = Glia { vm, session: None };
        let user = glia.vm.current_ns.clone();
        glia.set_ns(crate::CORE_NS);
        if let Err(e) = crate::core::index(&mut glia.vm) {
            // The core library is part of this crate; its tests read it.
            panic!("glia.core failed to load: {e}");
        }
        builtins::document(&glia.vm);
        glia.set_ns(&user.name.clone());
        glia
    }

    pub fn with_limits(limits: Limits) -> Glia {
        let mut glia = Glia::new();
        glia.vm.limits = limits;
        glia
    }

    /// Evaluates every form of `text`; returns the last value (`nil` for
    /// none). Effects no Glia handler takes are errors
    /// (`:glia.error/unhandled-effect`); [`Glia::start`] hands them to the
    /// caller instead.
    pub fn eval_str(&mut self, name: &str, text: &str) -> Result<Value, EvalError> {
        let mut step = self.start(name, text)?;
        loop {
            match step {
                Step::Done(v) => return Ok(v),
                Step::Effect { .. } => step = self.answer(Answer::Unhandled)?,
            }
        }
    }

    /// Starts evaluating `text` and runs until it ends or performs an
    /// effect that no Glia handler takes: that comes back as
    /// [`Step::Effect`], and the evaluation waits, on the heap, for
    /// [`Glia::answer`].
    pub fn start(&mut self, name: &str, text: &str) -> Result<Step, EvalError> {
        self.start_forms(name, text, None)
    }

    /// As [`Glia::start`], but evaluating only the top-level form at
    /// `index` of `text` (when given): errors still point into the whole
    /// text, so a caller that goes on after a failing form (an init
    /// script) reports each with its real line.
    pub fn start_form(&mut self, name: &str, text: &str, index: usize) -> Result<Step, EvalError> {
        self.start_forms(name, text, Some(index))
    }

    fn start_forms(
        &mut self,
        name: &str,
        text: &str,
        only: Option<usize>,
    ) -> Result<Step, EvalError> {
        assert!(
            self.session.is_none(),
            "start while an evaluation waits for an answer"
        );
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
        let mut forms = read.forms;
        if let Some(index) = only {
            forms = forms.into_iter().skip(index).take(1).collect();
        }
        forms.reverse();
        self.session = Some(Session {
            source,
            forms,
            pending: Vec::new(),
            budget: MAX_EXPANSIONS,
            last: Value::Nil,
            realized: false,
        });
        self.drive()
    }

    /// Answers the effect the evaluation waits on and runs on.
    pub fn answer(&mut self, answer: Answer) -> Result<Step, EvalError> {
        assert!(self.vm.is_suspended(), "answer without a waiting effect");
        let exit = self.vm.answer_host(answer);
        match self.settle(exit)? {
            Some(effect) => Ok(effect),
            None => self.drive(),
        }
    }

    /// Whether an evaluation waits for [`Glia::answer`].
    pub fn is_suspended(&self) -> bool {
        self.vm.is_suspended()
    }

    /// Expands, compiles and starts the next form; each top-level form has
    /// its `do`s split, as Clojure does, so that a macro defined by one is
    /// in effect for the next. Iterative: a macro that expands to
    /// `(do (itself))` meets the expansion budget, not the native stack.
    fn drive(&mut self) -> Result<Step, EvalError> {
        loop {
            let session = self.session.as_mut().expect("an evaluation");
            let form = match session.pending.pop() {
                Some(f) => f,
                None => match session.forms.pop() {
                    Some(f) => {
                        session.budget = MAX_EXPANSIONS;
                        session.last = Value::Nil;
                        f
                    }
                    None if !session.realized
                        && crate::value::unrealized_deep(&session.last).is_some() =>
                    {
                        session.realized = true;
                        let last = std::mem::take(&mut session.last);
                        let exit = self.vm.call_host(&builtins::realize_all(), vec![last]);
                        if let Some(effect) = self.settle(exit)? {
                            return Ok(effect);
                        }
                        continue;
                    }
                    None => {
                        let session = self.session.take().expect("an evaluation");
                        self.vm.trim_stack();
                        return Ok(Step::Done(session.last));
                    }
                },
            };
            let source = session.source.clone();
            let mut budget = session.budget;
            let step = compile_step(&mut self.vm, &source, form, &mut budget);
            let session = self.session.as_mut().expect("an evaluation");
            session.budget = budget;
            let closure = match step {
                Ok(Compiled::Split(items)) => {
                    session.last = Value::Nil;
                    session.pending.extend(items.into_iter().rev());
                    continue;
                }
                Ok(Compiled::Run(c, _)) => c,
                Err(e) => return Err(self.abandon(e)),
            };
            let exit = self.vm.call_host(&Value::Fn(closure), Vec::new());
            if let Some(effect) = self.settle(exit)? {
                return Ok(effect);
            }
        }
    }

    /// Takes in how a run ended: `None` when it returned (its value is the
    /// latest), the effect it waits on, or the error that ends the
    /// evaluation.
    fn settle(&mut self, exit: Result<Exit, Raised>) -> Result<Option<Step>, EvalError> {
        match exit {
            Ok(Exit::Done(v)) => {
                self.session.as_mut().expect("an evaluation").last = v;
                Ok(None)
            }
            Ok(Exit::Effect { target, data }) => Ok(Some(Step::Effect { target, data })),
            Err(exception) => {
                let session = self.session.take().expect("an evaluation");
                self.vm.trim_stack();
                Err(EvalError {
                    exception,
                    source: session.source,
                    span: None,
                })
            }
        }
    }

    /// Ends the evaluation with a compile-time error.
    fn abandon(&mut self, e: Error) -> EvalError {
        let session = self.session.take().expect("an evaluation");
        self.vm.trim_stack();
        self.failed(e, &session.source)
    }

    fn failed(&self, e: Error, source: &Rc<Source>) -> EvalError {
        let span = e.span;
        EvalError {
            exception: Rc::new(Exception::from_error(e)),
            source: source.clone(),
            span,
        }
    }
}

/// A top-level form, expanded and compiled; or, for a `do`, its parts, each
/// a top-level form of its own (so a macro one defines applies to the next).
pub(crate) enum Compiled {
    /// The code, and the form it was compiled from (expanded).
    Run(Rc<crate::chunk::Closure>, Form),
    Split(Vec<Form>),
}

/// Expands `form` (using up `budget` expansion steps) and compiles it.
pub(crate) fn compile_step(
    vm: &mut Vm,
    source: &Rc<Source>,
    form: Form,
    budget: &mut usize,
) -> Result<Compiled, Error> {
    let form = Compiler::new(vm, source.clone())
        .macroexpand_all(&form, budget)?
        .unwrap_or(form);
    if let FormKind::List(items) = &form.kind
        && items.first().and_then(Form::as_simple_symbol) == Some("do")
    {
        return Ok(Compiled::Split(items[1..].to_vec()));
    }
    let closure = Compiler::new(vm, source.clone()).compile_toplevel(&form)?;
    Ok(Compiled::Run(closure, form))
}

impl Glia {
    /// Binds `name` in `glia.core` to `value`, for every namespace to see:
    /// how an embedding hands the program its capabilities (`host`, ...).
    pub fn define(&mut self, name: &str, value: Value) {
        self.vm.core.intern(name).set(value);
    }

    /// Binds `name` in namespace `ns` (made if need be) to `value`: for a
    /// name that must not replace a core fn for the libraries (`identity`
    /// the capability beside `identity` the fn), bound where the program
    /// runs (`user`).
    pub fn define_in(&mut self, ns: &str, name: &str, value: Value) {
        self.vm.namespaces.get_or_create(ns).intern(name).set(value);
    }

    /// Removes the mapping of `name` in namespace `ns`, as `ns-unmap` does
    /// (code compiled before keeps the var it resolved); returns the var.
    pub fn unmap(&mut self, ns: &str, name: &str) -> Option<Rc<crate::Var>> {
        self.vm
            .namespaces
            .get(ns)?
            .mappings
            .borrow_mut()
            .remove(name)
    }

    /// Maps `name` in namespace `ns` to `var` (one [`Glia::unmap`] took).
    pub fn map(&mut self, ns: &str, name: &str, var: Rc<crate::Var>) {
        self.vm
            .namespaces
            .get_or_create(ns)
            .mappings
            .borrow_mut()
            .insert(name.into(), var);
    }

    /// Makes `name` the current namespace (created if missing), as
    /// `(in-ns 'name)` does.
    pub fn set_ns(&mut self, name: &str) {
        self.vm.current_ns = self.vm.namespaces.get_or_create(name);
        self.vm.core.intern("*ns*").set(Value::symbol(None, name));
    }
}
