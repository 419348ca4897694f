//! The fast loop: register ops on integers, branches and `recur`, run by a
//! small function whose state (the frame's registers, the ops, the
//! instruction pointer, the fuel tick) lives in machine registers. It runs
//! the loops whose every op it [`runs`] (the compiler marks their `recur`
//! `fast`), from the first back edge on. Anything else (a non-integer, an
//! overflow, a forward branch out of the loop to other code) goes back to
//! the general loop in `Vm::run`.
//!
//! This split exists for speed alone: in one big `match` over every op the
//! compiler spills the interpreter's state to memory on every instruction.
//! Loops that call stay in the general loop: switching loops costs more
//! than the fast loop saves on a few ops.

use super::intops::{self, IntResult, int_bin, int_test, int_unary, operand_int};
use crate::chunk::Op;
use crate::value::Value;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Exit {
    /// The op at the returned ip needs the general loop.
    Slow,
    /// The fuel tick ran out at the returned ip (a backward jump, not taken
    /// yet); the general loop checks the limits and takes it.
    Fuel,
}

/// Writes an integer result; `None` when the register owns a value (the
/// general loop drops it).
#[inline(always)]
fn put(regs: &mut [Value], r: u16, v: IntResult) -> Option<()> {
    intops::write(regs.get_mut(r as usize)?, v).then_some(())
}

/// One op on the fast path: `Some(next ip)`, or `None` for the general
/// loop (a `recur` also when the fuel tick would run out).
#[inline(always)]
fn step(regs: &mut [Value], op: &Op, consts: &[Value], ip: usize, left: &mut u32) -> Option<usize> {
    let next = ip + 1;
    match *op {
        Op::Recur {
            first,
            from,
            n,
            target,
            ..
        } => {
            let cost = spent(ip, target);
            if *left <= cost {
                return None;
            }
            recur(regs, first, from, n)?;
            *left -= cost;
            return Some(target as usize);
        }
        Op::Int { dst, value } => put(regs, dst, IntResult::Int(i64::from(value)))?,
        Op::Move { dst, src } => match regs.get(src as usize)? {
            Value::Int(i) => put(regs, dst, IntResult::Int(*i))?,
            Value::Bool(b) => put(regs, dst, IntResult::Bool(*b))?,
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
            if !int_test(op, *x, i64::from(b)) {
                return Some(target as usize);
            }
        }
        Op::JumpUnless { op, a, b, target } => {
            let (x, y) = (operand_int(a, regs, consts)?, operand_int(b, regs, consts)?);
            if !int_test(op, x, y) {
                return Some(target as usize);
            }
        }
        Op::BinLI { op, dst, a, b } => {
            let Value::Int(x) = regs.get(a as usize)? else {
                return None;
            };
            let r = int_bin(op, *x, i64::from(b))?;
            put(regs, dst, r)?;
        }
        Op::Bin { op, dst, a, b } => {
            let (x, y) = (operand_int(a, regs, consts)?, operand_int(b, regs, consts)?);
            put(regs, dst, int_bin(op, x, y)?)?;
        }
        Op::Unary { op, dst, a } => {
            let r = int_unary(op, operand_int(a, regs, consts)?)?;
            put(regs, dst, IntResult::Int(r))?;
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
        let Some(op) = ops.get(ip) else {
            break Exit::Slow;
        };
        match step(regs, op, consts, ip, &mut left) {
            Some(next) => ip = next,
            None if matches!(*op, Op::Recur { target, .. } if left <= spent(ip, target)) => {
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
            Value::Int(v) => put(regs, (first + i) as u16, IntResult::Int(v)).is_some(),
            _ => false,
        };
        if !copied {
            let v = std::mem::take(&mut regs[from + i]);
            super::set_slot(&mut regs[first + i], v);
        }
    }
    Some(())
}
