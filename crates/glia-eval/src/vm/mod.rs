//! The VM: a stack machine whose call stack lives on the heap.
//!
//! `stack` holds every frame's slots (parameters and locals) followed by
//! its operands; `frames` records where each frame's slots begin and where
//! to resume. Glia calls never recurse on the native stack, so recursion
//! depth is bounded only by [`Limits::max_depth`], and the frames between a
//! handler and the code that raised are plain data, ready to be captured as
//! a continuation (the effects layer builds on this).

pub(crate) mod call;
pub mod limits;

use std::rc::Rc;

use crate::chunk::{ArityIndex, BinOp, CaptureFrom, Closure, Code, Op, Operand, OperandKind, UnOp};
use crate::error::{Error, ErrorType, Exception, TraceFrame};
use crate::namespace::{Namespace, Namespaces, Var};
use crate::value::{self, Map, Num, Set, Value, Vec_};

pub use limits::{Exceeded, Limits, charge};
use limits::{Meter, TICK};

#[derive(Debug)]
pub(crate) struct Frame {
    pub closure: Rc<Closure>,
    pub arity: ArityIndex,
    pub ip: u32,
    /// Stack index of slot 0.
    pub base: u32,
    /// Stack height to return to (the callee's own position, if it was on
    /// the stack).
    pub ret: u32,
}

#[derive(Debug)]
struct Handler {
    frames: usize,
    sp: usize,
    ip: u32,
    bindings: usize,
    binding_marks: usize,
}

/// A copy of a value; integers (the common case in hot loops) without a
/// call into the general clone.
#[inline(always)]
fn fast_clone(v: &Value) -> Value {
    match v {
        Value::Int(i) => Value::Int(*i),
        other => other.clone(),
    }
}

/// Drops a value, skipping the drop glue for immediates.
#[inline(always)]
fn drop_value(v: Value) {
    match v {
        Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Double(_) | Value::Char(_) => {
            std::mem::forget(v)
        }
        other => drop(other),
    }
}

#[inline(always)]
fn set_slot(slot: &mut Value, v: Value) {
    drop_value(std::mem::replace(slot, v));
}

#[inline(always)]
fn int_test(op: BinOp, x: i64, y: i64) -> bool {
    match op {
        BinOp::Lt => x < y,
        BinOp::Gt => x > y,
        BinOp::Le => x <= y,
        BinOp::Ge => x >= y,
        _ => x == y,
    }
}

#[inline(always)]
fn int_bin(op: BinOp, x: i64, y: i64) -> Option<Value> {
    Some(match op {
        BinOp::Add => Value::Int(x.checked_add(y)?),
        BinOp::Sub => Value::Int(x.checked_sub(y)?),
        BinOp::Mul => Value::Int(x.checked_mul(y)?),
        test => Value::Bool(int_test(test, x, y)),
    })
}

fn slow_test(op: BinOp, a: &Value, b: &Value) -> Result<bool, Error> {
    match op {
        BinOp::Equiv => Ok(a == b),
        _ => value::compare_op(op.name(), a, b),
    }
}

fn slow_bin(op: BinOp, a: &Value, b: &Value) -> Result<Value, Error> {
    match op {
        BinOp::Add => value::arith_op(Num::Add, a, b),
        BinOp::Sub => value::arith_op(Num::Sub, a, b),
        BinOp::Mul => value::arith_op(Num::Mul, a, b),
        test => slow_test(test, a, b).map(Value::Bool),
    }
}

/// A raised exception on its way to a handler (or out of the evaluation).
pub type Raised = Rc<Exception>;

#[derive(Debug)]
pub struct Vm {
    pub namespaces: Namespaces,
    pub core: Rc<Namespace>,
    pub current_ns: Rc<Namespace>,
    pub gensym_counter: u64,
    pub limits: Limits,
    stack: Vec<Value>,
    frames: Vec<Frame>,
    handlers: Vec<Handler>,
    /// Dynamic bindings, innermost last; `binding_marks` delimit `binding` forms.
    bindings: Vec<(Rc<Var>, Value)>,
    binding_marks: Vec<usize>,
    meter: Meter,
    tick: u32,
}

impl Vm {
    pub(crate) fn bare() -> Vm {
        let mut namespaces = Namespaces::default();
        let core = namespaces.get_or_create(crate::CORE_NS);
        let user = namespaces.get_or_create("user");
        let limits = Limits::default();
        Vm {
            namespaces,
            core,
            current_ns: user,
            gensym_counter: 0,
            meter: Meter::start(&limits),
            limits,
            stack: Vec::new(),
            frames: Vec::new(),
            handlers: Vec::new(),
            bindings: Vec::new(),
            binding_marks: Vec::new(),
            tick: TICK,
        }
    }

    pub fn next_gensym(&mut self) -> u64 {
        self.gensym_counter += 1;
        self.gensym_counter
    }

    /// Resets the meters for a new evaluation.
    pub(crate) fn start_evaluation(&mut self) {
        self.meter = Meter::start(&self.limits);
        self.tick = self.meter.fuel_left.min(u64::from(TICK)) as u32;
    }

    /// The var a symbol names: `ns/name` through an alias or a namespace's
    /// full name (`clojure.core` is `glia.core`); a plain name in the
    /// current namespace, then in `glia.core`.
    pub fn resolve_var(&self, ns: Option<&str>, name: &str) -> Option<Rc<Var>> {
        match ns {
            Some(ns) => {
                let target = self
                    .current_ns
                    .aliases
                    .borrow()
                    .get(ns)
                    .cloned()
                    .unwrap_or_else(|| ns.into());
                let target = if &*target == "clojure.core" { crate::CORE_NS.into() } else { target };
                self.namespaces.get(&target)?.lookup(name).filter(|v| *v.ns == *target)
            }
            None => self
                .current_ns
                .lookup(name)
                .or_else(|| self.core.lookup(name)),
        }
    }

    /// Calls `f` with `args` from Rust (macros at compile time, the
    /// embedding). Runs to completion on this VM's heap stack.
    pub fn call_value(&mut self, f: &Value, args: Vec<Value>) -> Result<Value, Raised> {
        let entry_frames = self.frames.len();
        let entry_sp = self.stack.len();
        let argc = args.len();
        self.stack.extend(args);
        let outcome = match self.invoke(f.clone(), argc, entry_sp, entry_sp) {
            Ok(true) => self.run(entry_frames),
            Ok(false) => Ok(self.stack.pop().unwrap_or_default()),
            Err(e) => Err(self.raise_out(e, entry_frames)),
        };
        if outcome.is_err() {
            self.unwind_to(entry_frames, entry_sp);
        }
        outcome
    }

    fn unwind_to(&mut self, frames: usize, sp: usize) {
        self.frames.truncate(frames);
        self.stack.truncate(sp);
        self.handlers.retain(|h| h.frames <= frames);
    }

    /// Converts an error raised outside any frame into an exception.
    fn raise_out(&mut self, e: Error, _entry: usize) -> Raised {
        let ex = Rc::new(Exception::from_error(e));
        self.record_trace(&ex);
        ex
    }

    fn record_trace(&self, ex: &Exception) {
        let mut trace = ex.trace.borrow_mut();
        if !trace.is_empty() {
            return;
        }
        for f in self.frames.iter().rev() {
            let code = f.closure.proto.code(f.arity);
            let i = (f.ip as usize).saturating_sub(1);
            if let Some(span) = code.spans.get(i) {
                trace.push(TraceFrame {
                    function: code.name.clone(),
                    source: code.source.clone(),
                    span: *span,
                });
            }
        }
    }

    /// Turns `thrown` into the exception `try` sees and transfers control
    /// to the innermost handler of this run. `Err` when none can take it.
    fn throw(&mut self, thrown: Value, entry_frames: usize) -> Result<(), Raised> {
        let ex = match thrown {
            Value::Error(ex) => ex,
            // Any value may be thrown; a non-exception travels wrapped.
            other => {
                let mut e = Error::new(ErrorType::ExInfo, format!("thrown: {}", value::pr_str(&other)));
                e.data = Some(other);
                Rc::new(Exception::from_error(e))
            }
        };
        self.record_trace(&ex);
        let catchable = !ex
            .type_keyword()
            .is_some_and(|k| k.ns() == Some("glia.error") && Exceeded::is_limit_type(k.name()));
        if catchable {
            if let Some(h) = self.handlers.last() {
                if h.frames > entry_frames {
                    let h = self.handlers.pop().expect("handler");
                    self.frames.truncate(h.frames);
                    self.stack.truncate(h.sp);
                    self.bindings.truncate(h.bindings);
                    self.binding_marks.truncate(h.binding_marks);
                    self.stack.push(Value::Error(ex));
                    self.frames.last_mut().expect("handler frame").ip = h.ip;
                    return Ok(());
                }
            }
        }
        Err(ex)
    }

    fn raise(&mut self, e: Error, entry_frames: usize) -> Result<(), Raised> {
        self.throw(Value::Error(Rc::new(Exception::from_error(e))), entry_frames)
    }

    fn lookup_var(&self, var: &Rc<Var>) -> Result<Value, Error> {
        if var.dynamic.get() {
            if let Some((_, v)) = self.bindings.iter().rev().find(|(b, _)| Rc::ptr_eq(b, var)) {
                return Ok(v.clone());
            }
        }
        var.get().ok_or_else(|| {
            Error::new(
                ErrorType::UnboundSymbol,
                format!("`{}` is declared but has no value yet", var.qualified_name()),
            )
            .with_hint(format!("define it with (def {} ...) before this runs", var.name))
        })
    }

    /// Executes until the frame count drops back to `entry_frames`; returns
    /// the value the entry frame returned.
    pub(crate) fn run(&mut self, entry_frames: usize) -> Result<Value, Raised> {
        // The instruction budget lives in a register while running.
        let mut tick = self.tick;
        macro_rules! fail {
            ($err:expr, $ip:expr, $frame:lifetime) => {{
                let err: Error = $err;
                self.frames.last_mut().expect("frame").ip = $ip as u32;
                if let Err(raised) = self.raise(err, entry_frames) {
                    self.tick = tick;
                    return Err(raised);
                }
                continue $frame;
            }};
        }
        macro_rules! fetch {
            ($o:expr, $base:expr, $code:expr) => {
                match $o.kind() {
                    OperandKind::Stack => self.pop(),
                    OperandKind::Local(s) => fast_clone(&self.stack[$base + s as usize]),
                    OperandKind::Const(i) => fast_clone(&$code.consts[i as usize]),
                    OperandKind::Imm(i) => Value::Int(i64::from(i)),
                }
            };
        }
        'frame: loop {
            let frame = self.frames.last().expect("a frame to run");
            let closure = frame.closure.clone();
            let code = closure.proto.code(frame.arity);
            let base = frame.base as usize;
            let mut ip = frame.ip as usize;
            // Fuel is charged where control can come back: at a call (one
            // unit) and at a backward jump (the ops jumped over). Code
            // between those points runs once, so every instruction executed
            // is charged, within a bounded slack.
            macro_rules! charge_fuel {
                ($n:expr) => {
                    tick = tick.saturating_sub($n as u32);
                    if tick == 0 {
                        match self.meter.refill(self.meter.pending, &self.limits) {
                            Ok(t) => tick = t,
                            Err(exceeded) => {
                                tick = 1;
                                fail!(exceeded.error(&self.limits), ip, 'frame)
                            }
                        }
                    }
                };
            }
            charge_fuel!(1);
            loop {
                let op = code.ops[ip];
                ip += 1;
                match op {
                    Op::Const(i) => self.stack.push(code.consts[i as usize].clone()),
                    Op::Nil => self.stack.push(Value::Nil),
                    Op::True => self.stack.push(Value::Bool(true)),
                    Op::False => self.stack.push(Value::Bool(false)),
                    Op::Int(i) => self.stack.push(Value::Int(i64::from(i))),
                    Op::Local(s) => {
                        let v = fast_clone(&self.stack[base + s as usize]);
                        self.stack.push(v);
                    }
                    Op::MoveLocal(s) => {
                        let v = std::mem::take(&mut self.stack[base + s as usize]);
                        self.stack.push(v);
                    }
                    Op::SetLocal(s) => {
                        let v = self.pop();
                        set_slot(&mut self.stack[base + s as usize], v);
                    }
                    Op::Capture(i) => self.stack.push(fast_clone(&closure.captured[i as usize])),
                    Op::SelfFn => self.stack.push(Value::Fn(closure.clone())),
                    Op::Var(i) => match self.lookup_var(&code.vars[i as usize]) {
                        Ok(v) => self.stack.push(v),
                        Err(e) => fail!(e, ip, 'frame),
                    },
                    Op::VarRef(i) => self.stack.push(Value::Var(code.vars[i as usize].clone())),
                    Op::Def(i) => {
                        let v = self.pop();
                        let var = &code.vars[i as usize];
                        var.set(v);
                        self.stack.push(Value::Var(var.clone()));
                    }
                    Op::SetMacro(i) => code.vars[i as usize].is_macro.set(true),
                    Op::Deref => {
                        if let Some(Value::Var(var)) = self.stack.last() {
                            let v = var.get().unwrap_or_default();
                            *self.stack.last_mut().expect("value") = v;
                        }
                    }
                    Op::NewCell => {
                        let cell = Var::new("letfn".into(), "cell".into());
                        self.stack.push(Value::Var(Rc::new(cell)));
                    }
                    Op::SetCell(s) => {
                        let v = self.pop();
                        if let Value::Var(cell) = &self.stack[base + s as usize] {
                            cell.set(v);
                        }
                    }
                    Op::Pop => {
                        let v = self.pop();
                        drop_value(v);
                    }
                    Op::Jump(t) => {
                        if (t as usize) < ip {
                            charge_fuel!(ip - t as usize);
                        }
                        ip = t as usize;
                    }
                    Op::JumpIfFalse(t) => {
                        if !self.pop().is_truthy() {
                            ip = t as usize;
                        }
                    }
                    Op::JumpUnless { op, a, b, target } => {
                        let holds = match self.int_operands(a, b, base, code) {
                            Some((x, y)) => {
                                self.pop_operands(a == Operand::STACK, b == Operand::STACK);
                                int_test(op, x, y)
                            }
                            None => {
                                let b = fetch!(b, base, code);
                                let a = fetch!(a, base, code);
                                match slow_test(op, &a, &b) {
                                    Ok(r) => r,
                                    Err(e) => fail!(e, ip, 'frame),
                                }
                            }
                        };
                        if !holds {
                            ip = target as usize;
                        }
                    }
                    Op::Bin { op, a, b } => {
                        let fast = self.int_operands(a, b, base, code).and_then(|(x, y)| int_bin(op, x, y));
                        let r = match fast {
                            Some(r) => {
                                self.pop_operands(a == Operand::STACK, b == Operand::STACK);
                                r
                            }
                            None => {
                                let b = fetch!(b, base, code);
                                let a = fetch!(a, base, code);
                                match slow_bin(op, &a, &b) {
                                    Ok(r) => r,
                                    Err(e) => fail!(e, ip, 'frame),
                                }
                            }
                        };
                        self.stack.push(r);
                    }
                    Op::JumpUnlessLL { op, a, b, target } => {
                        let holds = match (&self.stack[base + a as usize], &self.stack[base + b as usize]) {
                            (Value::Int(x), Value::Int(y)) => int_test(op, *x, *y),
                            (x, y) => match slow_test(op, x, y) {
                                Ok(r) => r,
                                Err(e) => fail!(e, ip, 'frame),
                            },
                        };
                        if !holds {
                            ip = target as usize;
                        }
                    }
                    Op::JumpUnlessLI { op, a, b, target } => {
                        let holds = match &self.stack[base + a as usize] {
                            Value::Int(x) => int_test(op, *x, i64::from(b)),
                            x => match slow_test(op, x, &Value::Int(i64::from(b))) {
                                Ok(r) => r,
                                Err(e) => fail!(e, ip, 'frame),
                            },
                        };
                        if !holds {
                            ip = target as usize;
                        }
                    }
                    Op::BinLL { op, a, b } => {
                        let (x, y) = (&self.stack[base + a as usize], &self.stack[base + b as usize]);
                        let fast = match (x, y) {
                            (Value::Int(x), Value::Int(y)) => int_bin(op, *x, *y),
                            _ => None,
                        };
                        let r = match fast {
                            Some(r) => r,
                            None => match slow_bin(op, x, y) {
                                Ok(r) => r,
                                Err(e) => fail!(e, ip, 'frame),
                            },
                        };
                        self.stack.push(r);
                    }
                    Op::BinLI { op, a, b } => {
                        let x = &self.stack[base + a as usize];
                        let fast = match x {
                            Value::Int(x) => int_bin(op, *x, i64::from(b)),
                            _ => None,
                        };
                        let r = match fast {
                            Some(r) => r,
                            None => match slow_bin(op, x, &Value::Int(i64::from(b))) {
                                Ok(r) => r,
                                Err(e) => fail!(e, ip, 'frame),
                            },
                        };
                        self.stack.push(r);
                    }
                    Op::UnaryL { op, a } => {
                        let delta = if op == UnOp::Inc { 1 } else { -1 };
                        let x = &self.stack[base + a as usize];
                        let fast = match x {
                            Value::Int(x) => x.checked_add(delta),
                            _ => None,
                        };
                        let r = match fast {
                            Some(r) => Value::Int(r),
                            None => {
                                let num = if op == UnOp::Inc { Num::Add } else { Num::Sub };
                                match value::arith_op(num, x, &Value::Int(1)) {
                                    Ok(r) => r,
                                    Err(e) => fail!(e, ip, 'frame),
                                }
                            }
                        };
                        self.stack.push(r);
                    }
                    Op::Unary { op, a } => {
                        let delta = if op == UnOp::Inc { 1 } else { -1 };
                        let fast = self
                            .int_operand(a, base, code)
                            .and_then(|x| x.checked_add(delta));
                        let r = match fast {
                            Some(r) => {
                                self.pop_operands(a == Operand::STACK, false);
                                Value::Int(r)
                            }
                            None => {
                                let a = fetch!(a, base, code);
                                let num = if op == UnOp::Inc { Num::Add } else { Num::Sub };
                                match value::arith_op(num, &a, &Value::Int(1)) {
                                    Ok(r) => r,
                                    Err(e) => fail!(e, ip, 'frame),
                                }
                            }
                        };
                        self.stack.push(r);
                    }
                    Op::Call(argc) => {
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        let args_at = self.stack.len() - argc as usize;
                        let callee = std::mem::take(&mut self.stack[args_at - 1]);
                        match self.invoke(callee, argc as usize, args_at, args_at - 1) {
                            Ok(true) => continue 'frame,
                            Ok(false) => {}
                            Err(e) => fail!(e, ip, 'frame),
                        }
                    }
                    Op::CallVar { var, argc } => {
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        let callee = match self.lookup_var(&code.vars[var as usize]) {
                            Ok(f) => f,
                            Err(e) => fail!(e, ip, 'frame),
                        };
                        let args_at = self.stack.len() - argc as usize;
                        match self.invoke(callee, argc as usize, args_at, args_at) {
                            Ok(true) => continue 'frame,
                            Ok(false) => {}
                            Err(e) => fail!(e, ip, 'frame),
                        }
                    }
                    Op::TailCall(argc) => {
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        let args_at = self.stack.len() - argc as usize;
                        let callee = std::mem::take(&mut self.stack[args_at - 1]);
                        match self.invoke_tail(callee, argc as usize, args_at, args_at - 1) {
                            Ok(true) => continue 'frame,
                            Ok(false) => {}
                            Err(e) => fail!(e, ip, 'frame),
                        }
                    }
                    Op::TailCallVar { var, argc } => {
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        let callee = match self.lookup_var(&code.vars[var as usize]) {
                            Ok(f) => f,
                            Err(e) => fail!(e, ip, 'frame),
                        };
                        let args_at = self.stack.len() - argc as usize;
                        match self.invoke_tail(callee, argc as usize, args_at, args_at) {
                            Ok(true) => continue 'frame,
                            Ok(false) => {}
                            Err(e) => fail!(e, ip, 'frame),
                        }
                    }
                    Op::Return => {
                        let v = self.pop();
                        if let Some(v) = self.return_value(v, entry_frames) {
                            self.tick = tick;
                            return Ok(v);
                        }
                        continue 'frame;
                    }
                    Op::Recur { first, n, target } => {
                        let slot = base + first as usize;
                        for i in (0..n as usize).rev() {
                            let v = self.pop();
                            set_slot(&mut self.stack[slot + i], v);
                        }
                        charge_fuel!(ip - target as usize);
                        ip = target as usize;
                    }
                    Op::Closure(i) => {
                        let proto = code.fns[i as usize].clone();
                        let captured: Box<[Value]> = proto
                            .captures
                            .iter()
                            .map(|c| match c {
                                CaptureFrom::Slot(s) => self.stack[base + *s as usize].clone(),
                                CaptureFrom::Capture(j) => closure.captured[*j as usize].clone(),
                                CaptureFrom::SelfFn => Value::Fn(closure.clone()),
                            })
                            .collect();
                        if let Err(e) = charge(48 + 16 * captured.len()) {
                            fail!(e, ip, 'frame);
                        }
                        self.stack.push(Value::Fn(Rc::new(Closure { proto, captured, meta: None })));
                    }
                    Op::Vector(n) => {
                        let at = self.stack.len() - n as usize;
                        if let Err(e) = charge(64 + 16 * n as usize) {
                            fail!(e, ip, 'frame);
                        }
                        let items = self.stack.drain(at..).collect();
                        self.stack.push(Value::Vector(Rc::new(Vec_ { items, meta: None })));
                    }
                    Op::Map(n) => {
                        let at = self.stack.len() - 2 * n as usize;
                        if let Err(e) = charge(64 + 32 * n as usize) {
                            fail!(e, ip, 'frame);
                        }
                        let mut map = Map::default();
                        let mut items = self.stack.drain(at..);
                        while let (Some(k), Some(v)) = (items.next(), items.next()) {
                            map.insert(k, v);
                        }
                        drop(items);
                        self.stack.push(Value::Map(Rc::new(map)));
                    }
                    Op::Set(n) => {
                        let at = self.stack.len() - n as usize;
                        if let Err(e) = charge(64 + 32 * n as usize) {
                            fail!(e, ip, 'frame);
                        }
                        let set: Set = self.stack.drain(at..).collect();
                        self.stack.push(Value::Set(Rc::new(set)));
                    }
                    Op::Case { table, has_default } => {
                        let v = self.pop();
                        let Value::Map(t) = &code.consts[table as usize] else { unreachable!() };
                        match t.get(&v) {
                            Some(Value::Int(target)) => ip = *target as usize,
                            _ if has_default => {}
                            _ => fail!(
                                Error::illegal_argument(format!("no matching clause: {}", value::pr_str(&v)))
                                    .with_hint("add a default result as the last form of the case"),
                                ip, 'frame
                            ),
                        }
                    }
                    Op::Try(target) => self.handlers.push(Handler {
                        frames: self.frames.len(),
                        sp: self.stack.len(),
                        ip: target,
                        bindings: self.bindings.len(),
                        binding_marks: self.binding_marks.len(),
                    }),
                    Op::EndTry => {
                        self.handlers.pop();
                    }
                    Op::Throw => {
                        let v = self.pop();
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        if let Err(raised) = self.throw(v, entry_frames) {
                            self.tick = tick;
                            return Err(raised);
                        }
                        continue 'frame;
                    }
                    Op::PushBindings { first_var, n } => {
                        self.binding_marks.push(self.bindings.len());
                        let at = self.stack.len() - n as usize;
                        let values: Vec<Value> = self.stack.drain(at..).collect();
                        for (i, v) in values.into_iter().enumerate() {
                            self.bindings.push((code.vars[first_var as usize + i].clone(), v));
                        }
                    }
                    Op::PopBindings => {
                        let mark = self.binding_marks.pop().unwrap_or(0);
                        self.bindings.truncate(mark);
                    }
                }
            }
        }
    }

    /// The integer an operand holds, if it is one, without consuming it.
    #[inline(always)]
    fn int_operand_at(&self, o: Operand, depth: usize, base: usize, code: &Code) -> Option<i64> {
        let v = match o.kind() {
            OperandKind::Imm(i) => return Some(i64::from(i)),
            OperandKind::Stack => &self.stack[self.stack.len() - 1 - depth],
            OperandKind::Local(s) => &self.stack[base + s as usize],
            OperandKind::Const(i) => &code.consts[i as usize],
        };
        match v {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    #[inline(always)]
    fn int_operand(&self, a: Operand, base: usize, code: &Code) -> Option<i64> {
        self.int_operand_at(a, 0, base, code)
    }

    /// Both operands as integers, if they are (consuming nothing).
    #[inline(always)]
    fn int_operands(&self, a: Operand, b: Operand, base: usize, code: &Code) -> Option<(i64, i64)> {
        let y = self.int_operand_at(b, 0, base, code)?;
        let x = self.int_operand_at(a, usize::from(b == Operand::STACK), base, code)?;
        Some((x, y))
    }

    /// Pops integer operands, which need no drop.
    #[inline(always)]
    fn pop_operands(&mut self, a: bool, b: bool) {
        for _ in 0..(usize::from(a) + usize::from(b)) {
            if let Some(v) = self.stack.pop() {
                drop_value(v);
            }
        }
    }

    /// Shrinks the stack, skipping drop glue for immediates.
    #[inline(always)]
    fn truncate(&mut self, len: usize) {
        while self.stack.len() > len {
            if let Some(v) = self.stack.pop() {
                drop_value(v);
            }
        }
    }

    fn pop(&mut self) -> Value {
        self.stack.pop().expect("operand stack underflow")
    }

    /// Pops the running frame, leaving `v` as the caller's operand. Returns
    /// `Some(v)` when that frame was the entry frame of this run.
    fn return_value(&mut self, v: Value, entry_frames: usize) -> Option<Value> {
        let frame = self.frames.pop().expect("frame to return from");
        self.truncate(frame.ret as usize);
        if self.frames.len() == entry_frames {
            return Some(v);
        }
        self.stack.push(v);
        None
    }
}
