//! Compiled code: the bytecode of one fn arity ([`Code`]), a fn's arities
//! ([`FnProto`]) and a fn value ([`Closure`]).

use std::rc::Rc;

use glia_syntax::Span;

use crate::Source;
use crate::namespace::Var;
use crate::value::Value;

/// Where a fused intrinsic takes an operand from: the operand stack, a
/// frame slot, a constant, or an immediate small integer. Packed in 16 bits
/// (2 bits of kind, 14 of payload) so fused ops stay small.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Operand(u16);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    Stack,
    Local(u16),
    Const(u16),
    Imm(i16),
}

impl Operand {
    pub const LIMIT: u16 = 1 << 14;
    pub const STACK: Operand = Operand(0);

    pub fn local(slot: u16) -> Option<Operand> {
        (slot < Self::LIMIT).then_some(Operand((1 << 14) | slot))
    }

    pub fn constant(i: u32) -> Option<Operand> {
        (i < u32::from(Self::LIMIT)).then_some(Operand((2 << 14) | i as u16))
    }

    pub fn imm(i: i64) -> Option<Operand> {
        (-8192..8192)
            .contains(&i)
            .then_some(Operand((3 << 14) | ((i as u16) & 0x3fff)))
    }

    #[inline(always)]
    pub fn kind(self) -> OperandKind {
        let payload = self.0 & 0x3fff;
        match self.0 >> 14 {
            0 => OperandKind::Stack,
            1 => OperandKind::Local(payload),
            2 => OperandKind::Const(payload),
            // Sign-extend the 14-bit immediate.
            _ => OperandKind::Imm(((payload << 2) as i16) >> 2),
        }
    }
}

impl std::fmt::Debug for Operand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.kind())
    }
}

/// Two-argument core fns the compiler inlines (as Clojure inlines them)
/// when they are called by their unshadowed `glia.core` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Lt,
    Gt,
    Le,
    Ge,
    NumEq,
    Equiv,
}

impl BinOp {
    pub fn name(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Lt => "<",
            BinOp::Gt => ">",
            BinOp::Le => "<=",
            BinOp::Ge => ">=",
            BinOp::NumEq => "==",
            BinOp::Equiv => "=",
        }
    }

    pub fn is_test(self) -> bool {
        !matches!(self, BinOp::Add | BinOp::Sub | BinOp::Mul)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Inc,
    Dec,
}

/// One VM instruction. Operands index the [`Code`]'s tables or the frame's
/// slots; the enum stays 12 bytes.
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
    /// `recur`: pop `n` values into slots `first..first+n`, jump to `target`.
    Recur { first: u16, n: u16, target: u32 },
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
    /// Push `a op b`.
    Bin { op: BinOp, a: Operand, b: Operand },
    /// Push `(inc a)` or `(dec a)`.
    Unary { op: UnOp, a: Operand },
    /// Jump to `target` unless `a op b` (a fused test and branch for `if`).
    JumpUnless { op: BinOp, a: Operand, b: Operand, target: u32 },
    // The commonest operand shapes, decoded at compile time.
    /// `Bin` on two slots.
    BinLL { op: BinOp, a: u16, b: u16 },
    /// `Bin` on a slot and an immediate.
    BinLI { op: BinOp, a: u16, b: i32 },
    JumpUnlessLL { op: BinOp, a: u16, b: u16, target: u32 },
    JumpUnlessLI { op: BinOp, a: u16, b: i32, target: u32 },
    /// `Unary` on a slot.
    UnaryL { op: UnOp, a: u16 },
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

/// Which arity of a [`FnProto`] a frame runs: an index into `fixed`, or
/// [`VARIADIC`].
pub type ArityIndex = u16;
pub const VARIADIC: ArityIndex = u16::MAX;

impl FnProto {
    /// The arity that takes `argc` arguments.
    #[inline]
    pub fn arity(&self, argc: usize) -> Option<ArityIndex> {
        if let [only] = self.fixed.as_slice() {
            if only.params as usize == argc {
                return Some(0);
            }
        }
        self.fixed
            .iter()
            .position(|c| c.params as usize == argc)
            .map(|i| i as ArityIndex)
            .or_else(|| {
                self.variadic
                    .as_ref()
                    .filter(|c| argc >= c.params as usize)
                    .map(|_| VARIADIC)
            })
    }

    #[inline]
    pub fn code(&self, arity: ArityIndex) -> &Code {
        match arity {
            VARIADIC => self.variadic.as_deref().expect("variadic arity"),
            i => &self.fixed[i as usize],
        }
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
