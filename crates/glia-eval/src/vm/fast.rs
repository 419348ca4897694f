//! The fast loop: register ops on integers, branches and `recur`, run by a
//! small function whose state (the frame's registers, the ops, the
//! instruction pointer, the fuel tick) lives in machine registers. Anything
//! else (calls, allocation, non-integer arithmetic, errors) goes back to the
//! general loop in `Vm::run`, which executes that one op and comes back.
//!
//! This split exists for speed alone: in one big `match` over every op the
//! compiler spills the interpreter's state to memory on every instruction.

use crate::chunk::{BinOp, Op, OperandKind, UnOp};
use crate::value::Value;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Exit {
    /// The op at the returned ip needs the general loop.
    Slow,
    /// The fuel tick ran out at the returned ip (a backward jump, not taken
    /// yet); the general loop checks the limits and takes it.
    Fuel,
}

#[inline(always)]
fn int(regs: &[Value], consts: &[Value], o: crate::chunk::Operand) -> Option<i64> {
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

#[inline(always)]
fn test(op: BinOp, x: i64, y: i64) -> Option<bool> {
    Some(match op {
        BinOp::Lt => x < y,
        BinOp::Gt => x > y,
        BinOp::Le => x <= y,
        BinOp::Ge => x >= y,
        BinOp::NumEq | BinOp::Equiv => x == y,
        _ => return None,
    })
}

#[inline(always)]
fn arith(op: BinOp, x: i64, y: i64) -> Option<i64> {
    match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        _ => None,
    }
}

/// Writes an integer; only the payload when the register holds one.
#[inline(always)]
fn put_int(regs: &mut [Value], r: u16, v: i64) -> Option<()> {
    match regs.get_mut(r as usize)? {
        Value::Int(x) => *x = v,
        slot @ (Value::Nil | Value::Bool(_) | Value::Double(_) | Value::Char(_)) => {
            *slot = Value::Int(v)
        }
        _ => return None,
    }
    Some(())
}

#[inline(always)]
fn put_bool(regs: &mut [Value], r: u16, v: bool) -> Option<()> {
    match regs.get_mut(r as usize)? {
        Value::Bool(x) => *x = v,
        slot @ (Value::Nil | Value::Int(_) | Value::Double(_) | Value::Char(_)) => {
            *slot = Value::Bool(v)
        }
        _ => return None,
    }
    Some(())
}

/// One op on the fast path: `Some(next ip)`, or `None` for the general
/// loop (a `recur` also when the fuel tick would run out).
#[inline(always)]
fn step(regs: &mut [Value], op: Op, consts: &[Value], ip: usize, left: &mut u32) -> Option<usize> {
    let next = ip + 1;
    match op {
        Op::Recur {
            first,
            from,
            n,
            target,
        }
        | Op::FastRecur {
            first,
            from,
            n,
            target,
        } => {
            let cost = spent(ip, target);
            if *left <= cost {
                return None;
            }
            recur(regs, first, from, n)?;
            *left -= cost;
            return Some(target as usize);
        }
        Op::Int { dst, value } => put_int(regs, dst, i64::from(value))?,
        Op::Move { dst, src } => match regs.get(src as usize)? {
            Value::Int(i) => put_int(regs, dst, *i)?,
            Value::Bool(b) => put_bool(regs, dst, *b)?,
            _ => return None,
        },
        Op::Take { dst, src } => {
            let v = std::mem::take(regs.get_mut(src as usize)?);
            super::set_slot(regs.get_mut(dst as usize)?, v);
        }
        Op::Jump { target } if target as usize > ip => return Some(target as usize),
        Op::JumpIfFalse { src, target } => match regs.get(src as usize)? {
            Value::Nil | Value::Bool(false) => return Some(target as usize),
            Value::Bool(true) | Value::Int(_) => {}
            _ => return None,
        },
        Op::JumpUnlessLI { op, a, b, target } => {
            let Value::Int(x) = regs.get(a as usize)? else {
                return None;
            };
            if !test(op, *x, i64::from(b))? {
                return Some(target as usize);
            }
        }
        Op::JumpUnless { op, a, b, target } => {
            if !test(op, int(regs, consts, a)?, int(regs, consts, b)?)? {
                return Some(target as usize);
            }
        }
        Op::BinLI { op, dst, a, b } => {
            let Value::Int(x) = regs.get(a as usize)? else {
                return None;
            };
            let x = *x;
            match arith(op, x, i64::from(b)) {
                Some(r) => put_int(regs, dst, r)?,
                None => put_bool(regs, dst, test(op, x, i64::from(b))?)?,
            }
        }
        Op::Bin { op, dst, a, b } => {
            let (x, y) = (int(regs, consts, a)?, int(regs, consts, b)?);
            match arith(op, x, y) {
                Some(r) => put_int(regs, dst, r)?,
                None => put_bool(regs, dst, test(op, x, y)?)?,
            }
        }
        Op::Unary { op, dst, a } => {
            let x = int(regs, consts, a)?;
            let r = match op {
                UnOp::Inc => x.checked_add(1)?,
                UnOp::Dec => x.checked_sub(1)?,
            };
            put_int(regs, dst, r)?;
        }
        _ => return None,
    }
    Some(next)
}

/// Whether the fast loop runs `op` (on integers; other values still send
/// it back to the general loop).
pub fn runs(op: &Op) -> bool {
    matches!(
        op,
        Op::Int { .. }
            | Op::Move { .. }
            | Op::Take { .. }
            | Op::Jump { .. }
            | Op::JumpIfFalse { .. }
            | Op::JumpUnlessLI { .. }
            | Op::JumpUnless { .. }
            | Op::BinLI { .. }
            | Op::Bin { .. }
            | Op::Unary { .. }
            | Op::Recur { .. }
            | Op::FastRecur { .. }
    )
}

/// Runs from `ip` until an op needs the general loop.
pub fn run(
    regs: &mut [Value],
    ops: &[Op],
    consts: &[Value],
    mut ip: usize,
    tick: &mut u32,
) -> (usize, Exit) {
    // A local copy stays in a machine register; `tick` is written back once.
    let mut left = *tick;
    let exit = loop {
        let Some(&op) = ops.get(ip) else {
            break Exit::Slow;
        };
        match step(regs, op, consts, ip, &mut left) {
            Some(next) => ip = next,
            None if matches!(op, Op::FastRecur { target, .. } if left <= spent(ip, target)) => {
                break Exit::Fuel;
            }
            None => break Exit::Slow,
        }
    };
    *tick = left;
    (ip, exit)
}

/// The fuel a back edge from `ip` to `target` costs: the ops jumped over.
#[inline(always)]
fn spent(ip: usize, target: u32) -> u32 {
    (ip + 1 - target as usize) as u32
}

/// `recur`: moves `n` values from `from` to `first`. Integers are copied
/// (the temporaries are dead anyway).
#[inline(always)]
fn recur(regs: &mut [Value], first: u16, from: u16, n: u16) -> Option<()> {
    let (first, from, n) = (first as usize, from as usize, n as usize);
    regs.get(from..from + n)?;
    regs.get(first..first + n)?;
    for i in 0..n {
        let copied = match regs[from + i] {
            Value::Int(v) => put_int(regs, (first + i) as u16, v).is_some(),
            _ => false,
        };
        if !copied {
            let v = std::mem::take(&mut regs[from + i]);
            super::set_slot(&mut regs[first + i], v);
        }
    }
    Some(())
}
