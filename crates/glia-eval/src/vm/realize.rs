//! Realizing lazy seqs and delays before a builtin reads them.
//!
//! Builtins never call back into Glia, yet `first` of a lazy seq must run
//! the seq's body. So a builtin that reads seqs names a [`Finder`]: before
//! the call, the VM asks it which unrealized lazy seq (if any) the
//! builtin's arguments need. If one is named, the VM pushes a `Realized`
//! trampoline and calls the seq's thunk as an ordinary frame, so a
//! `perform`, an exception or a limit inside a lazy seq's body behaves as
//! anywhere else. When the thunk returns, the trampoline stores its value
//! in the cell (realizing a returned lazy seq first), walks on along the
//! spine if asked to, and finally calls the builtin again, whose finder
//! looks again; the builtin's value is the trampoline's.
//!
//! Nothing is taken from the arguments before the finder has had its say,
//! so a builtin runs once, on realized data, and sees unrealized lazy seqs
//! only where its finder deliberately left them (`rest`, `cons`).

use std::rc::Rc;

use crate::builtins::Builtin;
use crate::error::{Error, ErrorType};
use crate::value::{self, Lazy, Value};

use super::Vm;

/// Names the unrealized lazy seq (or delay) a builtin's arguments need
/// realized, and how far to go on from it.
pub type Finder = fn(&[Value]) -> Option<(Value, Walk)>;

/// A finder's answer for a lazy seq.
pub fn seq_cell(lazy: Rc<Lazy>, walk: Walk) -> (Value, Walk) {
    (Value::Lazy(lazy), walk)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walk {
    /// Realize this cell, then ask the finder again.
    Once,
    /// Realize this cell and every cell after it on the spine (what
    /// `count` or `into` need); one walk, not one finder call per cell.
    Spine,
}

// The trampoline's registers.
const VALUE: usize = 0;
const CELL: usize = 1;
/// The builtin to call once done; nil when the trampoline realizes a lazy
/// seq another one's body returned (its value is then the cell); false
/// when an op runs again after it (its value is nil).
const RETRY: usize = 2;
/// How far below the trampoline the builtin's arguments start (relative,
/// so that moving the stack segment for an effect keeps it right).
const ARGS_BELOW: usize = 3;
const ARGC: usize = 4;
const WALK: usize = 5;
/// Lazy seqs whose bodies returned the lazy seq being realized: they get
/// its value too (a list, or nil).
const PENDING: usize = 6;
pub(crate) const SLOTS: u16 = 7;

impl Vm {
    /// Realizes `cell`, which builtin `b`'s finder named, before `b` runs:
    /// its thunk runs next, and `b`'s value arrives at `ret` once everything
    /// is done. (The finder itself runs inline in `call_builtin`: it is
    /// the cheap, common part.)
    #[inline(never)]
    pub(crate) fn realize_for(
        &mut self,
        b: &'static Builtin,
        (cell, walk): (Value, Walk),
        argc: usize,
        args_at: usize,
        ret: usize,
    ) -> Result<(), Error> {
        let base = self.innermost_top().max(args_at + argc);
        let retry = Retry {
            builtin: Value::Builtin(b),
            below: base - args_at,
            argc,
        };
        self.push_realize(base, cell, walk, retry, ret)
    }

    /// Realizes what `=`, compiled inline, needs of its operands: `true`
    /// when a thunk runs next, after which the op runs again.
    #[cold]
    #[inline(never)]
    pub(crate) fn realize_operands(&mut self, x: &Value, y: &Value) -> Result<bool, Error> {
        let Some(lazy) = value::unrealized_deep(x).or_else(|| value::unrealized_deep(y)) else {
            return Ok(false);
        };
        let base = self.innermost_top();
        let again = Retry {
            builtin: Value::Bool(false),
            below: 0,
            argc: 0,
        };
        // The trampoline's nil lands in its own first register, which is
        // free once it has returned.
        self.push_realize(base, Value::Lazy(lazy), Walk::Spine, again, base)?;
        Ok(true)
    }

    fn push_realize(
        &mut self,
        base: usize,
        cell: Value,
        walk: Walk,
        retry: Retry,
        ret: usize,
    ) -> Result<(), Error> {
        let closure = self.trampolines.realized.clone();
        // Room above the window for the thunk's frame to start.
        let top = self.push_trampoline(closure, base, ret, 1)?;
        self.stack[base + RETRY] = retry.builtin;
        self.stack[base + ARGS_BELOW] = Value::Int(retry.below as i64);
        self.stack[base + ARGC] = Value::Int(retry.argc as i64);
        self.stack[base + WALK] = Value::Bool(walk == Walk::Spine);
        self.run_thunk(base, top, cell)
    }

    /// Calls the thunk of `cell` (a lazy seq or delay) into the
    /// trampoline at `base`.
    fn run_thunk(&mut self, base: usize, top: usize, cell: Value) -> Result<(), Error> {
        let thunk = match &cell {
            Value::Lazy(l) | Value::Delay(l) => l.thunk(),
            _ => None,
        };
        self.stack[base + CELL] = cell;
        let thunk = thunk.ok_or_else(|| {
            Error::new(
                ErrorType::Internal,
                "a lazy value was asked to run its body after it had a value",
            )
        })?;
        self.invoke(thunk, 0, top, base + VALUE).map(drop)
    }

    /// The `Realized` op: the thunk's value is in register 0. Leaves the
    /// trampoline ready to run again (`ip` 0, a nested thunk on top), or
    /// to return (`ip` 1, the builtin's value in register 0 or on its way).
    pub(crate) fn realized(&mut self) -> Result<(), Error> {
        let frame = self.frames.last().expect("the trampoline");
        let (base, top) = (frame.base as usize, frame.top as usize);
        let v = std::mem::take(&mut self.stack[base + VALUE]);
        let cell = self.stack[base + CELL].clone();
        let lazy = match &cell {
            Value::Lazy(l) => {
                // A body that returned another lazy seq: realize that one
                // in this same trampoline (iteratively, as Clojure's
                // `LazySeq.sval` unwraps: a long run of lazy seqs returning
                // lazy seqs must not nest), then give both its value.
                if let Value::Lazy(inner) = &v
                    && !inner.is_realized()
                {
                    let pending = std::mem::take(&mut self.stack[base + PENDING]);
                    self.stack[base + PENDING] = crate::builtins::cons_onto(cell, pending)?;
                    self.set_ip(0);
                    return self.run_thunk(base, top, v.clone());
                }
                let realized = seq_value(v)?;
                let pending = std::mem::take(&mut self.stack[base + PENDING]);
                for outer in value::SeqIter::new(&pending) {
                    if let Value::Lazy(o) = outer {
                        o.set(realized.clone());
                    }
                }
                l.set(realized);
                l.clone()
            }
            Value::Delay(d) => {
                d.set(v);
                d.clone()
            }
            _ => {
                return Err(Error::new(
                    ErrorType::Internal,
                    "a realize trampoline lost its cell",
                ));
            }
        };
        if matches!(self.stack[base + WALK], Value::Bool(true))
            && let Some(next) = lazy.get().and_then(value::unrealized_spine)
        {
            self.set_ip(0);
            return self.run_thunk(base, top, Value::Lazy(next));
        }
        self.set_ip(1);
        match std::mem::take(&mut self.stack[base + RETRY]) {
            Value::Builtin(b) => {
                let int = |v: &Value| match v {
                    Value::Int(i) => *i as usize,
                    _ => 0,
                };
                let args_at = base - int(&self.stack[base + ARGS_BELOW]);
                let argc = int(&self.stack[base + ARGC]);
                self.call_builtin(b, argc, args_at, base + VALUE).map(drop)
            }
            Value::Nil => {
                self.stack[base + VALUE] = cell;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn set_ip(&mut self, ip: u32) {
        self.frames.last_mut().expect("the trampoline").ip = ip;
    }
}

struct Retry {
    builtin: Value,
    below: usize,
    argc: usize,
}

/// What a lazy seq's body returned, as the seq the cell holds: nil, a
/// non-empty list or a cons.
fn seq_value(v: Value) -> Result<Value, Error> {
    Ok(match v {
        Value::Lazy(l) => l.get().cloned().unwrap_or_default(),
        Value::Cons(_) | Value::Chunked(_) | Value::Nil => v,
        other => crate::builtins::seq_of(&other).map_err(|_| {
            Error::type_mismatch(format!(
                "a lazy seq's body must return a seq, a collection or nil, got {}",
                value::described(&other)
            ))
            .with_hint("end the body with (cons x (lazy-seq ...)), a collection, or nil")
        })?,
    })
}
