//! Computing `recur` arguments straight into the loop's registers.
//!
//! `recur` evaluates its arguments into temporaries and then copies them
//! over the loop bindings, because a later argument may still read a
//! binding's old value. When an argument's last op writes its temporary and
//! nothing after it reads (or writes) that argument's binding, the op can
//! write the binding itself and the copy goes. Only straight-line register
//! arithmetic is rewritten: there every read and write is visible in the
//! ops' fields.

use crate::chunk::{Op, Operand, OperandKind, Reg};

/// The registers an op reads and the one it writes, for the ops this pass
/// understands; `None` for any other op.
fn effects(op: &Op) -> Option<([Option<Reg>; 2], Reg)> {
    let local = |o: Operand| match o.kind() {
        OperandKind::Local(r) => Some(r),
        _ => None,
    };
    Some(match *op {
        Op::Int { dst, .. } | Op::Const { dst, .. } | Op::Nil { dst } | Op::Bool { dst, .. } => {
            ([None, None], dst)
        }
        Op::Move { dst, src } => ([Some(src), None], dst),
        Op::Bin { dst, a, b, .. } => ([local(a), local(b)], dst),
        Op::BinLI { dst, a, .. } => ([Some(a), None], dst),
        Op::Unary { dst, a, .. } => ([local(a), None], dst),
        _ => return None,
    })
}

fn retarget(op: &mut Op, to: Reg) {
    match op {
        Op::Int { dst, .. }
        | Op::Const { dst, .. }
        | Op::Nil { dst }
        | Op::Bool { dst, .. }
        | Op::Move { dst, .. }
        | Op::Bin { dst, .. }
        | Op::BinLI { dst, .. }
        | Op::Unary { dst, .. } => *dst = to,
        _ => unreachable!("retarget of an op `effects` rejects"),
    }
}

/// Rewrites the argument code `ops` of a `recur` that would copy `n`
/// registers from `from` to `first`, so that the last arguments land in
/// place. Returns how many leading arguments still need the copy.
pub(crate) fn recur_in_place(ops: &mut [Op], first: Reg, from: Reg, n: u16) -> u16 {
    let Some(effects) = ops.iter().map(effects).collect::<Option<Vec<_>>>() else {
        return n;
    };
    let reads_after = |p: usize, r: Reg| {
        effects[p + 1..]
            .iter()
            .any(|(reads, dst)| reads.contains(&Some(r)) || *dst == r)
    };
    let mut left = n;
    // From the last argument back: an argument moves into place only when
    // every later one already has (the copy covers a prefix).
    while left > 0 {
        let k = left - 1;
        let (temp, binding) = (from + k, first + k);
        let Some(p) = effects.iter().rposition(|(_, dst)| *dst == temp) else {
            break;
        };
        if reads_after(p, temp) || reads_after(p, binding) {
            break;
        }
        retarget(&mut ops[p], binding);
        left = k;
    }
    left
}
