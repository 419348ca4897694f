//! Compiled code: the bytecode of one fn arity ([`Code`]), a fn's arities
//! ([`FnProto`]) and a fn value ([`Closure`]).

use std::rc::Rc;

use glia_syntax::Span;

use crate::Source;
use crate::namespace::Var;
use crate::value::Value;

/// One VM instruction. Operands index the [`Code`]'s tables or the frame's
/// slots; the enum stays 8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Push `consts[i]`.
    Const(u32),
    Nil,
    True,
    False,
    /// Push a small integer.
    Int(i32),
    /// Push a copy of slot `i` of the frame.
    Local(u16),
    /// Push slot `i`, leaving nil behind: the compiler emits this for a
    /// slot's last use before a `recur` or tail call, so that the callee
    /// owns the only reference and can update a collection in place.
    MoveLocal(u16),
    /// Pop into slot `i`.
    SetLocal(u16),
    /// Push captured value `i` of the running closure.
    Capture(u16),
    /// Push the running closure (a named fn's reference to itself).
    SelfFn,
    /// Push the value of `vars[i]`.
    Var(u32),
    /// Push `vars[i]` itself (`#'x`).
    VarRef(u32),
    /// Pop a value into the root of `vars[i]`; push the var.
    Def(u32),
    /// Mark `vars[i]` as a macro (after `Def`).
    SetMacro(u32),
    /// Replace the var on top of the stack with its value (letfn cells).
    Deref,
    /// Push a fresh unbound cell (an anonymous var) for `letfn`.
    NewCell,
    /// Pop a value and store it in the cell in slot `i`.
    SetCell(u16),
    Pop,
    Jump(u32),
    /// Pop; jump if nil or false.
    JumpIfFalse(u32),
    /// Call the value below `argc` arguments.
    Call(u16),
    TailCall(u16),
    /// Call the value of `vars[var]` with the `argc` values on the stack.
    CallVar { var: u32, argc: u16 },
    TailCallVar { var: u32, argc: u16 },
    Return,
    /// Pop `n` values into slots `first..first+n` (for `recur`).
    Rebind { first: u16, n: u16 },
    /// Push a closure of `fns[i]`.
    Closure(u32),
    Vector(u32),
    Map(u32),
    Set(u32),
    /// Pop a value and jump to the target that `consts[i]` (a map from
    /// case constants to jump targets) gives, or to `default`.
    Case { table: u32, has_default: bool },
    /// Install an exception handler at `ip`.
    Try(u32),
    /// Remove the innermost handler.
    EndTry,
    Throw,
    /// Push `n` dynamic bindings: `vars[var..]`, values popped.
    PushBindings { first_var: u32, n: u16 },
    PopBindings,
    /// Two-argument intrinsics for core functions (the compiler inlines
    /// calls to the unshadowed `glia.core` fns, as Clojure does).
    Add,
    Sub,
    Mul,
    Lt,
    Gt,
    Le,
    Ge,
    NumEq,
    Equiv,
    Inc,
    Dec,
}

/// The bytecode of one arity.
#[derive(Debug)]
pub struct Code {
    pub ops: Vec<Op>,
    /// The source span of each op, for errors and traces.
    pub spans: Vec<Span>,
    pub consts: Vec<Value>,
    pub vars: Vec<Rc<Var>>,
    pub fns: Vec<Rc<FnProto>>,
    /// Fixed parameters; a variadic arity has one more slot for the rest.
    pub params: u16,
    pub variadic: bool,
    /// Slots the frame needs (params, rest, locals).
    pub slots: u16,
    pub name: Rc<str>,
    pub source: Rc<Source>,
}

/// Where a closure's captured value comes from when it is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureFrom {
    Slot(u16),
    Capture(u16),
    SelfFn,
}

#[derive(Debug)]
pub struct FnProto {
    pub name: Rc<str>,
    /// Fixed arities by parameter count.
    pub fixed: Vec<Rc<Code>>,
    pub variadic: Option<Rc<Code>>,
    pub captures: Vec<CaptureFrom>,
}

impl FnProto {
    pub fn arity(&self, argc: usize) -> Option<&Rc<Code>> {
        self.fixed
            .iter()
            .find(|c| c.params as usize == argc)
            .or_else(|| self.variadic.as_ref().filter(|c| argc >= c.params as usize))
    }

    /// The arities for an error message: `[1 2 3+]`.
    pub fn arities_text(&self) -> String {
        let mut parts: Vec<String> = self.fixed.iter().map(|c| c.params.to_string()).collect();
        if let Some(v) = &self.variadic {
            parts.push(format!("{} or more", v.params));
        }
        parts.join(", ")
    }
}

#[derive(Debug)]
pub struct Closure {
    pub proto: Rc<FnProto>,
    pub captured: Box<[Value]>,
    pub meta: Option<Value>,
}

impl Closure {
    pub fn name(&self) -> &str {
        &self.proto.name
    }
}
