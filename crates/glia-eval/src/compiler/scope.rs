//! Lexical scopes of the fn being compiled and of its enclosing fns, and the
//! bytecode buffer of the arity in progress.

use std::rc::Rc;

use glia_syntax::Span;

use crate::chunk::{CaptureFrom, Code, FnProto, Op};
use crate::namespace::Var;
use crate::value::Value;

#[derive(Clone, Debug)]
pub struct Local {
    pub name: Rc<str>,
    pub slot: u16,
    /// The binding symbol in the source (for the analysis facts).
    pub span: Span,
    /// A `letfn` cell: the slot holds an anonymous var to dereference.
    pub boxed: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct LoopTarget {
    pub start: u32,
    pub first: u16,
    pub n: u16,
    /// How many `try` blocks enclose the loop head (recur may not cross one).
    pub try_depth: u32,
}

/// The code of one arity while it is being emitted.
#[derive(Default)]
pub struct Emitter {
    pub ops: Vec<Op>,
    pub spans: Vec<Span>,
    pub consts: Vec<Value>,
    pub vars: Vec<Rc<Var>>,
    pub fns: Vec<Rc<FnProto>>,
    pub next_slot: u16,
    pub max_slots: u16,
    pub loop_target: Option<LoopTarget>,
    pub try_depth: u32,
    /// Inside a loop that is not in tail position: calls there return to
    /// this frame, so they cannot be tail calls.
    pub calls_not_tail: bool,
    /// More registers were needed than a frame may have.
    pub overflowed: bool,
}

/// Registers per frame (locals, temporaries, arguments of calls). Operands
/// address registers in 14 bits, so fused ops need them below this.
pub const MAX_REGISTERS: u16 = 16_000;

impl Emitter {
    pub fn emit(&mut self, op: Op, span: Span) -> u32 {
        self.ops.push(op);
        self.spans.push(span);
        (self.ops.len() - 1) as u32
    }

    pub fn here(&self) -> u32 {
        self.ops.len() as u32
    }

    pub fn patch_jump(&mut self, at: u32, to: u32) {
        match &mut self.ops[at as usize] {
            Op::Jump { target }
            | Op::JumpIfFalse { target, .. }
            | Op::Try { target, .. }
            | Op::JumpUnless { target, .. }
            | Op::JumpUnlessLI { target, .. } => *target = to,
            _ => {}
        }
    }

    pub fn constant(&mut self, v: Value) -> u32 {
        // Reuse identical immediates; collections are not worth comparing.
        if matches!(
            v,
            Value::Keyword(_) | Value::Int(_) | Value::Nil | Value::Bool(_)
        ) && let Some(i) = self
            .consts
            .iter()
            .position(|c| std::mem::discriminant(c) == std::mem::discriminant(&v) && *c == v)
        {
            return i as u32;
        }
        self.consts.push(v);
        (self.consts.len() - 1) as u32
    }

    pub fn var(&mut self, var: &Rc<Var>) -> u32 {
        if let Some(i) = self.vars.iter().position(|v| Rc::ptr_eq(v, var)) {
            return i as u32;
        }
        self.vars.push(var.clone());
        (self.vars.len() - 1) as u32
    }

    /// A var table entry that is not shared, so that consecutive calls give
    /// consecutive indices (dynamic bindings address a run of vars).
    pub fn var_fresh(&mut self, var: &Rc<Var>) -> u32 {
        self.vars.push(var.clone());
        (self.vars.len() - 1) as u32
    }

    /// A fresh register. Past the last one it keeps answering the last and
    /// records the overflow, which `Compiler::compile` turns into an error
    /// (so the many callers need not thread a `Result`).
    pub fn alloc_slot(&mut self) -> u16 {
        let slot = self.next_slot;
        match self.next_slot.checked_add(1) {
            Some(next) if next < MAX_REGISTERS => self.next_slot = next,
            _ => self.overflowed = true,
        }
        self.max_slots = self.max_slots.max(self.next_slot);
        slot
    }

    pub fn finish(
        mut self,
        params: u16,
        variadic: bool,
        name: Rc<str>,
        source: Rc<crate::Source>,
    ) -> Code {
        // A jump to a return is that return.
        for i in 0..self.ops.len() {
            if let Op::Jump { target } = self.ops[i]
                && let Some(ret @ Op::Return { .. }) = self.ops.get(target as usize)
            {
                self.ops[i] = *ret;
            }
        }
        // Returning a register just copied from another returns the other
        // (the frame dies, so nothing observes the copy). A jump to the
        // return still finds it in place.
        for i in 0..self.ops.len().saturating_sub(1) {
            if let (Op::Move { dst, src }, Op::Return { src: ret }) = (self.ops[i], self.ops[i + 1])
                && dst == ret
            {
                self.ops[i] = Op::Return { src };
            }
        }
        // Loops of register code run in the VM's fast loop.
        for i in 0..self.ops.len() {
            if let Op::Recur { target, .. } = self.ops[i]
                && self.ops[target as usize..i]
                    .iter()
                    .all(crate::vm::fast::runs)
                && let Op::Recur { fast, .. } = &mut self.ops[i]
            {
                *fast = true;
            }
        }
        Code {
            ops: self.ops,
            spans: self.spans,
            consts: self.consts,
            vars: self.vars,
            fns: self.fns,
            params,
            variadic,
            slots: self.max_slots,
            name,
            source,
        }
    }
}

/// A fn being compiled: its locals, captures and current arity.
pub struct FnScope {
    pub name: Rc<str>,
    /// The fn's own name, bound to the closure inside its body.
    pub self_name: Option<Rc<str>>,
    /// Where the fn's own name is written.
    pub self_span: Option<Span>,
    pub locals: Vec<Local>,
    pub captures: Vec<(Rc<str>, CaptureFrom, bool)>,
    pub code: Emitter,
    /// The form whose body this fn is (`with-effect-handler`): `recur`
    /// cannot cross it.
    pub recur_barrier: Option<&'static str>,
}

impl FnScope {
    pub fn new(name: Rc<str>, self_name: Option<Rc<str>>) -> Self {
        FnScope {
            name,
            self_name,
            self_span: None,
            locals: Vec::new(),
            captures: Vec::new(),
            code: Emitter::default(),
            recur_barrier: None,
        }
    }

    pub fn find_local(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|l| &*l.name == name)
    }

    pub fn find_capture(&self, name: &str) -> Option<(u16, bool)> {
        self.captures
            .iter()
            .position(|(n, _, _)| &**n == name)
            .map(|i| (i as u16, self.captures[i].2))
    }
}
