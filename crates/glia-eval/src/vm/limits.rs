//! Sandbox limits of one evaluation: fuel, allocation, stack depth,
//! wall-clock deadline and an interrupt flag.
//!
//! The VM counts down a small instruction budget (`tick`); only when it runs
//! out does it look at the clock, the interrupt flag, the fuel left and the
//! bytes allocated. So the checks cost one decrement per instruction.

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::Error;

/// Instructions between two looks at the clock and the interrupt flag.
pub const TICK: u32 = 4096;

/// The default maximum call depth: deep enough for a million-deep non-tail
/// recursion, small enough that runaway recursion fails in well under a
/// gigabyte.
pub const DEFAULT_MAX_DEPTH: usize = 2_000_000;

#[derive(Clone, Debug)]
pub struct Limits {
    /// VM instructions per evaluation.
    pub fuel: Option<u64>,
    /// Bytes allocated by Glia values per evaluation.
    pub memory: Option<u64>,
    /// Frames on the call stack.
    pub max_depth: usize,
    /// Wall-clock time per evaluation.
    pub timeout: Option<Duration>,
    /// Set from another thread (Ctrl-C) to end the current evaluation.
    pub interrupt: Arc<AtomicBool>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: None,
            memory: None,
            max_depth: DEFAULT_MAX_DEPTH,
            timeout: None,
            interrupt: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// The kinds of limit, each an uncatchable error type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exceeded {
    Fuel,
    Memory,
    Depth,
    Deadline,
    Interrupted,
}

impl Exceeded {
    pub fn type_name(self) -> &'static str {
        match self {
            Exceeded::Fuel => "fuel-exhausted",
            Exceeded::Memory => "memory-limit",
            Exceeded::Depth => "stack-overflow",
            Exceeded::Deadline => "deadline-exceeded",
            Exceeded::Interrupted => "interrupted",
        }
    }

    pub fn error(self, limits: &Limits) -> Error {
        let (message, hint) = match self {
            Exceeded::Fuel => (
                format!("evaluation ran out of fuel ({} instructions)", limits.fuel.unwrap_or(0)),
                "raise the fuel budget (`--fuel`) or look for an endless loop".to_string(),
            ),
            Exceeded::Memory => (
                format!("evaluation allocated more than {} bytes", limits.memory.unwrap_or(0)),
                "raise the memory budget (`--max-memory`) or build smaller data".to_string(),
            ),
            Exceeded::Depth => (
                format!("stack overflow: more than {} nested calls", limits.max_depth),
                "look for recursion without a base case; use loop/recur or a tail call for long iterations".to_string(),
            ),
            Exceeded::Deadline => (
                format!(
                    "evaluation exceeded its time limit of {:?}",
                    limits.timeout.unwrap_or_default()
                ),
                "raise the time limit (`--timeout`) or look for an endless loop".to_string(),
            ),
            Exceeded::Interrupted => (
                "evaluation interrupted".to_string(),
                "the evaluation was stopped from outside (Ctrl-C)".to_string(),
            ),
        };
        let ty = crate::value::Keyword::intern(Some("glia.error"), self.type_name());
        Error::limit(ty, message).with_hint(hint)
    }
}

/// Builtin work (in fuel units) between two looks at the clock from inside
/// builtins.
const WORK_CHECK: u64 = 1 << 16;

/// What builtins need to enforce the limits of the running evaluation.
struct Watch {
    limits: Limits,
    deadline: Option<Instant>,
    fuel_left: u64,
}

thread_local! {
    static ALLOCATED: Cell<u64> = const { Cell::new(0) };
    static ALLOC_LIMIT: Cell<u64> = const { Cell::new(u64::MAX) };
    /// Fuel used inside builtins since the VM last accounted for it.
    static WORK: Cell<u64> = const { Cell::new(0) };
    static NEXT_CHECK: Cell<u64> = const { Cell::new(WORK_CHECK) };
    static WATCH: RefCell<Option<Watch>> = const { RefCell::new(None) };
}

/// Counts `bytes` against the running evaluation's memory budget, and the
/// work of building them against its fuel (one unit per 64 bytes); now and
/// then looks at the clock and the interrupt flag. Builtins call this
/// before they build values, so that no builtin can run past a limit (a
/// `(range 100000000)` meets the deadline while it builds). An error here
/// is uncatchable.
pub fn charge(bytes: usize) -> Result<(), Error> {
    let total = ALLOCATED.with(|a| {
        let t = a.get().saturating_add(bytes as u64);
        a.set(t);
        t
    });
    if total > ALLOC_LIMIT.with(Cell::get) {
        return Err(watched(Exceeded::Memory));
    }
    let work = WORK.with(|w| {
        let t = w.get() + bytes as u64 / 64 + 1;
        w.set(t);
        t
    });
    if work >= NEXT_CHECK.with(Cell::get) {
        NEXT_CHECK.with(|n| n.set(work + WORK_CHECK));
        let exceeded = WATCH.with(|w| {
            let w = w.borrow();
            let w = w.as_ref()?;
            if work >= w.fuel_left {
                Some(Exceeded::Fuel)
            } else if w.limits.interrupt.load(Ordering::Relaxed) {
                Some(Exceeded::Interrupted)
            } else if w.deadline.is_some_and(|d| Instant::now() >= d) {
                Some(Exceeded::Deadline)
            } else {
                None
            }
        });
        if let Some(e) = exceeded {
            return Err(watched(e));
        }
    }
    Ok(())
}

/// The error for a limit, with the numbers of the running evaluation.
fn watched(e: Exceeded) -> Error {
    WATCH.with(|w| match w.borrow().as_ref() {
        Some(w) => e.error(&w.limits),
        None => e.error(&Limits::default()),
    })
}

/// The state of the limits during one evaluation.
#[derive(Debug)]
pub struct Meter {
    pub fuel_left: u64,
    pub deadline: Option<Instant>,
    /// The budget handed out by the last refill, charged at the next.
    pub pending: u32,
}

impl Meter {
    pub fn start(limits: &Limits) -> Meter {
        ALLOCATED.with(|a| a.set(0));
        ALLOC_LIMIT.with(|l| l.set(limits.memory.unwrap_or(u64::MAX)));
        WORK.with(|w| w.set(0));
        NEXT_CHECK.with(|n| n.set(WORK_CHECK));
        limits.interrupt.store(false, Ordering::Relaxed);
        let fuel_left = limits.fuel.unwrap_or(u64::MAX);
        let deadline = limits.timeout.map(|t| Instant::now() + t);
        WATCH.with(|w| {
            *w.borrow_mut() = Some(Watch {
                limits: limits.clone(),
                deadline,
                fuel_left,
            })
        });
        Meter {
            fuel_left,
            deadline,
            pending: fuel_left.min(u64::from(TICK)) as u32,
        }
    }

    /// Accounts for `used` instructions (and the builtins' work since the
    /// last refill) and checks every limit; returns the next tick budget.
    pub fn refill(&mut self, used: u32, limits: &Limits) -> Result<u32, Exceeded> {
        let work = WORK.with(|w| w.replace(0));
        NEXT_CHECK.with(|n| n.set(WORK_CHECK));
        self.fuel_left = self
            .fuel_left
            .saturating_sub(u64::from(used))
            .saturating_sub(work);
        WATCH.with(|w| {
            if let Some(w) = w.borrow_mut().as_mut() {
                w.fuel_left = self.fuel_left;
            }
        });
        if self.fuel_left == 0 {
            return Err(Exceeded::Fuel);
        }
        if limits.interrupt.load(Ordering::Relaxed) {
            return Err(Exceeded::Interrupted);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Exceeded::Deadline);
        }
        if ALLOCATED.with(Cell::get) > ALLOC_LIMIT.with(Cell::get) {
            return Err(Exceeded::Memory);
        }
        self.pending = self.fuel_left.min(u64::from(TICK)) as u32;
        Ok(self.pending)
    }
}
