//! The compiler: forms to bytecode.
//!
//! One pass over the (macro-expanded) forms, each compiled into a given
//! destination register. Locals live in numbered frame registers; a fn
//! captures the values of the outer locals it uses when it is created
//! (locals are immutable, so a copy is exact). Globals compile to the var
//! itself, read at run time. Calls in tail position become tail calls;
//! `recur` is checked to be in tail position here, at compile time.

mod destructure;
mod recur_in_place;
mod scope;
mod special;
mod syntax_quote;

use std::rc::Rc;

use glia_syntax::{Form, FormKind, Span, Symbol};

use crate::Source;
use crate::chunk::{
    BinOp, CaptureFrom, Closure, Code, FnProto, Op, Operand, OperandKind, Reg, UnOp,
};
use crate::convert::{Spans, form_to_value, keyword_value, value_to_form};
use crate::error::{Error, ErrorType};
use crate::namespace::Var;
use crate::value::Value;
use crate::vm::Vm;

use crate::check::Fact;
use scope::{FnScope, Local};

pub use destructure::Destructurer;

/// Forms nested deeper than this (possible only through macros: the reader
/// stops at 256) are refused rather than risk the native stack.
pub(crate) const MAX_DEPTH: u32 = 2_000;

/// Macro expansions allowed at one top-level position (or one
/// `macroexpand`) before the expansion is deemed endless.
pub const MAX_EXPANSIONS: usize = 100_000;

/// Special forms: never resolved as vars, never qualified by syntax-quote.
pub const SPECIAL_FORMS: &[&str] = &[
    "def",
    "if",
    "do",
    "let",
    "let*",
    "fn",
    "fn*",
    "loop",
    "loop*",
    "recur",
    "quote",
    "var",
    "throw",
    "try",
    "catch",
    "finally",
    "with-effect-handler",
    "letfn",
    "letfn*",
    "case",
    "case*",
    "defmacro",
    "binding",
    "syntax-quote",
    "unquote",
    "unquote-splicing",
    "&",
];

pub struct Compiler<'vm> {
    pub(crate) vm: &'vm mut Vm,
    fns: Vec<FnScope>,
    source: Rc<Source>,
    depth: u32,
}

/// How a symbol resolved.
enum Resolved {
    Local(u16, bool),
    Capture(u16, bool),
    SelfFn,
    Var(Rc<Var>),
}

impl<'vm> Compiler<'vm> {
    pub fn new(vm: &'vm mut Vm, source: Rc<Source>) -> Self {
        Compiler {
            vm,
            fns: Vec::new(),
            source,
            depth: 0,
        }
    }

    /// Compiles a top-level form into a closure of no arguments.
    pub fn compile_toplevel(mut self, form: &Form) -> Result<Rc<Closure>, Error> {
        self.fns.push(FnScope::new("toplevel".into(), None));
        let dst = self.scope().code.alloc_slot();
        self.compile(form, dst, true)?;
        self.emit(Op::Return { src: dst }, form.span);
        let scope = self.fns.pop().expect("toplevel scope");
        let code = scope
            .code
            .finish(0, false, "toplevel".into(), self.source.clone());
        Ok(Rc::new(Closure {
            proto: Rc::new(FnProto {
                name: "toplevel".into(),
                fixed: vec![Rc::new(code)],
                variadic: None,
                captures: Vec::new(),
            }),
            captured: Box::new([]),
            meta: None,
        }))
    }

    fn scope(&mut self) -> &mut FnScope {
        self.fns.last_mut().expect("a fn scope")
    }

    fn emit(&mut self, op: Op, span: Span) -> u32 {
        self.scope().code.emit(op, span)
    }

    fn constant(&mut self, v: Value, dst: Reg, span: Span) {
        let op = match v {
            Value::Nil => Op::Nil { dst },
            Value::Bool(value) => Op::Bool { dst, value },
            Value::Int(i) if i32::try_from(i).is_ok() => Op::Int {
                dst,
                value: i as i32,
            },
            v => {
                let k = self.scope().code.constant(v);
                Op::Const { dst, k }
            }
        };
        self.emit(op, span);
    }

    /// A fresh temporary register (freed by [`Compiler::release`]).
    pub(crate) fn temp(&mut self) -> Reg {
        self.scope().code.alloc_slot()
    }

    /// The first free register; releasing to it frees everything above.
    pub(crate) fn mark(&mut self) -> Reg {
        self.scope().code.next_slot
    }

    pub(crate) fn release(&mut self, mark: Reg) {
        self.scope().code.next_slot = mark;
    }

    /// Compiles `form` so that its value ends up in register `dst`.
    pub(crate) fn compile(&mut self, form: &Form, dst: Reg, tail: bool) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(Error::new(ErrorType::Compile, "code nested too deeply")
                .at(form.span)
                .with_hint(format!(
                    "forms may nest at most {MAX_DEPTH} deep after macro expansion"
                )));
        }
        let mark = self.mark();
        let mut result = crate::value::deep(|| self.compile_inner(form, dst, tail));
        // Temporaries die with the form; `dst` was allocated by the caller.
        self.release(mark);
        if self.scope().code.overflowed && result.is_ok() {
            result = Err(Error::new(ErrorType::Compile, "this fn needs too many registers")
                .at(form.span)
                .with_hint(format!(
                    "a fn may use at most {} locals, parameters and temporaries; build large collections with `into` or `conj` rather than literals, and pass many arguments with `apply`",
                    scope::MAX_REGISTERS
                )));
        }
        self.depth -= 1;
        result.map_err(|e| e.at(form.span))
    }

    fn compile_inner(&mut self, form: &Form, dst: Reg, tail: bool) -> Result<(), Error> {
        let span = form.span;
        match &form.kind {
            FormKind::Symbol(s) => self.compile_symbol(s, dst, span),
            FormKind::Keyword(k) => {
                let v = keyword_value(k, &self.vm.current_ns.name);
                self.constant(v, dst, span);
                Ok(())
            }
            FormKind::List(items) if items.is_empty() => {
                self.constant(Value::list([]), dst, span);
                Ok(())
            }
            FormKind::List(items) => self.compile_list(form, items, dst, tail),
            FormKind::Vector(items) | FormKind::Set(items) if !is_constant(form) => {
                let from = self.compile_consecutive(items)?;
                let n = items.len() as u16;
                let op = match form.kind {
                    FormKind::Vector(_) => Op::Vector { dst, from, n },
                    _ => Op::Set { dst, from, n },
                };
                self.emit(op, span);
                self.with_meta(form, dst)
            }
            FormKind::Map(entries) if !is_constant(form) => {
                let flat: Vec<Form> = entries
                    .iter()
                    .flat_map(|(k, v)| [k.clone(), v.clone()])
                    .collect();
                let from = self.compile_consecutive(&flat)?;
                self.emit(
                    Op::Map {
                        dst,
                        from,
                        n: entries.len() as u16,
                    },
                    span,
                );
                self.with_meta(form, dst)
            }
            _ => self.compile_quoted(form, dst),
        }
    }

    /// Compiles forms into consecutive fresh registers; returns the first.
    pub(crate) fn compile_consecutive(&mut self, forms: &[Form]) -> Result<Reg, Error> {
        let first = self.mark();
        let regs: Vec<Reg> = forms.iter().map(|_| self.temp()).collect();
        for (form, reg) in forms.iter().zip(regs) {
            self.compile(form, reg, false)?;
        }
        Ok(first)
    }

    /// A literal collection with metadata gets it attached at run time.
    fn with_meta(&mut self, form: &Form, dst: Reg) -> Result<(), Error> {
        if let Some(meta) = &form.meta {
            let with_meta = self.core_var("with-meta");
            let var = self.scope().code.var(&with_meta);
            let base = self.temp();
            let meta_reg = self.temp();
            self.emit(
                Op::Move {
                    dst: base,
                    src: dst,
                },
                form.span,
            );
            self.compile(meta, meta_reg, false)?;
            self.emit(
                Op::CallVar {
                    var,
                    base,
                    argc: 2,
                    dst,
                },
                form.span,
            );
        }
        Ok(())
    }

    pub(crate) fn compile_quoted(&mut self, form: &Form, dst: Reg) -> Result<(), Error> {
        let mut spans = Spans::default();
        let v = form_to_value(form, &self.vm.current_ns.name, &mut spans);
        self.constant(v, dst, form.span);
        Ok(())
    }

    fn compile_symbol(&mut self, s: &Symbol, dst: Reg, span: Span) -> Result<(), Error> {
        let resolved = match self.resolve(s, span) {
            // While checking, an unbound symbol is noted and compiled as
            // nil, so that the rest of the form is still checked.
            Err(e) if self.vm.lints.is_some() && e.ty == ErrorType::UnboundSymbol.keyword() => {
                let finding = crate::check::finding_of(&e, span);
                self.vm.lints.get_or_insert_default().push(finding);
                self.constant(Value::Nil, dst, span);
                return Ok(());
            }
            r => r?,
        };
        match resolved {
            Resolved::Local(slot, boxed) => {
                if boxed {
                    self.emit(Op::Deref { dst, src: slot }, span);
                } else if slot != dst {
                    self.emit(Op::Move { dst, src: slot }, span);
                }
            }
            Resolved::Capture(i, boxed) => {
                self.emit(Op::Capture { dst, i }, span);
                if boxed {
                    self.emit(Op::Deref { dst, src: dst }, span);
                }
            }
            Resolved::SelfFn => {
                self.emit(Op::SelfFn { dst }, span);
            }
            Resolved::Var(var) => {
                if var.is_macro.get() {
                    return Err(Error::new(
                        ErrorType::Compile,
                        format!(
                            "cannot take the value of the macro `{}`",
                            var.qualified_name()
                        ),
                    )
                    .at(span)
                    .with_hint("a macro can only be called; use a function if you need a value"));
                }
                let var = self.scope().code.var(&var);
                self.emit(Op::Var { dst, var }, span);
            }
        }
        Ok(())
    }

    /// Resolves a symbol: locals (innermost fn outwards, capturing through
    /// every fn in between), then vars.
    fn resolve(&mut self, s: &Symbol, span: Span) -> Result<Resolved, Error> {
        if s.ns.is_none()
            && let Some(r) = self.resolve_local(self.fns.len() - 1, &s.name)
        {
            if self.vm.facts.is_some()
                && let Some(binding) = self.binding_span(&s.name)
            {
                self.note(|| Fact::LocalRef {
                    at: span,
                    binding,
                    name: s.name.as_str().into(),
                });
            }
            return Ok(r);
        }
        let var = self.resolve_var(s)?.ok_or_else(|| self.unbound(s, span))?;
        self.note_var(&var, span);
        Ok(Resolved::Var(var))
    }

    fn resolve_local(&mut self, level: usize, name: &str) -> Option<Resolved> {
        let scope = &self.fns[level];
        if let Some(local) = scope.find_local(name) {
            return Some(Resolved::Local(local.slot, local.boxed));
        }
        if let Some((i, boxed)) = scope.find_capture(name) {
            return Some(Resolved::Capture(i, boxed));
        }
        if scope.self_name.as_deref() == Some(name) {
            return Some(Resolved::SelfFn);
        }
        if level == 0 {
            return None;
        }
        let (from, boxed) = match self.resolve_local(level - 1, name)? {
            Resolved::Local(slot, boxed) => (CaptureFrom::Slot(slot), boxed),
            Resolved::Capture(i, boxed) => (CaptureFrom::Capture(i), boxed),
            Resolved::SelfFn => (CaptureFrom::SelfFn, false),
            Resolved::Var(_) => return None,
        };
        let scope = &mut self.fns[level];
        scope.captures.push((name.into(), from, boxed));
        Some(Resolved::Capture((scope.captures.len() - 1) as u16, boxed))
    }

    pub(crate) fn is_local(&self, name: &str) -> bool {
        self.fns.iter().any(|f| {
            f.find_local(name).is_some()
                || f.find_capture(name).is_some()
                || f.self_name.as_deref() == Some(name)
        })
    }

    /// The var a symbol names, its definition compiled first if the core
    /// library has not needed it yet.
    pub(crate) fn resolve_var(&mut self, s: &Symbol) -> Result<Option<Rc<Var>>, Error> {
        let var = self.vm.resolve_var(s.ns.as_deref(), &s.name);
        if let Some(v) = &var {
            self.vm.ensure_loaded(v)?;
        }
        Ok(var)
    }

    /// Notes a call of `var` with `argc` arguments that no arity of its
    /// current value takes (while `ww check` compiles).
    fn lint_arity(&mut self, var: &Var, argc: usize, span: Span) {
        let takes = match var.get() {
            Some(Value::Fn(c)) if c.proto.arity(argc).is_none() => c.proto.arities_text(),
            Some(Value::Builtin(b))
                if argc < b.min as usize
                    || (b.max != crate::builtins::MANY && argc > b.max as usize) =>
            {
                crate::builtins::arity_text(b.min, b.max)
            }
            _ => return,
        };
        if let Some(lints) = &mut self.vm.lints {
            lints.push(crate::check::Finding {
                severity: crate::check::Severity::Error,
                code: "glia::check::arity".into(),
                message: format!(
                    "`{}` is called with {} but takes {takes}",
                    var.name,
                    crate::builtins::plural(argc, "argument")
                ),
                span,
                hint: Some(format!("see (doc {})", var.name)),
            });
        }
    }

    fn core_var(&self, name: &str) -> Rc<Var> {
        self.vm.core.intern(name)
    }

    fn unbound(&self, s: &Symbol, span: Span) -> Error {
        let name = glia_syntax::printer::str(&Form::new(FormKind::Symbol(s.clone()), span));
        let mut candidates: Vec<String> = self
            .fns
            .iter()
            .flat_map(|f| f.locals.iter().map(|l| l.name.to_string()))
            .collect();
        candidates.extend(
            self.vm
                .current_ns
                .mappings
                .borrow()
                .keys()
                .map(|k| k.to_string()),
        );
        candidates.extend(self.vm.core.mappings.borrow().keys().map(|k| k.to_string()));
        candidates.extend(
            SPECIAL_FORMS
                .iter()
                .filter(|s| **s != "&")
                .map(|s| s.to_string()),
        );
        // A suggestion must be closer than the name is long (no `&` for `x`).
        let best = candidates
            .iter()
            .filter(|c| **c != s.name)
            .map(|c| (strsim::damerau_levenshtein(c, &s.name), c))
            .filter(|(d, _)| *d <= 2.max(s.name.len() / 4) && *d < s.name.len())
            .min();
        let error = Error::new(
            ErrorType::UnboundSymbol,
            format!("unable to resolve symbol `{name}` in this context"),
        )
        .at(span)
        .with_data(Value::symbol(s.ns.as_deref(), &s.name));
        match best {
            Some((_, c)) => error.with_hint(format!("did you mean `{c}`?")),
            None => error.with_hint("define it with `def` or `defn` first, or bind it with `let`"),
        }
    }

    fn compile_list(
        &mut self,
        form: &Form,
        items: &[Form],
        dst: Reg,
        tail: bool,
    ) -> Result<(), Error> {
        let head = &items[0];
        let args = &items[1..];
        let span = form.span;
        let argc = u16::try_from(args.len()).map_err(|_| {
            Error::new(ErrorType::Compile, "too many arguments in one call")
                .at(span)
                .with_hint("pass a collection instead (at most 65535 arguments)")
        })?;
        if let FormKind::Symbol(s) = &head.kind {
            let local = s.ns.is_none() && self.is_local(&s.name);
            if s.ns.is_none()
                && !local
                && let Some(result) = self.compile_special(&s.name, form, args, dst, tail)
            {
                return result;
            }
            if !local && let Some(var) = self.resolve_var(s)? {
                self.note_var(&var, head.span);
                if var.is_macro.get() {
                    let expansion = self.expand_macro(&var, form)?;
                    return self.compile(&expansion, dst, tail);
                }
                if self.vm.lints.is_some() {
                    self.lint_arity(&var, args.len(), span);
                }
                if let Some(op) = intrinsic(&var, args.len()) {
                    return self.compile_intrinsic(op, args, dst, span);
                }
                if let Ok(argc) = u8::try_from(argc) {
                    let var = self.scope().code.var(&var);
                    let start = self.scope().code.ops.len();
                    let base = self.compile_consecutive(args)?;
                    if tail && !self.scope().code.calls_not_tail {
                        scope_moves(&mut self.scope().code, start, 0);
                        self.emit(
                            Op::TailCallVar {
                                var,
                                base,
                                argc,
                                dst,
                            },
                            span,
                        );
                    } else {
                        self.emit(
                            Op::CallVar {
                                var,
                                base,
                                argc,
                                dst,
                            },
                            span,
                        );
                    }
                    return Ok(());
                }
            }
        }
        let start = self.scope().code.ops.len();
        let base = self.compile_consecutive(items)?;
        if tail && !self.scope().code.calls_not_tail {
            scope_moves(&mut self.scope().code, start, 0);
            self.emit(Op::TailCall { base, argc, dst }, span);
        } else {
            self.emit(Op::Call { base, argc, dst }, span);
        }
        Ok(())
    }

    fn compile_intrinsic(
        &mut self,
        op: Intrinsic,
        args: &[Form],
        dst: Reg,
        span: Span,
    ) -> Result<(), Error> {
        match op {
            Intrinsic::Bin(op) => {
                let a = self.operand(&args[0])?;
                let b = self.operand(&args[1])?;
                let fused = match (a.kind(), int_literal(&args[1])) {
                    (OperandKind::Local(a), Some(b)) => Op::BinLI { op, dst, a, b },
                    _ => Op::Bin { op, dst, a, b },
                };
                self.emit(fused, span);
            }
            Intrinsic::Un(op) => {
                let a = self.operand(&args[0])?;
                self.emit(Op::Unary { op, dst, a }, span);
            }
        }
        Ok(())
    }

    /// An operand for an intrinsic: a register, constant or immediate read
    /// in place when the form is that simple, else a temporary holding the
    /// form's value. (Reading a local late is sound: nothing can rebind a
    /// register in scope while a later operand is computed.)
    fn operand(&mut self, form: &Form) -> Result<Operand, Error> {
        let direct = match &form.kind {
            FormKind::Int(i) => Operand::imm(*i).or_else(|| {
                let i = self.scope().code.constant(Value::Int(*i));
                Operand::constant(i)
            }),
            FormKind::Float(_)
            | FormKind::Str(_)
            | FormKind::Keyword(_)
            | FormKind::Nil
            | FormKind::Bool(_)
                if form.meta.is_none() =>
            {
                let mut spans = Spans::default();
                let v = form_to_value(form, &self.vm.current_ns.name, &mut spans);
                let i = self.scope().code.constant(v);
                Operand::constant(i)
            }
            FormKind::Symbol(Symbol { ns: None, name }) => match self.scope().find_local(name) {
                Some(l) if !l.boxed => {
                    let (slot, binding) = (l.slot, l.span);
                    self.note(|| Fact::LocalRef {
                        at: form.span,
                        binding,
                        name: name.as_str().into(),
                    });
                    Operand::local(slot)
                }
                _ => None,
            },
            _ => None,
        };
        match direct {
            Some(o) => Ok(o),
            None => {
                let t = self.temp();
                self.compile(form, t, false)?;
                Operand::local(t).ok_or_else(|| {
                    Error::new(ErrorType::Compile, "too many locals in one fn").at(form.span)
                })
            }
        }
    }

    /// For `if`: a test that is an inlined comparison compiles to one fused
    /// compare-and-branch. Returns the branch to patch, if it did.
    pub(crate) fn compile_fused_test(&mut self, test: &Form) -> Result<Option<u32>, Error> {
        let FormKind::List(items) = &test.kind else {
            return Ok(None);
        };
        let Some(FormKind::Symbol(s)) = items.first().map(|h| &h.kind) else {
            return Ok(None);
        };
        if items.len() != 3 || (s.ns.is_none() && self.is_local(&s.name)) {
            return Ok(None);
        }
        let Some(var) = self.resolve_var(s)? else {
            return Ok(None);
        };
        let Some(Intrinsic::Bin(op)) =
            intrinsic(&var, 2).filter(|i| matches!(i, Intrinsic::Bin(b) if b.is_test()))
        else {
            return Ok(None);
        };
        let mark = self.mark();
        let a = self.operand(&items[1])?;
        let b = self.operand(&items[2])?;
        self.release(mark);
        let fused = match (a.kind(), int_literal(&items[2])) {
            (OperandKind::Local(a), Some(b)) => Op::JumpUnlessLI {
                op,
                a,
                b,
                target: 0,
            },
            _ => Op::JumpUnless {
                op,
                a,
                b,
                target: 0,
            },
        };
        Ok(Some(self.emit(fused, test.span)))
    }

    /// Runs a macro at compile time, with the same VM as everything else.
    fn expand_macro(&mut self, var: &Rc<Var>, form: &Form) -> Result<Form, Error> {
        let Some(f) = var.get() else {
            return Err(Error::new(
                ErrorType::UnboundSymbol,
                format!(
                    "the macro `{}` is declared but has no definition",
                    var.qualified_name()
                ),
            )
            .at(form.span));
        };
        let mut spans = Spans::default();
        let ns = self.vm.current_ns.name.clone();
        let whole = form_to_value(form, &ns, &mut spans);
        let FormKind::List(items) = &form.kind else {
            unreachable!()
        };
        let mut args = vec![whole, self.env_value()];
        args.extend(items[1..].iter().map(|a| form_to_value(a, &ns, &mut spans)));
        // A macro may build its expansion with lazy seqs (`map`, `concat`):
        // they are realized before the expansion becomes a form.
        let result = self
            .vm
            .call_value(&f, args)
            .and_then(|v| self.vm.call_value(&crate::builtins::realize_all(), vec![v]));
        let result = result.map_err(|e| {
            let mut err = Error::new(
                ErrorType::Compile,
                format!("macro `{}` failed: {}", var.qualified_name(), e.message()),
            )
            .at(form.span);
            err.hint = e.hint().or(Some(
                "the error happened while the macro was expanding".into(),
            ));
            // Keep the cause's type (an arity error stays an arity error).
            if let Some(ty) = e.type_keyword() {
                err.ty = ty.clone();
                if ty.name() == "arity" && e.trace.borrow().len() <= 1 {
                    err.message = format!(
                        "wrong number of arguments ({}) passed to the macro `{}`",
                        items.len() - 1,
                        var.qualified_name()
                    );
                    // Its fn also takes `&form` and `&env`, which the user
                    // does not pass.
                    if let Value::Fn(c) = &f {
                        err.hint = Some(format!("it takes {}", c.proto.arities_text_less(2)));
                    }
                }
            }
            // The cause's own data says what the macro objected to.
            err.data = e.get("data").cloned();
            err
        })?;
        value_to_form(&result, form.span, &spans)
    }

    /// `&env`: a map from each local's symbol to nil.
    fn env_value(&self) -> Value {
        let mut map = crate::value::Map::default();
        for f in &self.fns {
            for l in &f.locals {
                map.insert(Value::symbol(None, &l.name), Value::Nil);
            }
        }
        Value::Map(Rc::new(map))
    }

    /// Expands the head of `form` until it is no macro call, counting the
    /// steps against `budget` (a macro that expands to its own call would
    /// otherwise never stop). `Ok(None)` when `form` is no macro call.
    pub(crate) fn macroexpand_all(
        &mut self,
        form: &Form,
        budget: &mut usize,
    ) -> Result<Option<Form>, Error> {
        let mut current: Option<Form> = None;
        loop {
            let next = self.macroexpand_1(current.as_ref().unwrap_or(form))?;
            match next {
                Some(f) => {
                    if *budget == 0 {
                        return Err(Error::new(ErrorType::Compile, "macro expansion does not terminate")
                            .at(form.span)
                            .with_hint(format!(
                                "a macro kept expanding to another macro call ({MAX_EXPANSIONS} steps); look for a macro that expands to its own call"
                            )));
                    }
                    *budget -= 1;
                    current = Some(f);
                }
                None => return Ok(current),
            }
        }
    }

    pub(crate) fn macroexpand_1(&mut self, form: &Form) -> Result<Option<Form>, Error> {
        let FormKind::List(items) = &form.kind else {
            return Ok(None);
        };
        let Some(FormKind::Symbol(s)) = items.first().map(|h| &h.kind) else {
            return Ok(None);
        };
        if s.ns.is_none() && (SPECIAL_FORMS.contains(&s.name.as_str()) || self.is_local(&s.name)) {
            return Ok(None);
        }
        match self.resolve_var(s)? {
            Some(var) if var.is_macro.get() => {
                self.note_var(&var, items[0].span);
                self.expand_macro(&var, form).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Turns a fn scope, already popped, and its compiled arities into a
    /// prototype.
    fn finish_fn(&mut self, scope: FnScope, arities: Vec<Code>) -> Rc<FnProto> {
        let mut fixed = Vec::new();
        let mut variadic = None;
        for code in arities {
            if code.variadic {
                variadic = Some(Rc::new(code));
            } else {
                fixed.push(Rc::new(code));
            }
        }
        Rc::new(FnProto {
            name: scope.name.clone(),
            fixed,
            variadic,
            captures: scope.captures.iter().map(|(_, from, _)| *from).collect(),
        })
    }

    fn push_local(&mut self, name: &str, slot: u16, boxed: bool, span: Span) {
        self.note(|| Fact::Local {
            name: name.into(),
            span,
        });
        self.scope().locals.push(Local {
            name: name.into(),
            slot,
            boxed,
            span,
        });
    }

    /// Records an analysis fact, when the embedding asked for them.
    fn note(&mut self, fact: impl FnOnce() -> Fact) {
        if let Some(facts) = &mut self.vm.facts {
            facts.push(fact());
        }
    }

    /// Where the local `name` that code here sees is bound.
    fn binding_span(&self, name: &str) -> Option<Span> {
        self.fns
            .iter()
            .rev()
            .find_map(|f| match f.find_local(name) {
                Some(local) => Some(local.span),
                None if f.self_name.as_deref() == Some(name) => f.self_span,
                None => None,
            })
    }

    fn note_var(&mut self, var: &Var, at: Span) {
        self.note(|| Fact::VarRef {
            at,
            ns: var.ns.clone(),
            name: var.name.clone(),
        });
    }
}

/// Rewrites, in the code emitted since `start`, the copy of each register
/// `>= first` that is that register's only read there (and not inside a
/// loop there) into a move. Sound because those registers are dead once
/// that code completes: a `recur` rebinds them, a tail call discards the
/// frame.
pub(crate) fn scope_moves(code: &mut scope::Emitter, start: usize, first: u16) {
    use std::collections::HashMap;
    let range = &code.ops[start..];
    // Code inside a backward jump's span runs repeatedly: never move there.
    let mut looping = vec![false; range.len()];
    for (i, op) in range.iter().enumerate() {
        if let Op::Jump { target: t } | Op::Recur { target: t, .. } = op {
            let t = *t as usize;
            if t >= start && t - start <= i {
                looping[t - start..=i].iter_mut().for_each(|l| *l = true);
            }
        }
    }
    // Per register: how many reads, and where the one movable copy is.
    let mut reads: HashMap<u16, (usize, Option<usize>)> = HashMap::new();
    let mut read = |reg: u16, movable_at: Option<usize>| {
        let entry = reads.entry(reg).or_insert((0, None));
        entry.0 += if movable_at.is_some() { 1 } else { 2 };
        entry.1 = movable_at;
    };
    let local = |o: &Operand| match o.kind() {
        OperandKind::Local(r) => Some(r),
        _ => None,
    };
    for (i, op) in range.iter().enumerate() {
        match op {
            Op::Move { src, .. } => read(*src, (!looping[i]).then_some(i)),
            Op::Take { src, .. }
            | Op::Deref { src, .. }
            | Op::JumpIfFalse { src, .. }
            | Op::Case { src, .. }
            | Op::Throw { src }
            | Op::Return { src }
            | Op::Def { src, .. } => read(*src, None),
            Op::SetCell { cell, src } => {
                read(*cell, None);
                read(*src, None);
            }
            Op::Bin { a, b, .. } | Op::JumpUnless { a, b, .. } => {
                for r in [a, b].into_iter().filter_map(local) {
                    read(r, None);
                }
            }
            Op::Unary { a, .. } => {
                if let Some(r) = local(a) {
                    read(r, None);
                }
            }
            Op::BinLI { a, .. } | Op::JumpUnlessLI { a, .. } => read(*a, None),
            Op::Closure { f, .. } => {
                for from in &code.fns[*f as usize].captures {
                    if let CaptureFrom::Slot(r) = from {
                        read(*r, None);
                    }
                }
            }
            _ => {}
        }
    }
    for (reg, (count, at)) in reads {
        if let (true, 1, Some(i)) = (reg >= first, count, at)
            && let Op::Move { dst, src } = code.ops[start + i]
        {
            code.ops[start + i] = Op::Take { dst, src };
        }
    }
}

/// An integer literal that fits an `i32` immediate.
fn int_literal(form: &Form) -> Option<i32> {
    match form.kind {
        FormKind::Int(i) => i32::try_from(i).ok(),
        _ => None,
    }
}

/// Whether a literal collection contains only constants (then it is built
/// once, at compile time).
fn is_constant(form: &Form) -> bool {
    form.meta.is_none()
        && match &form.kind {
            FormKind::Symbol(_) | FormKind::List(_) => false,
            FormKind::Vector(items) | FormKind::Set(items) => items.iter().all(is_constant),
            FormKind::Map(entries) => entries
                .iter()
                .all(|(k, v)| is_constant(k) && is_constant(v)),
            _ => true,
        }
}

/// A core fn the compiler inlines.
#[derive(Clone, Copy)]
pub(crate) enum Intrinsic {
    Bin(BinOp),
    Un(UnOp),
}

/// The inlined op for a call to an unshadowed core fn, if it has one.
pub(crate) fn intrinsic(var: &Var, argc: usize) -> Option<Intrinsic> {
    if &*var.ns != crate::CORE_NS {
        return None;
    }
    let Some(Value::Builtin(b)) = var.get() else {
        return None;
    };
    if *b.name != *var.name {
        return None;
    }
    Some(match (&*var.name, argc) {
        ("+", 2) => Intrinsic::Bin(BinOp::Add),
        ("-", 2) => Intrinsic::Bin(BinOp::Sub),
        ("*", 2) => Intrinsic::Bin(BinOp::Mul),
        ("<", 2) => Intrinsic::Bin(BinOp::Lt),
        (">", 2) => Intrinsic::Bin(BinOp::Gt),
        ("<=", 2) => Intrinsic::Bin(BinOp::Le),
        (">=", 2) => Intrinsic::Bin(BinOp::Ge),
        ("==", 2) => Intrinsic::Bin(BinOp::NumEq),
        ("=", 2) => Intrinsic::Bin(BinOp::Equiv),
        ("inc", 1) => Intrinsic::Un(UnOp::Inc),
        ("dec", 1) => Intrinsic::Un(UnOp::Dec),
        _ => return None,
    })
}
