//! Compiled code: the bytecode of one fn arity ([`Code`]), a fn's arities
//! ([`FnProto`]) and a fn value ([`Closure`]).

use std::rc::Rc;

use glia_syntax::Span;

use crate::Source;
use crate::namespace::Var;
use crate::value::Value;

/// Where an intrinsic takes an operand from: a frame register, a
/// constant, or an immediate small integer. Packed in 16 bits (2 bits of
/// kind, 14 of payload) so that ops stay small.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Operand(u16);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    Local(u16),
    Const(u16),
    Imm(i16),
}

impl Operand {
    pub const LIMIT: u16 = 1 << 14;

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
            2 => OperandKind::Const(payload),
            // Sign-extend the 14-bit immediate.
            3 => OperandKind::Imm(((payload << 2) as i16) >> 2),
            _ => OperandKind::Local(payload),
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

/// Registers are a frame's slots, numbered from its base: parameters
/// first, then locals and temporaries. A call's callee and arguments are
/// placed in consecutive registers at the top of the caller's window, so
/// the callee's frame starts on its arguments and nothing is copied.
pub type Reg = u16;

/// One VM instruction (12 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Const {
        dst: Reg,
        k: u32,
    },
    Nil {
        dst: Reg,
    },
    Bool {
        dst: Reg,
        value: bool,
    },
    Int {
        dst: Reg,
        value: i32,
    },
    Move {
        dst: Reg,
        src: Reg,
    },
    /// Moves a register's value, leaving nil: the compiler emits this for a
    /// register's last use before a `recur` or tail call, so that the
    /// callee owns the only reference and can update a collection in place.
    Take {
        dst: Reg,
        src: Reg,
    },
    /// Captured value `i` of the running closure.
    Capture {
        dst: Reg,
        i: u16,
    },
    /// The running closure (a named fn's reference to itself).
    SelfFn {
        dst: Reg,
    },
    /// The value of `vars[var]`.
    Var {
        dst: Reg,
        var: u32,
    },
    /// `vars[var]` itself (`#'x`).
    VarRef {
        dst: Reg,
        var: u32,
    },
    /// Sets the root of `vars[var]` to `src`; `dst` gets the var.
    Def {
        var: u32,
        src: Reg,
        dst: Reg,
    },
    /// Marks `vars[var]` as a macro (after `Def`).
    SetMacro {
        var: u32,
    },
    /// The value in the cell (anonymous var) in `src` (letfn).
    Deref {
        dst: Reg,
        src: Reg,
    },
    /// A fresh unbound cell for `letfn`.
    NewCell {
        dst: Reg,
    },
    /// Stores `src` into the cell in register `cell`.
    SetCell {
        cell: Reg,
        src: Reg,
    },
    Jump {
        target: u32,
    },
    /// Jump if `src` is nil or false.
    JumpIfFalse {
        src: Reg,
        target: u32,
    },
    /// Call the callee in `base` with the `argc` arguments after it.
    Call {
        base: Reg,
        argc: u16,
        dst: Reg,
    },
    TailCall {
        base: Reg,
        argc: u16,
        dst: Reg,
    },
    /// Call the value of `vars[var]` with the `argc` arguments from `base`.
    CallVar {
        var: u32,
        base: Reg,
        argc: u8,
        dst: Reg,
    },
    TailCallVar {
        var: u32,
        base: Reg,
        argc: u8,
        dst: Reg,
    },
    Return {
        src: Reg,
    },
    /// `recur`: move registers `from..from+n` to `first..first+n`, jump.
    /// `fast`: the loop holds only ops the VM's fast loop runs (set by
    /// `Emitter::finish`), so the VM runs it there. Loops that call stay in
    /// the general loop rather than switch loops every iteration.
    Recur {
        first: Reg,
        from: Reg,
        n: u16,
        target: u32,
        fast: bool,
    },
    /// A closure of `fns[f]`.
    Closure {
        dst: Reg,
        f: u32,
    },
    /// Collections from `n` consecutive registers (maps: key, value pairs).
    Vector {
        dst: Reg,
        from: Reg,
        n: u16,
    },
    Map {
        dst: Reg,
        from: Reg,
        n: u16,
    },
    Set {
        dst: Reg,
        from: Reg,
        n: u16,
    },
    /// Jump to the target the map in `consts[table]` gives for `src`, or
    /// fall through to the default (an error without one).
    Case {
        src: Reg,
        table: u32,
        has_default: bool,
    },
    /// Install an exception handler: a throw puts the exception in `ex`
    /// and jumps to `target`.
    Try {
        target: u32,
        ex: Reg,
    },
    /// Remove the innermost handler.
    EndTry,
    Throw {
        src: Reg,
    },
    /// Bind `vars[first_var..]` dynamically to registers `from..from+n`.
    PushBindings {
        first_var: u32,
        from: Reg,
        n: u16,
    },
    PopBindings,
    /// `with-effect-handler`: installs the handler for the target in `base`
    /// (the handler fn in `base + 1`), then calls the body thunk in
    /// `base + 2`, whose value goes to `dst`.
    Handle {
        base: Reg,
        dst: Reg,
    },
    /// Uninstalls the handler this frame installed (after its body returned).
    Unhandle,
    /// The trampoline under a running effect handler: its value (register 0)
    /// is the value of the `with-effect-handler` form, unless the handler
    /// resumed the body first.
    HandlerReturn,
    /// The trampoline under a resumed continuation: its handler's scope ends.
    ResumeDone,
    /// The trampoline under an aborted body being unwound through its
    /// `finally` blocks: catches the unwinding signal (register 0) at the
    /// end.
    AbortDone,
    /// The trampoline under a lazy seq's (or delay's) thunk: stores the
    /// value (register 0) in the lazy cell, then goes on realizing or
    /// runs the builtin that waited for it (see `vm::realize`).
    Realized,
    /// The trampoline of a chunk loop: takes the fn's value for one
    /// element (register 0) and calls it on the next (see `vm::chunks`).
    ChunkStep,
    Bin {
        op: BinOp,
        dst: Reg,
        a: Operand,
        b: Operand,
    },
    Unary {
        op: UnOp,
        dst: Reg,
        a: Operand,
    },
    /// Jump to `target` unless `a op b` (a fused test and branch for `if`).
    JumpUnless {
        op: BinOp,
        a: Operand,
        b: Operand,
        target: u32,
    },
    // The commonest operand shapes, decoded at compile time.
    BinLI {
        op: BinOp,
        dst: Reg,
        a: Reg,
        b: i32,
    },
    JumpUnlessLI {
        op: BinOp,
        a: Reg,
        b: i32,
        target: u32,
    },
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
        if let [only] = self.fixed.as_slice()
            && only.params as usize == argc
        {
            return Some(0);
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
    pub fn code(&self, arity: ArityIndex) -> &Rc<Code> {
        match arity {
            VARIADIC => self.variadic.as_ref().expect("variadic arity"),
            i => &self.fixed[i as usize],
        }
    }

    /// The arities for an error message: "1, 2 or 3 or more arguments".
    pub fn arities_text(&self) -> String {
        self.arities_text_less(0)
    }

    /// [`FnProto::arities_text`] not counting `hidden` leading parameters
    /// (a macro's `&form` and `&env`).
    pub fn arities_text_less(&self, hidden: u16) -> String {
        let n = |k: u16| k.saturating_sub(hidden);
        let mut parts: Vec<String> = self.fixed.iter().map(|c| n(c.params).to_string()).collect();
        if let Some(v) = &self.variadic {
            parts.push(format!("{} or more", n(v.params)));
        }
        let last = parts.pop().unwrap_or_default();
        let many = !parts.is_empty() || self.variadic.is_some() || last != "1";
        let list = if parts.is_empty() {
            last
        } else {
            format!("{} or {last}", parts.join(", "))
        };
        format!("{list} argument{}", if many { "s" } else { "" })
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

/// Closures capturing closures can chain a million deep (`comp` in a loop).
impl Drop for Closure {
    fn drop(&mut self) {
        let captured = std::mem::take(&mut self.captured);
        crate::value::deep(move || drop(captured));
    }
}
