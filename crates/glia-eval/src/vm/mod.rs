//! The VM: a register machine whose call stack lives on the heap.
//!
//! `stack` holds every frame's registers (parameters, locals and
//! temporaries, a call's callee and arguments at the top); `frames` records
//! where each frame's window begins and ends and where to resume. Glia calls never recurse on the native stack, so recursion
//! depth is bounded only by [`Limits::max_depth`], and the frames between a
//! handler and the code that raised are plain data, ready to be captured as
//! a continuation (the effects layer builds on this).

pub(crate) mod call;
pub mod effects;
mod host;
pub mod trace;

pub use host::{Answer, Exit};
mod chunks;
pub(crate) mod fast;
mod intops;
pub mod limits;
pub mod realize;

use std::rc::Rc;

use crate::chunk::{BinOp, CaptureFrom, Closure, Code, Op, Operand, OperandKind, Reg, UnOp};
use crate::error::{Error, ErrorType, Exception, TraceFrame};
use crate::namespace::{Namespace, Namespaces, Var};
use crate::value::{self, Map, Num, Set, Value, Vec_};

use intops::{IntResult, int_bin, int_test, int_unary};
pub use limits::{Exceeded, Limits, charge};
use limits::{Meter, TICK};

/// A running call. Its registers are `stack[base..top]`; registers at or
/// above the innermost frame's `top` own nothing (nil or immediates).
#[derive(Debug)]
pub(crate) struct Frame {
    pub closure: Rc<Closure>,
    /// The arity running (kept here so that resuming a frame needs no
    /// arity lookup).
    pub code: Rc<Code>,
    pub ip: u32,
    pub base: u32,
    pub top: u32,
    /// The caller's register that receives the result.
    pub ret: u32,
}

#[derive(Debug)]
struct Handler {
    frames: usize,
    ip: u32,
    /// The register that receives the exception.
    ex: usize,
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

/// Values that own nothing.
#[inline(always)]
fn is_immediate(v: &Value) -> bool {
    matches!(
        v,
        Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Double(_) | Value::Char(_)
    )
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

/// The closure a (non-dynamic) var holds: the fast path of a global call.
#[inline(always)]
fn closure_of(var: &Var) -> Option<Rc<Closure>> {
    if var.dynamic.get() {
        return None;
    }
    match &*var.root.borrow() {
        Some(Value::Fn(c)) => Some(c.clone()),
        _ => None,
    }
}

/// The builtin a (non-dynamic) var holds.
#[inline(always)]
fn builtin_of(var: &Var) -> Option<&'static crate::builtins::Builtin> {
    if var.dynamic.get() {
        return None;
    }
    match &*var.root.borrow() {
        Some(Value::Builtin(b)) => Some(b),
        _ => None,
    }
}

/// The integer an operand holds, if it holds one (`intops::operand_int` for a
/// frame at `base` of the whole stack).
#[inline(always)]
fn int_of(o: Operand, stack: &[Value], base: usize, code: &Code) -> Option<i64> {
    let v = match o.kind() {
        OperandKind::Imm(i) => return Some(i64::from(i)),
        OperandKind::Local(r) => &stack[base + r as usize],
        OperandKind::Const(k) => &code.consts[k as usize],
    };
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

/// An operand's value (immediates materialised).
fn imm_or(o: Operand, v: &Value) -> Value {
    match o.kind() {
        OperandKind::Imm(i) => Value::Int(i64::from(i)),
        _ => v.clone(),
    }
}

fn slow_test(op: BinOp, a: &Value, b: &Value) -> Result<bool, Error> {
    match op {
        BinOp::Equiv => Ok(a == b),
        _ => value::compare_op(op.name(), a, b),
    }
}

fn slow_bin(op: BinOp, a: &Value, b: &Value) -> Result<Value, Error> {
    match op {
        BinOp::Add => value::arith(Num::Add, a, b, false),
        BinOp::Sub => value::arith(Num::Sub, a, b, false),
        BinOp::Mul => value::arith(Num::Mul, a, b, false),
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
    /// Installed `with-effect-handler`s and running effect handlers, in
    /// stack order (see `effects`).
    effect_handlers: Vec<effects::EffectHandler>,
    handlings: Vec<effects::Handling>,
    trampolines: effects::Trampolines,
    /// The suspended call from the embedding and the effect it waits on
    /// (see `host`).
    host_call: Option<host::Call>,
    host_wait: Option<host::Wait>,
    /// Whether an effect no Glia handler takes suspends the run (a call
    /// from `call_host`) instead of raising.
    suspendable: bool,
    /// Watches effects (see `trace`).
    tracer: Option<trace::Installed>,
    /// A resumed continuation nobody kept, for the next perform to reuse.
    spare_cont: Option<Rc<effects::Continuation>>,
    /// The first frame of the innermost `run`: handlers below it belong to
    /// a run suspended on the native stack and cannot be reached.
    floor: usize,
    meter: Meter,
    tick: u32,
    /// Modules being loaded (`require`), by handle.
    loads: Vec<(i64, crate::builtins::Load)>,
    next_load: i64,
    /// While `ww check` compiles: what the compiler notices that is not an
    /// error (calls with an argument count the callee does not take).
    pub(crate) lints: Option<Vec<crate::check::Finding>>,
    /// While an analysis compiles: what each symbol means (see [`crate::Fact`]).
    pub(crate) facts: Option<Vec<crate::check::Fact>>,
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
            effect_handlers: Vec::new(),
            handlings: Vec::new(),
            trampolines: effects::Trampolines::new(),
            spare_cont: None,
            tracer: None,
            host_call: None,
            host_wait: None,
            suspendable: false,
            floor: 0,
            tick: TICK,
            loads: Vec::new(),
            next_load: 0,
            lints: None,
            facts: None,
        }
    }

    pub fn next_gensym(&mut self) -> u64 {
        self.gensym_counter += 1;
        self.gensym_counter
    }

    /// Registers a module to load; returns its handle.
    pub(crate) fn begin_load(&mut self, load: crate::builtins::Load) -> i64 {
        self.next_load += 1;
        self.loads.push((self.next_load, load));
        self.next_load
    }

    pub(crate) fn load_mut(&mut self, id: i64) -> Option<&mut crate::builtins::Load> {
        self.loads
            .iter_mut()
            .find(|(i, _)| *i == id)
            .map(|(_, l)| l)
    }

    pub(crate) fn end_load(&mut self, id: i64) {
        self.loads.retain(|(i, _)| *i != id);
    }

    /// Resets the meters for a new evaluation.
    pub(crate) fn start_evaluation(&mut self) {
        // Loads an earlier evaluation abandoned (an error inside a module).
        self.loads.clear();
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
                let target = crate::namespace::canonical(&target);
                self.namespaces
                    .get(&target)?
                    .lookup(name)
                    .filter(|v| *v.ns == *target)
            }
            None => self
                .current_ns
                .lookup(name)
                .or_else(|| self.core.lookup(name)),
        }
    }

    /// Calls `f` with `args` from Rust (macros at compile time, the
    /// embedding). Runs to completion on this VM's heap stack; an effect no
    /// Glia handler takes is an error here (see [`Vm::call_host`] for
    /// calls that hand such effects to the embedding).
    pub fn call_value(&mut self, f: &Value, args: Vec<Value>) -> Result<Value, Raised> {
        let (call, started) = self.begin_call(f, args);
        let outcome = match started {
            Ok(true) => self.run(call.entry_frames),
            Ok(false) => Ok(std::mem::take(&mut self.stack[call.at])),
            Err(e) => Err(self.raise_out(e)),
        };
        self.end_call(call, outcome)
    }

    /// Places the arguments and enters `f`: the first half of a call from
    /// Rust. `Ok(true)`: a frame runs next.
    fn begin_call(&mut self, f: &Value, args: Vec<Value>) -> (host::Call, Result<bool, Error>) {
        let call = host::Call {
            entry_frames: self.frames.len(),
            bindings: self.bindings.len(),
            marks: self.binding_marks.len(),
            // Registers above the innermost frame's window are free (nil).
            at: self.frames.last().map_or(0, |f| f.top as usize),
            argc: args.len(),
            floor: self.floor,
        };
        self.ensure(call.at + call.argc + 1);
        for (i, a) in args.into_iter().enumerate() {
            self.stack[call.at + i] = a;
        }
        self.floor = call.entry_frames;
        let started = self.invoke(f.clone(), call.argc, call.at, call.at);
        (call, started)
    }

    /// The second half: restores what the call changed and cleans up after
    /// an error.
    fn end_call(
        &mut self,
        call: host::Call,
        outcome: Result<Value, Raised>,
    ) -> Result<Value, Raised> {
        self.floor = call.floor;
        // Frames that returned cleared their own windows; an error leaves
        // the windows of the frames it abandoned, the innermost on top.
        let mut dirty = call.at + call.argc + 1;
        if outcome.is_err() {
            if self.frames.len() > call.entry_frames {
                dirty = dirty.max(self.innermost_top());
            }
            self.unwind_to(call.entry_frames);
            // `binding` forms the error left early are over.
            self.bindings.truncate(call.bindings);
            self.binding_marks.truncate(call.marks);
        }
        self.clear(call.at, dirty);
        outcome
    }

    /// Makes the stack at least `len` registers long.
    pub(crate) fn ensure(&mut self, len: usize) {
        if self.stack.len() < len {
            self.stack.resize(len, Value::Nil);
        }
    }

    /// The end of the innermost frame's window: no register above it owns
    /// anything, so clearing up to it (not the whole stack, which a deep
    /// recursion once grew) releases everything a run left behind.
    fn innermost_top(&self) -> usize {
        self.frames.last().map_or(0, |f| f.top as usize)
    }

    /// Gives back the memory of a stack a deep recursion grew, once no
    /// frame is running.
    pub(crate) fn trim_stack(&mut self) {
        const KEEP: usize = 1 << 16;
        if self.frames.is_empty() && self.stack.len() > KEEP {
            self.stack.truncate(KEEP);
            self.stack.shrink_to_fit();
        }
    }

    fn unwind_to(&mut self, frames: usize) {
        self.frames.truncate(frames);
        self.handlers.retain(|h| h.frames <= frames);
        self.unwind_effects(frames);
    }

    /// Converts an error raised outside any frame into an exception.
    fn raise_out(&mut self, e: Error) -> Raised {
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
            if self.trampolines.holds(&f.closure) {
                // The owner frame's `with-effect-handler` form stands for it.
                continue;
            }
            let code = &f.code;
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
    #[cold]
    #[inline(never)]
    fn throw(&mut self, thrown: Value, entry_frames: usize) -> Result<(), Raised> {
        let ex = match thrown {
            Value::Error(ex) => ex,
            // Any value may be thrown; a non-exception travels wrapped.
            other => {
                let mut e = Error::new(
                    ErrorType::ExInfo,
                    format!("thrown: {}", value::pr_str(&other)),
                );
                e.data = Some(other);
                Rc::new(Exception::from_error(e))
            }
        };
        self.record_trace(&ex);
        // The innermost `try` in scope: one inside a suspended segment (a
        // body whose effect handler is running) cannot see the throw.
        let catcher = if ex.limit {
            None
        } else {
            self.handlers
                .iter()
                .rposition(|h| self.try_in_scope(h.frames - 1))
                .filter(|&i| self.handlers[i].frames > entry_frames)
        };
        // `throw` performs `:glia.exception`: a handler for it inside that
        // `try` takes the exception first.
        if !ex.limit && !ex.abort {
            let try_frame = catcher.map(|i| self.handlers[i].frames - 1);
            match self.throw_to_handler(&ex, try_frame) {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(e) => return self.raise(e, entry_frames),
            }
        }
        if let Some(i) = catcher {
            let h = self.handlers.remove(i);
            self.handlers.retain(|t| t.frames <= h.frames);
            let dirty = self.innermost_top();
            self.frames.truncate(h.frames);
            // The catching frame's own `with-effect-handler`, if the throw
            // left its body, is over too.
            self.unwind_effects(h.frames - 1);
            let top = self.innermost_top();
            self.clear(top, dirty);
            self.bindings.truncate(h.bindings);
            self.binding_marks.truncate(h.binding_marks);
            self.set(h.ex, Value::Error(ex));
            self.frames.last_mut().expect("handler frame").ip = h.ip;
            return Ok(());
        }
        Err(ex)
    }

    #[cold]
    #[inline(never)]
    fn raise(&mut self, mut e: Error, entry_frames: usize) -> Result<(), Raised> {
        if self.host_wait.is_some() {
            // Not an error: a perform suspended the run for the embedding
            // (`host`). Leaving through the error path keeps the check off
            // the interpreter loop; `run_host` tells the two apart.
            return Err(Rc::new(Exception::from_error(e)));
        }
        let thrown = match e.thrown.take() {
            Some(v) => v,
            None => Value::Error(Rc::new(Exception::from_error(e))),
        };
        self.throw(thrown, entry_frames)
    }

    pub(crate) fn lookup_var(&self, var: &Rc<Var>) -> Result<Value, Error> {
        if var.dynamic.get()
            && let Some((_, v)) = self
                .bindings
                .iter()
                .enumerate()
                .rev()
                .find(|(i, (b, _))| Rc::ptr_eq(b, var) && self.binding_in_scope(*i))
                .map(|(_, b)| b)
        {
            return Ok(v.clone());
        }
        var.get().ok_or_else(|| {
            Error::new(
                ErrorType::UnboundSymbol,
                format!(
                    "`{}` is declared but has no value yet",
                    var.qualified_name()
                ),
            )
            .with_hint(format!(
                "define it with (def {} ...) before this runs",
                var.name
            ))
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
        // Throws `v` from the running frame, leaving the run if nothing in
        // it catches.
        macro_rules! throw {
            ($v:expr, $frame:lifetime) => {{
                if let Err(raised) = self.throw($v, entry_frames) {
                    self.tick = tick;
                    return Err(raised);
                }
                continue $frame;
            }};
        }
        // Returns `v` from the running frame, leaving the run if that was
        // its entry frame.
        macro_rules! ret {
            ($v:expr, $frame:lifetime) => {{
                if let Some(v) = self.return_value($v, entry_frames) {
                    self.tick = tick;
                    return Ok(v);
                }
                continue $frame;
            }};
        }
        macro_rules! operand {
            ($o:expr, $base:expr, $code:expr) => {
                match $o.kind() {
                    OperandKind::Local(r) => &self.stack[$base + r as usize],
                    OperandKind::Const(k) => &$code.consts[k as usize],
                    OperandKind::Imm(_) => &Value::Nil,
                }
            };
        }
        'frame: loop {
            let frame = self.frames.last().expect("a frame to run");
            let code = frame.code.clone();
            let code = &*code;
            let base = frame.base as usize;
            let mut ip = frame.ip as usize;
            // Fuel is charged where control can come back: at a frame
            // (re)entry (one unit) and at a backward jump (the ops jumped
            // over). Code between those points runs once, so every
            // instruction executed is charged, within a bounded slack.
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
            // `=` compiled inline meets a lazy seq: realize it, then run
            // the op again.
            macro_rules! realize_then_again {
                ($x:expr, $y:expr, $ip:expr) => {
                    self.frames.last_mut().expect("frame").ip = ($ip - 1) as u32;
                    match self.realize_operands($x, $y) {
                        Ok(false) => {}
                        Ok(true) => continue 'frame,
                        Err(e) => fail!(e, $ip, 'frame),
                    }
                };
            }
            let top = frame.top as usize;
            loop {
                let op = &code.ops[ip];
                ip += 1;
                match *op {
                    Op::Const { dst, k } => {
                        let v = code.consts[k as usize].clone();
                        self.set(base + dst as usize, v);
                    }
                    Op::Nil { dst } => self.set(base + dst as usize, Value::Nil),
                    Op::Bool { dst, value } => self.set(base + dst as usize, Value::Bool(value)),
                    Op::Int { dst, value } => self.set_int(base + dst as usize, i64::from(value)),
                    Op::Move { dst, src } => match self.stack[base + src as usize] {
                        Value::Int(i) => self.set_int(base + dst as usize, i),
                        ref other => {
                            let v = other.clone();
                            self.set(base + dst as usize, v);
                        }
                    },
                    Op::Take { dst, src } => {
                        let v = std::mem::take(&mut self.stack[base + src as usize]);
                        self.set(base + dst as usize, v);
                    }
                    Op::Capture { dst, i } => {
                        let running = &self.frames.last().expect("frame").closure;
                        let v = fast_clone(&running.captured[i as usize]);
                        self.set(base + dst as usize, v);
                    }
                    Op::SelfFn { dst } => {
                        let running = self.frames.last().expect("frame").closure.clone();
                        self.set(base + dst as usize, Value::Fn(running));
                    }
                    Op::Var { dst, var } => match self.lookup_var(&code.vars[var as usize]) {
                        Ok(v) => self.set(base + dst as usize, v),
                        Err(e) => fail!(e, ip, 'frame),
                    },
                    Op::VarRef { dst, var } => {
                        let v = Value::Var(code.vars[var as usize].clone());
                        self.set(base + dst as usize, v);
                    }
                    Op::Def { var, src, dst } => {
                        let v = self.stack[base + src as usize].clone();
                        let var = &code.vars[var as usize];
                        var.set(v);
                        // A def replaces a macro of the same name (defmacro
                        // sets the flag again right after).
                        var.is_macro.set(false);
                        self.set(base + dst as usize, Value::Var(var.clone()));
                    }
                    Op::SetMacro { var } => code.vars[var as usize].is_macro.set(true),
                    Op::Deref { dst, src } => {
                        let v = match &self.stack[base + src as usize] {
                            Value::Var(cell) => cell.get().unwrap_or_default(),
                            other => other.clone(),
                        };
                        self.set(base + dst as usize, v);
                    }
                    Op::NewCell { dst } => {
                        let cell = Var::new("letfn".into(), "cell".into());
                        self.set(base + dst as usize, Value::Var(Rc::new(cell)));
                    }
                    Op::SetCell { cell, src } => {
                        let v = self.stack[base + src as usize].clone();
                        if let Value::Var(cell) = &self.stack[base + cell as usize] {
                            cell.set(v);
                        }
                    }
                    Op::Jump { target } => {
                        if (target as usize) < ip {
                            charge_fuel!(ip - target as usize);
                        }
                        ip = target as usize;
                    }
                    Op::JumpIfFalse { src, target } => {
                        if !self.stack[base + src as usize].is_truthy() {
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
                    Op::JumpUnless { op, a, b, target } => {
                        let holds = match (
                            int_of(a, &self.stack, base, code),
                            int_of(b, &self.stack, base, code),
                        ) {
                            (Some(x), Some(y)) => int_test(op, x, y),
                            _ => {
                                let (x, y) = (operand!(a, base, code), operand!(b, base, code));
                                let (x, y) = (imm_or(a, x), imm_or(b, y));
                                if op == BinOp::Equiv {
                                    realize_then_again!(&x, &y, ip);
                                }
                                match slow_test(op, &x, &y) {
                                    Ok(r) => r,
                                    Err(e) => fail!(e, ip, 'frame),
                                }
                            }
                        };
                        if !holds {
                            ip = target as usize;
                        }
                    }
                    Op::BinLI { op, dst, a, b } => {
                        let x = &self.stack[base + a as usize];
                        let fast = match x {
                            Value::Int(x) => int_bin(op, *x, i64::from(b)),
                            _ => None,
                        };
                        match fast {
                            Some(r) => self.set_int_result(base + dst as usize, r),
                            None => match slow_bin(op, x, &Value::Int(i64::from(b))) {
                                Ok(r) => self.set(base + dst as usize, r),
                                Err(e) => fail!(e, ip, 'frame),
                            },
                        }
                    }
                    Op::Bin { op, dst, a, b } => {
                        let fast = match (
                            int_of(a, &self.stack, base, code),
                            int_of(b, &self.stack, base, code),
                        ) {
                            (Some(x), Some(y)) => int_bin(op, x, y),
                            _ => None,
                        };
                        match fast {
                            Some(r) => self.set_int_result(base + dst as usize, r),
                            None => {
                                let (x, y) = (operand!(a, base, code), operand!(b, base, code));
                                let (x, y) = (imm_or(a, x), imm_or(b, y));
                                if op == BinOp::Equiv {
                                    realize_then_again!(&x, &y, ip);
                                }
                                match slow_bin(op, &x, &y) {
                                    Ok(r) => self.set(base + dst as usize, r),
                                    Err(e) => fail!(e, ip, 'frame),
                                }
                            }
                        }
                    }
                    Op::Unary { op, dst, a } => {
                        let fast =
                            int_of(a, &self.stack, base, code).and_then(|x| int_unary(op, x));
                        match fast {
                            Some(r) => self.set_int(base + dst as usize, r),
                            None => {
                                let x = imm_or(a, operand!(a, base, code));
                                let (name, num) = if op == UnOp::Inc {
                                    ("inc", Num::Add)
                                } else {
                                    ("dec", Num::Sub)
                                };
                                match value::arith_as(name, num, &x, &Value::Int(1), false) {
                                    Ok(r) => self.set(base + dst as usize, r),
                                    Err(e) => fail!(e, ip, 'frame),
                                }
                            }
                        }
                    }
                    Op::Call { base: b, argc, dst } => {
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        let at = base + b as usize;
                        let callee = std::mem::take(&mut self.stack[at]);
                        let called = match callee {
                            Value::Fn(c) => self
                                .enter_fast(c, argc as usize, at + 1, base + dst as usize)
                                .map(|()| true),
                            other => self.invoke(other, argc as usize, at + 1, base + dst as usize),
                        };
                        match called {
                            Ok(true) => continue 'frame,
                            Ok(false) => {}
                            Err(e) => fail!(e, ip, 'frame),
                        }
                    }
                    Op::CallVar {
                        var,
                        base: b,
                        argc,
                        dst,
                    } => {
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        let var = &code.vars[var as usize];
                        let (args_at, ret) = (base + b as usize, base + dst as usize);
                        let called = match closure_of(var) {
                            Some(c) => self
                                .enter_fast(c, argc as usize, args_at, ret)
                                .map(|()| true),
                            None => self.call_var(var, argc as usize, args_at, ret),
                        };
                        match called {
                            Ok(true) => continue 'frame,
                            Ok(false) => {}
                            Err(e) => fail!(e, ip, 'frame),
                        }
                    }
                    Op::TailCall { base: b, argc, dst } => {
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        let at = base + b as usize;
                        let callee = std::mem::take(&mut self.stack[at]);
                        match self.invoke_tail(callee, argc as usize, at + 1, base + dst as usize) {
                            Ok(true) => continue 'frame,
                            Ok(false) => {}
                            Err(e) => fail!(e, ip, 'frame),
                        }
                    }
                    Op::TailCallVar {
                        var,
                        base: b,
                        argc,
                        dst,
                    } => {
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        let callee = match self.lookup_var(&code.vars[var as usize]) {
                            Ok(f) => f,
                            Err(e) => fail!(e, ip, 'frame),
                        };
                        match self.invoke_tail(
                            callee,
                            argc as usize,
                            base + b as usize,
                            base + dst as usize,
                        ) {
                            Ok(true) => continue 'frame,
                            Ok(false) => {}
                            Err(e) => fail!(e, ip, 'frame),
                        }
                    }
                    Op::Return { src } => {
                        let v = std::mem::take(&mut self.stack[base + src as usize]);
                        ret!(v, 'frame)
                    }
                    Op::Recur {
                        first,
                        from,
                        n,
                        target,
                        fast,
                    } => {
                        for i in 0..n as usize {
                            let src = base + from as usize + i;
                            match self.stack[src] {
                                // Integers are copied (the temporary is dead anyway).
                                Value::Int(v) => self.set_int(base + first as usize + i, v),
                                _ => {
                                    let v = std::mem::take(&mut self.stack[src]);
                                    self.set(base + first as usize + i, v);
                                }
                            }
                        }
                        charge_fuel!(ip - target as usize);
                        ip = target as usize;
                        // A loop of register code runs in the fast loop
                        // from its back edge on; it hands back the first op
                        // it does not handle.
                        if fast {
                            let (at, exit) = fast::run(
                                &mut self.stack[base..top],
                                &code.ops,
                                &code.consts,
                                ip,
                                &mut tick,
                            );
                            ip = at;
                            if exit == fast::Exit::Fuel {
                                tick = 1;
                                charge_fuel!(1);
                            }
                        }
                    }
                    Op::Closure { dst, f } => {
                        let running = self.frames.last().expect("frame").closure.clone();
                        if let Err(e) = self.make_closure(&running, code, base, dst, f) {
                            fail!(e, ip, 'frame);
                        }
                    }
                    Op::Vector { dst, from, n } => {
                        if let Err(e) = self.make_vector(base, dst, from, n) {
                            fail!(e, ip, 'frame);
                        }
                    }
                    Op::Map { dst, from, n } => {
                        if let Err(e) = self.make_map(base, dst, from, n) {
                            fail!(e, ip, 'frame);
                        }
                    }
                    Op::Set { dst, from, n } => {
                        if let Err(e) = self.make_set(base, dst, from, n) {
                            fail!(e, ip, 'frame);
                        }
                    }
                    Op::Case {
                        src,
                        table,
                        has_default,
                    } => {
                        let Value::Map(t) = &code.consts[table as usize] else {
                            unreachable!()
                        };
                        let v = &self.stack[base + src as usize];
                        match t.get(v) {
                            Some(Value::Int(target)) => ip = *target as usize,
                            _ if has_default => {}
                            _ => fail!(
                                Error::illegal_argument(format!("no matching clause: {}", value::pr_str(v)))
                                    .with_hint("add a default result as the last form of the case"),
                                ip, 'frame
                            ),
                        }
                    }
                    Op::Try { target, ex } => self.handlers.push(Handler {
                        frames: self.frames.len(),
                        ip: target,
                        ex: base + ex as usize,
                        bindings: self.bindings.len(),
                        binding_marks: self.binding_marks.len(),
                    }),
                    Op::EndTry => {
                        self.handlers.pop();
                    }
                    Op::Throw { src } => {
                        let v = self.stack[base + src as usize].clone();
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        throw!(v, 'frame)
                    }
                    Op::PushBindings { first_var, from, n } => {
                        self.binding_marks.push(self.bindings.len());
                        for i in 0..n as usize {
                            let v = std::mem::take(&mut self.stack[base + from as usize + i]);
                            self.bindings
                                .push((code.vars[first_var as usize + i].clone(), v));
                        }
                    }
                    Op::Handle { base: b, dst } => {
                        self.frames.last_mut().expect("frame").ip = ip as u32;
                        match self.handle(base + b as usize, base + dst as usize) {
                            Ok(true) => continue 'frame,
                            Ok(false) => {}
                            Err(e) => fail!(e, ip, 'frame),
                        }
                    }
                    Op::Unhandle => self.unhandle(),
                    Op::HandlerReturn => {
                        // Taken first: an abort moves this frame's registers.
                        let v = std::mem::take(&mut self.stack[base]);
                        match self.handler_returned(v) {
                            Ok(v) => ret!(v, 'frame),
                            // An aborted body unwinds through its `finally`s.
                            Err(signal) => throw!(Value::Error(signal), 'frame),
                        }
                    }
                    Op::AbortDone => match self.abort_done() {
                        Some(thrown) => throw!(thrown, 'frame),
                        None => continue 'frame,
                    },
                    Op::ChunkStep => match self.chunk_step() {
                        Ok(()) => continue 'frame,
                        Err(e) => fail!(e, ip, 'frame),
                    },
                    Op::Realized => match self.realized() {
                        Ok(()) => continue 'frame,
                        Err(e) => fail!(e, ip, 'frame),
                    },
                    Op::ResumeDone => {
                        self.unhandle();
                        self.frames.pop();
                        continue 'frame;
                    }
                    Op::PopBindings => {
                        let mark = self.binding_marks.pop().unwrap_or(0);
                        self.bindings.truncate(mark);
                    }
                }
            }
        }
    }

    // The constructors below are out of line so that the interpreter loop
    // stays small enough for its state to live in machine registers.

    #[inline(never)]
    fn make_closure(
        &mut self,
        running: &Rc<Closure>,
        code: &Code,
        base: usize,
        dst: Reg,
        f: u32,
    ) -> Result<(), Error> {
        let proto = code.fns[f as usize].clone();
        let captured: Box<[Value]> = proto
            .captures
            .iter()
            .map(|c| match c {
                CaptureFrom::Slot(s) => self.stack[base + *s as usize].clone(),
                CaptureFrom::Capture(j) => running.captured[*j as usize].clone(),
                CaptureFrom::SelfFn => Value::Fn(running.clone()),
            })
            .collect();
        charge(48 + 16 * captured.len())?;
        let f = Closure {
            proto,
            captured,
            meta: None,
        };
        self.set(base + dst as usize, Value::Fn(Rc::new(f)));
        Ok(())
    }

    #[inline(never)]
    fn make_vector(&mut self, base: usize, dst: Reg, from: Reg, n: u16) -> Result<(), Error> {
        charge(64 + 16 * n as usize)?;
        let at = base + from as usize;
        let items = self.stack[at..at + n as usize]
            .iter_mut()
            .map(std::mem::take)
            .collect();
        self.set(
            base + dst as usize,
            Value::Vector(Rc::new(Vec_ { items, meta: None })),
        );
        Ok(())
    }

    #[inline(never)]
    fn make_map(&mut self, base: usize, dst: Reg, from: Reg, n: u16) -> Result<(), Error> {
        charge(64 + 32 * n as usize)?;
        let at = base + from as usize;
        let mut map = Map::default();
        for i in 0..n as usize {
            let k = std::mem::take(&mut self.stack[at + 2 * i]);
            let v = std::mem::take(&mut self.stack[at + 2 * i + 1]);
            map.insert(k, v);
        }
        self.set(base + dst as usize, Value::Map(Rc::new(map)));
        Ok(())
    }

    #[inline(never)]
    fn make_set(&mut self, base: usize, dst: Reg, from: Reg, n: u16) -> Result<(), Error> {
        charge(64 + 32 * n as usize)?;
        let at = base + from as usize;
        let set: Set = self.stack[at..at + n as usize]
            .iter_mut()
            .map(std::mem::take)
            .collect();
        self.set(base + dst as usize, Value::Set(Rc::new(set)));
        Ok(())
    }

    /// Stores into a register, dropping what it held.
    #[inline(always)]
    fn set(&mut self, i: usize, v: Value) {
        set_slot(&mut self.stack[i], v);
    }

    /// Stores an integer; into a register that holds one (the common case
    /// in loops) only the payload is written.
    #[inline(always)]
    fn set_int(&mut self, i: usize, v: i64) {
        match &mut self.stack[i] {
            Value::Int(x) => *x = v,
            slot => set_slot(slot, Value::Int(v)),
        }
    }

    #[inline(always)]
    fn set_int_result(&mut self, i: usize, r: IntResult) {
        match r {
            IntResult::Int(v) => self.set_int(i, v),
            IntResult::Bool(b) => match &mut self.stack[i] {
                Value::Bool(x) => *x = b,
                slot => set_slot(slot, Value::Bool(b)),
            },
        }
    }

    /// Releases what registers `from..to` (a dead frame's window) hold.
    /// Immediates may stay: they own nothing.
    pub(crate) fn clear(&mut self, from: usize, to: usize) {
        let to = to.min(self.stack.len());
        if from < to {
            for v in &mut self.stack[from..to] {
                if !is_immediate(v) {
                    *v = Value::Nil;
                }
            }
        }
    }

    /// Pops the running frame and clears its registers; `v` goes to the
    /// caller's destination register. Returns `Some(v)` when that frame was
    /// the entry frame of this run. Always inlined: it is the hot half of
    /// every call.
    #[inline(always)]
    fn return_value(&mut self, v: Value, entry_frames: usize) -> Option<Value> {
        let frame = self.frames.pop().expect("frame to return from");
        self.clear(frame.base as usize, frame.top as usize);
        if self.frames.len() == entry_frames {
            return Some(v);
        }
        self.set(frame.ret as usize, v);
        None
    }
}
