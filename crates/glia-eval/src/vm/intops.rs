//! The integer semantics of the inlined intrinsics (`+`, `-`, `*`, `inc`,
//! `dec` and the comparisons), shared by the fast loop and the general
//! loop so that both compute the same answers. `None` means "not on
//! integers alone": an overflow, which the general loop turns into an
//! error.

use crate::chunk::{BinOp, Operand, OperandKind, UnOp};
use crate::value::Value;

/// What an intrinsic produces from two integers.
#[derive(Clone, Copy, Debug)]
pub enum IntResult {
    Int(i64),
    Bool(bool),
}

#[inline(always)]
pub fn int_test(op: BinOp, x: i64, y: i64) -> bool {
    match op {
        BinOp::Lt => x < y,
        BinOp::Gt => x > y,
        BinOp::Le => x <= y,
        BinOp::Ge => x >= y,
        // Arithmetic ops never reach here: the compiler tests with tests.
        BinOp::NumEq | BinOp::Equiv | BinOp::Add | BinOp::Sub | BinOp::Mul => x == y,
    }
}

#[inline(always)]
pub fn int_bin(op: BinOp, x: i64, y: i64) -> Option<IntResult> {
    Some(match op {
        BinOp::Add => IntResult::Int(x.checked_add(y)?),
        BinOp::Sub => IntResult::Int(x.checked_sub(y)?),
        BinOp::Mul => IntResult::Int(x.checked_mul(y)?),
        test => IntResult::Bool(int_test(test, x, y)),
    })
}

#[inline(always)]
pub fn int_unary(op: UnOp, x: i64) -> Option<i64> {
    match op {
        UnOp::Inc => x.checked_add(1),
        UnOp::Dec => x.checked_sub(1),
    }
}

/// The integer an operand holds, if it holds one; `regs` is the frame's
/// window.
#[inline(always)]
pub fn operand_int(o: Operand, regs: &[Value], consts: &[Value]) -> Option<i64> {
    let v = match o.kind() {
        OperandKind::Imm(i) => return Some(i64::from(i)),
        OperandKind::Local(r) => regs.get(r as usize)?,
        OperandKind::Const(k) => consts.get(k as usize)?,
    };
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

/// Writes a result into a register that owns nothing (only the payload
/// when it already holds the same kind). `false`, writing nothing, when
/// the register owns a value: the caller must drop that first.
#[inline(always)]
pub fn write(slot: &mut Value, r: IntResult) -> bool {
    match (slot, r) {
        (Value::Int(x), IntResult::Int(v)) => *x = v,
        (Value::Bool(x), IntResult::Bool(v)) => *x = v,
        (slot, r) if super::is_immediate(slot) => *slot = r.into(),
        _ => return false,
    }
    true
}

impl From<IntResult> for Value {
    #[inline(always)]
    fn from(r: IntResult) -> Value {
        match r {
            IntResult::Int(i) => Value::Int(i),
            IntResult::Bool(b) => Value::Bool(b),
        }
    }
}
