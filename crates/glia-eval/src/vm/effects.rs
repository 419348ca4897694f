//! Algebraic effects: `with-effect-handler`, `perform` and `resume`, as
//! deep handlers with one-shot continuations, on the VM's heap stack.
//!
//! `(with-effect-handler target handler body...)` compiles to `Op::Handle`,
//! which records an `EffectHandler` owned by the running frame and calls
//! the body as a thunk in the frame above it. A `perform` finds the
//! innermost handler in scope and runs it *in place*: a trampoline frame
//! (`Op::HandlerReturn`) and the handler's frame go on top of the performer,
//! and a `Handling` marks the frames from the thunk to the performer (the
//! *segment*) as suspended: handlers, `try`s and dynamic bindings made in it
//! are out of scope until it resumes. Nothing is copied at the perform.
//!
//! - A handler that resumes as its last act (a tail call of `resume`) pops
//!   its own frame and the trampoline, and the performer continues: the
//!   common, tail-resumptive case never moves the stack.
//! - A handler that resumes in any other way cuts the segment out and
//!   pastes it above its own frames, with a second trampoline
//!   (`Op::ResumeDone`) under it that ends the handler's scope when the body
//!   finishes and returns the body's value to the `resume` call.
//! - A handler that returns without resuming aborts: its value is the
//!   `with-effect-handler` form's. The segment is cut out and dropped, or,
//!   if the continuation was kept somewhere, kept in it to be resumed later
//!   (the state-passing idiom returns a fn that resumes).
//!
//! Everything indexed by frame or register (frames, `try` handlers, effect
//! handlers, handlings, dynamic bindings) is kept in stack order, so a cut
//! or a paste moves one contiguous range of each.

use std::cell::Cell;
use std::rc::Rc;

use super::trace::{EffectEvent, Taker};
use super::{Frame, Vm};
use crate::chunk::{Closure, Code, FnProto, Op};
use crate::error::{Error, ErrorType, Exception};
use crate::value::cap::Capability;
use crate::value::{self, Value};

/// The rest of a computation suspended at a `perform`: the `resume` a
/// handler receives. One-shot: it can be resumed once, also after its
/// handler returned, but not after an exception unwound it.
#[derive(Debug)]
pub struct Continuation {
    effect: Value,
    state: Cell<State>,
    /// False for a thrown exception: `throw` does not return.
    resumable: bool,
    /// The segment, once its handler returned without resuming it.
    detached: std::cell::RefCell<Option<Box<Segment>>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Suspended,
    Resumed,
    Abandoned,
}

impl Continuation {
    /// The effect it was performed for, printed.
    pub fn effect_name(&self) -> String {
        value::pr_str(&self.effect)
    }
}

/// An installed `with-effect-handler`.
#[derive(Debug)]
pub(crate) struct EffectHandler {
    target: Value,
    handler: Value,
    /// The frame that installed it; the handled body runs in the frame above.
    owner: usize,
    /// Dynamic-binding depths when it was installed.
    bindings: usize,
    marks: usize,
}

/// A `perform` whose handler is running (or whose handler's frames are
/// waiting for a resumed continuation).
#[derive(Debug)]
pub(crate) struct Handling {
    cont: Rc<Continuation>,
    /// The suspended segment: frames `thunk..tramp`, the body's thunk to the
    /// performer; `tramp` is the trampoline under the handler.
    thunk: usize,
    tramp: usize,
    /// The performer's register that receives the resumed value.
    dst: usize,
    /// Dynamic-binding depths at the perform.
    bindings: usize,
    marks: usize,
}

/// The code of the trampoline frames, and the keywords effects compare
/// with, made once per VM.
#[derive(Debug)]
pub(crate) struct Trampolines {
    handler_return: Rc<Closure>,
    resume_done: Rc<Closure>,
    abort_done: Rc<Closure>,
    /// Under a lazy seq's thunk (see `realize`).
    pub(crate) realized: Rc<Closure>,
    /// Under each call of a chunk loop (see `chunks`).
    pub(crate) chunk_step: Rc<Closure>,
    /// `:glia.exception`, interned once: every perform compares with it.
    exception: value::Keyword,
}

impl Trampolines {
    /// Whether a frame running `closure` is one of the trampolines.
    pub(crate) fn holds(&self, closure: &Rc<Closure>) -> bool {
        [
            &self.handler_return,
            &self.resume_done,
            &self.abort_done,
            &self.realized,
            &self.chunk_step,
        ]
        .into_iter()
        .any(|t| Rc::ptr_eq(closure, t))
    }

    pub(crate) fn new() -> Trampolines {
        let make = |name: &str, ops: Vec<Op>, slots: u16| {
            let code = Code {
                spans: vec![glia_syntax::Span::default(); ops.len()],
                ops,
                consts: Vec::new(),
                vars: Vec::new(),
                fns: Vec::new(),
                params: 0,
                variadic: false,
                slots,
                name: name.into(),
                source: Rc::new(crate::Source::new(name, "")),
            };
            Rc::new(Closure {
                proto: Rc::new(FnProto {
                    name: name.into(),
                    fixed: vec![Rc::new(code)],
                    variadic: None,
                    captures: Vec::new(),
                }),
                captured: Box::new([]),
                meta: None,
            })
        };
        Trampolines {
            // Register 0 receives the handler's value; 1 and 2 hold its
            // arguments (the handler's frame starts there).
            handler_return: make("with-effect-handler", vec![Op::HandlerReturn], 3),
            resume_done: make("resume", vec![Op::ResumeDone], 0),
            // Register 0 receives the unwinding signal.
            abort_done: make("abort", vec![Op::AbortDone], 1),
            realized: make(
                "lazy-seq",
                vec![Op::Realized, Op::Return { src: 0 }],
                super::realize::SLOTS,
            ),
            chunk_step: make(
                "chunk",
                vec![Op::ChunkStep, Op::Return { src: 0 }],
                super::chunks::SLOTS,
            ),
            exception: value::Keyword::intern(None, "glia.exception"),
        }
    }
}

/// A suspended segment cut out of the stack, every index in it relative
/// to its start: frames to the thunk, registers to the thunk's base,
/// bindings and marks to the first made in the body.
#[derive(Debug)]
struct Segment {
    handler: EffectHandler,
    frames: Vec<Frame>,
    regs: Vec<Value>,
    records: Vec<EffectHandler>,
    tries: Vec<super::Handler>,
    handlings: Vec<Handling>,
    bindings: Vec<(Rc<crate::namespace::Var>, Value)>,
    marks: Vec<usize>,
    /// The performer's register for the resumed value.
    dst: usize,
}

/// Handler targets compare by `=`; keywords, the common case, by identity
/// first.
#[inline]
fn same_target(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Keyword(x), Value::Keyword(y)) => x == y,
        // A handler on a capability sees calls through all its copies.
        (Value::Cap(x), Value::Cap(y)) => x.same_origin(y),
        _ => a == b,
    }
}

fn methods_text(cap: &Capability) -> String {
    if cap.allowed.is_empty() {
        return "none".to_string();
    }
    cap.allowed
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a cut or a paste moves the indices of what it carries: frames,
/// registers, dynamic bindings and binding marks, each down or up. Only
/// indices at or above `from` move: what lies above a cut segment may
/// still point below it (a handling whose own segment encloses the one
/// cut out keeps its start).
#[derive(Clone, Copy)]
struct Shift {
    by: [isize; 4],
    from: [usize; 4],
}

impl Shift {
    /// Everything moves down by these amounts.
    fn down(frames: usize, regs: usize, bindings: usize, marks: usize) -> Shift {
        let neg = |n: usize| -(n as isize);
        Shift {
            by: [neg(frames), neg(regs), neg(bindings), neg(marks)],
            from: [0; 4],
        }
    }

    /// Indices at or above `from` move down by these amounts.
    fn down_from(amounts: [usize; 4], from: [usize; 4]) -> Shift {
        Shift {
            from,
            ..Shift::down(amounts[0], amounts[1], amounts[2], amounts[3])
        }
    }

    fn up(frames: usize, regs: usize, bindings: usize, marks: usize) -> Shift {
        Shift {
            by: [
                frames as isize,
                regs as isize,
                bindings as isize,
                marks as isize,
            ],
            from: [0; 4],
        }
    }

    fn frame(self, i: &mut usize) {
        self.apply(0, i);
    }
    fn reg(self, i: &mut usize) {
        self.apply(1, i);
    }
    fn binding(self, i: &mut usize) {
        self.apply(2, i);
    }
    fn mark(self, i: &mut usize) {
        self.apply(3, i);
    }

    /// A frame's window and the register it returns to.
    fn frame_window(self, f: &mut Frame) {
        for r in [&mut f.base, &mut f.top, &mut f.ret] {
            let mut i = *r as usize;
            self.reg(&mut i);
            *r = i as u32;
        }
    }

    fn apply(self, kind: usize, i: &mut usize) {
        if *i >= self.from[kind] {
            *i = i.wrapping_add_signed(self.by[kind]);
        }
    }
}

/// What lives beside the frames, in stack order, and points into them.
trait Indexed {
    /// The frame it belongs to.
    fn frame(&self) -> usize;
    fn shift(&mut self, by: Shift);
}

impl Indexed for EffectHandler {
    fn frame(&self) -> usize {
        self.owner
    }
    fn shift(&mut self, by: Shift) {
        by.frame(&mut self.owner);
        by.binding(&mut self.bindings);
        by.mark(&mut self.marks);
    }
}

impl Indexed for super::Handler {
    fn frame(&self) -> usize {
        self.frames - 1
    }
    fn shift(&mut self, by: Shift) {
        by.frame(&mut self.frames);
        by.reg(&mut self.ex);
        by.binding(&mut self.bindings);
        by.mark(&mut self.binding_marks);
    }
}

impl Indexed for Handling {
    fn frame(&self) -> usize {
        self.tramp
    }
    fn shift(&mut self, by: Shift) {
        by.frame(&mut self.thunk);
        by.frame(&mut self.tramp);
        by.reg(&mut self.dst);
        by.binding(&mut self.bindings);
        by.mark(&mut self.marks);
    }
}

/// Takes the items of frames `thunk..tramp` out of `items` (shifted by
/// `into`) and moves the ones above down (by `above`).
fn split_off<T: Indexed>(
    items: &mut Vec<T>,
    thunk: usize,
    tramp: usize,
    into: Shift,
    above: Shift,
) -> Vec<T> {
    let mut taken = Vec::new();
    let mut kept = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        let frame = item.frame();
        if (thunk..tramp).contains(&frame) {
            item.shift(into);
            taken.push(item);
        } else {
            if frame >= tramp {
                item.shift(above);
            }
            kept.push(item);
        }
    }
    *items = kept;
    taken
}

/// Puts a segment's items back on top, shifted by `back`.
fn append<T: Indexed>(items: &mut Vec<T>, segment: Vec<T>, back: Shift) {
    items.extend(segment.into_iter().map(|mut item| {
        item.shift(back);
        item
    }));
}

impl Vm {
    /// `Op::Handle`: installs the handler and calls the body thunk.
    #[inline(never)]
    pub(crate) fn handle(&mut self, base: usize, dst: usize) -> Result<bool, Error> {
        let target = self.stack[base].clone();
        if !matches!(target, Value::Keyword(_) | Value::Cap(_)) {
            return Err(Error::type_mismatch(format!(
                "`with-effect-handler` handles a keyword effect or a capability, not {}",
                value::described(&target)
            ))
            .with_hint("usage: (with-effect-handler :my/effect (fn [data resume] ...) body...)"));
        }
        let handler = self.stack[base + 1].clone();
        let thunk = std::mem::take(&mut self.stack[base + 2]);
        self.effect_handlers.push(EffectHandler {
            target,
            handler,
            owner: self.frames.len() - 1,
            bindings: self.bindings.len(),
            marks: self.binding_marks.len(),
        });
        self.invoke(thunk, 0, base + 3, dst)
    }

    /// `Op::Unhandle`, and the end of a resumed continuation: removes the
    /// handler the running frame owns, if it still owns one.
    #[inline(never)]
    pub(crate) fn unhandle(&mut self) {
        let owner = self.frames.len() - 1;
        if let Some(i) = self.effect_handlers.iter().rposition(|h| h.owner == owner) {
            self.effect_handlers.remove(i);
        }
    }

    /// The record of the handler whose handling `h` is: the one that
    /// installed the segment's body.
    fn record_of(&self, h: &Handling) -> Option<usize> {
        self.effect_handlers
            .iter()
            .rposition(|r| r.owner + 1 == h.thunk)
    }

    /// Whether frame `frame` belongs to a suspended segment.
    fn suspended(&self, frame: usize) -> bool {
        self.handlings
            .iter()
            .any(|h| h.thunk <= frame && frame < h.tramp)
    }

    /// Whether dynamic binding `i` is visible: not made inside a suspended
    /// body (a handler runs outside the body it handles).
    pub(crate) fn binding_in_scope(&self, i: usize) -> bool {
        self.handlings.iter().all(|h| {
            let from = self
                .record_of(h)
                .map_or(h.bindings, |r| self.effect_handlers[r].bindings);
            !(from <= i && i < h.bindings)
        })
    }

    /// Whether the `try` handler installed by frame `frame` can catch now.
    pub(crate) fn try_in_scope(&self, frame: usize) -> bool {
        self.handlings.is_empty() || !self.suspended(frame)
    }

    /// The innermost handler in scope for `target`: not installed inside a
    /// suspended segment, and not one whose own handler is running.
    ///
    /// Segments nest: a handling pushed later either contains an earlier
    /// one's segment or lies above it. So one walk down the records, with
    /// the newest handling not yet passed at hand, decides each record, and
    /// a suspended segment (with the handlings inside it) is skipped at once
    /// by binary search: a handler that forwards its effect outwards from
    /// deep inside others (handler_sieve) pays no more than a logarithm.
    #[inline(always)]
    fn handler_for(&self, target: &Value) -> Option<usize> {
        let (records, hs) = (&self.effect_handlers, &self.handlings);
        let (mut i, mut j) = (records.len(), hs.len());
        while i > 0 {
            i -= 1;
            let r = &records[i];
            if r.owner < self.floor {
                return None;
            }
            let body = r.owner + 1;
            // Handlings whose segments lie wholly above this body no longer
            // matter, nor do the ones inside those segments.
            while j > 0 && hs[j - 1].thunk > body {
                let thunk = hs[j - 1].thunk;
                j = hs[..j].partition_point(|h| h.tramp < thunk);
            }
            if j > 0 && body < hs[j - 1].tramp {
                let thunk = hs[j - 1].thunk;
                i = records[..i].partition_point(|r| r.owner + 1 < thunk);
                j = hs[..j].partition_point(|h| h.tramp < thunk);
                continue;
            }
            if same_target(&r.target, target) {
                return Some(i);
            }
        }
        None
    }

    /// `(perform target args...)`: suspends the performer and runs the
    /// handler on top of it. The performer's `ret` register receives the
    /// value it is resumed with.
    pub(crate) fn perform(
        &mut self,
        argc: usize,
        args_at: usize,
        ret: usize,
    ) -> Result<bool, Error> {
        let target = std::mem::take(&mut self.stack[args_at]);
        if let Value::Cap(cap) = &target {
            let cap = cap.clone();
            return self.perform_cap(cap, target, argc, args_at, ret);
        }
        let data = match argc {
            1 => Value::Nil,
            2 => std::mem::take(&mut self.stack[args_at + 1]),
            _ => self.take_list(args_at + 1, argc - 1),
        };
        if matches!(&target, Value::Keyword(k) if *k == self.trampolines.exception) {
            // `throw` is this effect: `try` and :glia.exception handlers
            // alike take it, and it does not return.
            return Err(Error::thrown(data));
        }
        let Some(i) = self.handler_for(&target) else {
            // The embedding's turn, if the run can wait for it.
            return self.offer_to_host(target, data, ret);
        };
        self.traced_perform(&target, &data, Taker::Handler);
        self.run_handler(i, target, data, ret, true)?;
        Ok(true)
    }

    /// `(perform cap :method args...)`: a handler installed on the
    /// capability (on any copy of it) interposes; else a `defcap`
    /// capability's fn for the method runs, or the embedding answers.
    fn perform_cap(
        &mut self,
        cap: Rc<Capability>,
        target: Value,
        argc: usize,
        args_at: usize,
        ret: usize,
    ) -> Result<bool, Error> {
        let method = match self.stack.get(args_at + 1).filter(|_| argc > 1) {
            Some(Value::Keyword(m)) => m.clone(),
            other => {
                return Err(Error::type_mismatch(format!(
                    "a capability is performed with a method keyword, not {}",
                    other.map_or("nothing".to_string(), value::described)
                ))
                .with_hint(format!(
                    "usage: (perform {} :method args...); its methods: {}",
                    cap.origin.name,
                    methods_text(&cap)
                )));
            }
        };
        if !cap.allows(&method) {
            let known = cap.origin.methods.contains(&method);
            return Err(Error::new(
                ErrorType::PermissionDenied,
                format!("the capability {} does not allow {method}", cap.origin.name),
            )
            .with_hint(if known {
                format!("this copy was attenuated to {}", methods_text(&cap))
            } else {
                format!("its methods: {}", methods_text(&cap))
            })
            .with_data(Value::Map(Rc::new(
                [
                    (Value::keyword(None, "capability"), Value::Cap(cap.clone())),
                    (Value::keyword(None, "method"), Value::Keyword(method)),
                ]
                .into_iter()
                .collect(),
            ))));
        }
        if let Some(i) = self.handler_for(&target) {
            let data = self.take_list(args_at + 1, argc - 1);
            self.traced_perform(&target, &data, Taker::Handler);
            self.run_handler(i, target, data, ret, true)?;
            return Ok(true);
        }
        if let Some(f) = cap.method_fn(&method).cloned() {
            if self.tracer.is_some() {
                let data = Value::list(self.stack[args_at + 1..args_at + argc].iter().cloned());
                self.traced_perform(&target, &data, Taker::Capability);
            }
            // The method's fn runs on the arguments where they stand.
            self.stack[args_at + 1] = Value::Nil;
            return self.invoke(f, argc - 2, args_at + 2, ret);
        }
        let data = self.take_list(args_at + 1, argc - 1);
        self.offer_to_host(target, data, ret)
    }

    /// An effect no Glia handler takes: suspends the run for the embedding
    /// if it can wait (`host`), else raises `:glia.error/unhandled-effect`.
    /// A suspension leaves the interpreter loop as an error does (`raise`
    /// sees the waiting perform), so the loop never checks for it.
    fn offer_to_host(&mut self, target: Value, data: Value, dst: usize) -> Result<bool, Error> {
        if !self.suspendable {
            return Err(self.unhandled(&target));
        }
        self.traced_perform(&target, &data, Taker::Host);
        self.host_wait = Some(super::host::Wait { target, data, dst });
        Err(Error::new(
            ErrorType::Internal,
            "suspended for the embedding",
        ))
    }

    #[inline]
    fn traced_perform(&mut self, target: &Value, data: &Value, by: Taker) {
        if self.tracer.is_some() {
            self.trace(&EffectEvent::Perform { target, data, by });
        }
    }

    /// The `n` registers from `at`, taken, as a list.
    fn take_list(&mut self, at: usize, n: usize) -> Value {
        Value::List(value::List::from_iter_rc(
            self.stack[at..at + n]
                .iter_mut()
                .map(std::mem::take)
                .collect::<Vec<_>>(),
        ))
    }

    /// Runs the handler of record `i` for an effect on top of the stack:
    /// the trampoline, then the handler's frame (or its result, for a
    /// builtin). `dst` is the performer's register for the resumed value.
    #[inline(always)]
    fn run_handler(
        &mut self,
        i: usize,
        target: Value,
        data: Value,
        dst: usize,
        resumable: bool,
    ) -> Result<(), Error> {
        let (owner, handler) = {
            let h = &self.effect_handlers[i];
            (h.owner, h.handler.clone())
        };
        let cont = match self.spare_cont.take().filter(|c| Rc::strong_count(c) == 1) {
            Some(mut spare) => {
                let c = Rc::get_mut(&mut spare).expect("unshared");
                c.effect = target;
                c.state.set(State::Suspended);
                c.resumable = resumable;
                spare
            }
            None => Rc::new(Continuation {
                effect: target,
                state: Cell::new(State::Suspended),
                resumable,
                detached: std::cell::RefCell::new(None),
            }),
        };
        let base = self.innermost_top();
        let closure = self.trampolines.handler_return.clone();
        let code = closure.proto.fixed[0].clone();
        let top = base + code.slots as usize;
        self.ensure(top);
        // The trampoline returns to where the body's thunk would have.
        let body_ret = self.frames[owner + 1].ret as usize;
        self.push_frame(closure, code, base, top, body_ret);
        self.handlings.push(Handling {
            cont: cont.clone(),
            thunk: owner + 1,
            tramp: self.frames.len() - 1,
            dst,
            bindings: self.bindings.len(),
            marks: self.binding_marks.len(),
        });
        self.stack[base + 1] = data;
        self.stack[base + 2] = Value::Cont(cont);
        match handler {
            Value::Fn(f) => self.enter_fast(f, 2, base + 1, base),
            other => self.invoke(other, 2, base + 1, base).map(drop),
        }
    }

    /// A thrown exception, offered to the innermost `:glia.exception`
    /// handler if one is in scope and inside the innermost `try` that can
    /// catch (`try_frame`, the frame that installed it). `Ok(true)`: its
    /// handler runs next; the exception cannot be resumed.
    #[inline(never)]
    pub(crate) fn throw_to_handler(
        &mut self,
        ex: &Rc<crate::error::Exception>,
        try_frame: Option<usize>,
    ) -> Result<bool, Error> {
        if self.effect_handlers.is_empty() {
            return Ok(false);
        }
        let target = Value::Keyword(self.trampolines.exception.clone());
        let Some(i) = self.handler_for(&target) else {
            return Ok(false);
        };
        // A `try` in the frame that installed the handler encloses it.
        if try_frame.is_some_and(|t| t > self.effect_handlers[i].owner) {
            return Ok(false);
        }
        let scratch = self.innermost_top();
        let data = Value::Error(ex.clone());
        self.traced_perform(&target, &data, Taker::Handler);
        self.run_handler(i, target, data, scratch, false)?;
        Ok(true)
    }

    pub(crate) fn unhandled(&self, target: &Value) -> Error {
        let mut in_scope: Vec<String> = Vec::new();
        for h in self.effect_handlers.iter().rev() {
            let name = value::pr_str(&h.target);
            if h.owner >= self.floor && !self.suspended(h.owner + 1) && !in_scope.contains(&name) {
                in_scope.push(name);
            }
        }
        let hint = if in_scope.is_empty() {
            "no effect handler is in scope; wrap the code in (with-effect-handler ...), or let the embedding handle it".to_string()
        } else {
            format!("handlers in scope: {}", in_scope.join(", "))
        };
        Error::new(
            ErrorType::UnhandledEffect,
            format!("unhandled effect {}", value::pr_str(target)),
        )
        .with_hint(hint)
        .with_data(Value::Map(Rc::new(
            [(
                Value::Keyword(value::Keyword::intern(None, "effect")),
                target.clone(),
            )]
            .into_iter()
            .collect(),
        )))
    }

    /// Calls a continuation: `(resume v)`. `tail`: the call is in tail
    /// position (a handler resuming as its last act takes the fast path).
    pub(crate) fn resume(
        &mut self,
        k: Rc<Continuation>,
        argc: usize,
        args_at: usize,
        ret: usize,
        tail: bool,
    ) -> Result<bool, Error> {
        if argc > 1 {
            return Err(Error::new(
                ErrorType::Arity,
                format!("wrong number of arguments ({argc}) passed to a continuation"),
            )
            .with_hint("resume takes the value for the perform: (resume v), or (resume) for nil"));
        }
        let v = if argc == 1 {
            std::mem::take(&mut self.stack[args_at])
        } else {
            Value::Nil
        };
        match k.state.get() {
            State::Suspended => {}
            State::Resumed => {
                return Err(Error::new(
                    ErrorType::ContinuationAlreadyResumed,
                    format!(
                        "the continuation of {} was already resumed",
                        k.effect_name()
                    ),
                )
                .with_hint("a continuation is one-shot: call resume at most once"));
            }
            State::Abandoned => {
                return Err(Error::new(
                    ErrorType::ContinuationAbandoned,
                    format!(
                        "the continuation of {} was abandoned: an exception unwound the computation it would resume",
                        k.effect_name()
                    ),
                )
                .with_hint("resume a continuation before an exception leaves its handler or body"));
            }
        }
        if !k.resumable {
            return Err(Error::illegal_argument("an exception cannot be resumed").with_hint(
                "return a value from the :glia.exception handler instead: it becomes the value of the with-effect-handler form",
            ));
        }
        k.state.set(State::Resumed);
        if self.tracer.is_some() {
            self.trace(&EffectEvent::Resume {
                target: &k.effect,
                value: &v,
            });
        }
        let detached = k.detached.borrow_mut().take();
        if let Some(segment) = detached {
            let dst = self.paste(*segment, ret);
            self.set(dst, v);
            return Ok(true);
        }
        let Some(at) = self.handlings.iter().rposition(|h| Rc::ptr_eq(&h.cont, &k)) else {
            // A handling is only dropped with its continuation marked.
            return Err(Error::new(
                ErrorType::Internal,
                "a suspended continuation without its handling",
            ));
        };
        let n = self.frames.len();
        if tail && at + 1 == self.handlings.len() && self.handlings[at].tramp + 2 == n {
            // Tail-resumptive: the handler's frame and the trampoline go,
            // and the performer continues where it stands.
            let h = self.handlings.pop().expect("handling");
            for _ in 0..2 {
                let f = self.frames.pop().expect("handler frame");
                self.clear(f.base as usize, f.top as usize);
            }
            self.set(h.dst, v);
            drop(h);
            // Nobody kept it: the next perform reuses it (no allocation in
            // a tail-resumptive loop).
            if Rc::strong_count(&k) == 1 {
                self.spare_cont = Some(k);
            }
            return Ok(true);
        }
        let (segment, above) = self.cut(at);
        let mut ret = ret;
        above.reg(&mut ret);
        let dst = self.paste(segment, ret);
        self.set(dst, v);
        Ok(true)
    }

    /// Cuts the segment of handling `at` out of the stack; what was above
    /// it moves down as the returned shift says.
    fn cut(&mut self, at: usize) -> (Segment, Shift) {
        let h = self.handlings.remove(at);
        let (thunk, tramp) = (h.thunk, h.tramp);
        let record = self
            .record_of(&h)
            .expect("the handler of a suspended segment");
        let handler = self.effect_handlers.remove(record);
        let n = tramp - thunk;
        let (reg_lo, reg_mid) = (
            self.frames[thunk].base as usize,
            self.frames[tramp].base as usize,
        );
        let regs_n = reg_mid - reg_lo;
        let (bind_lo, bind_mid) = (handler.bindings, h.bindings);
        let binds_n = bind_mid - bind_lo;
        let (mark_lo, mark_mid) = (handler.marks, h.marks);
        let marks_n = mark_mid - mark_lo;

        // Registers: the segment's are taken, the ones above slide down.
        let reg_hi = self.innermost_top();
        let regs: Vec<Value> = self.stack[reg_lo..reg_mid]
            .iter_mut()
            .map(std::mem::take)
            .collect();
        self.stack[reg_lo..reg_hi].rotate_left(regs_n);

        // Into the segment, indices become relative to its start; above
        // it, they move down by its size.
        let into = Shift::down(thunk, reg_lo, bind_lo, mark_lo);
        let above = Shift::down_from(
            [n, regs_n, binds_n, marks_n],
            [tramp, reg_mid, bind_mid, mark_mid],
        );
        let mut frames: Vec<Frame> = self.frames.drain(thunk..tramp).collect();
        for f in &mut frames {
            into.frame_window(f);
        }
        for f in &mut self.frames[thunk..] {
            above.frame_window(f);
        }
        let records = split_off(&mut self.effect_handlers, thunk, tramp, into, above);
        let tries = split_off(&mut self.handlers, thunk, tramp, into, above);
        let handlings = split_off(&mut self.handlings, thunk, tramp, into, above);

        let bindings: Vec<_> = self.bindings.drain(bind_lo..bind_mid).collect();
        let mut marks: Vec<usize> = self.binding_marks.drain(mark_lo..mark_mid).collect();
        for m in &mut marks {
            *m -= bind_lo;
        }
        for m in &mut self.binding_marks[mark_lo..] {
            *m -= binds_n;
        }

        let segment = Segment {
            handler,
            frames,
            regs,
            records,
            tries,
            handlings,
            bindings,
            marks,
            dst: h.dst - reg_lo,
        };
        (segment, above)
    }

    /// Pastes a segment on top of the stack, over a `ResumeDone`
    /// trampoline that returns the body's value to `ret`. Returns the
    /// performer's register for the resumed value.
    fn paste(&mut self, s: Segment, ret: usize) -> usize {
        let done = self.trampolines.resume_done.clone();
        self.paste_over(s, done, Some(ret))
    }

    /// Pastes a segment over the trampoline `under`. `ret`: where the
    /// body's value goes (`None`: the trampoline's register 0, whose `try`
    /// catches everything, so that the segment unwinds no further).
    fn paste_over(&mut self, s: Segment, under: Rc<Closure>, ret: Option<usize>) -> usize {
        let base = self.innermost_top();
        let code = under.proto.fixed[0].clone();
        let reg_at = base + code.slots as usize;
        self.ensure(reg_at);
        self.push_frame(under, code, base, reg_at, base);
        let ret = match ret {
            Some(r) => r,
            None => {
                self.handlers.push(super::Handler {
                    frames: self.frames.len(),
                    ip: 0,
                    ex: base,
                    bindings: self.bindings.len(),
                    binding_marks: self.binding_marks.len(),
                });
                base
            }
        };
        let rb = self.frames.len() - 1;
        let frame_at = rb + 1;
        let (bind_at, mark_at) = (self.bindings.len(), self.binding_marks.len());

        // A frame's window can reach past the segment's registers (a frame
        // with many registers that called from a low one): every window
        // must exist again.
        let tops = s.frames.iter().map(|f| f.top as usize).max().unwrap_or(0);
        self.ensure(reg_at + s.regs.len().max(tops));
        for (i, v) in s.regs.into_iter().enumerate() {
            self.stack[reg_at + i] = v;
        }
        for (i, mut f) in s.frames.into_iter().enumerate() {
            f.base += reg_at as u32;
            f.top += reg_at as u32;
            f.ret = if i == 0 {
                ret as u32
            } else {
                f.ret + reg_at as u32
            };
            self.frames.push(f);
        }
        self.effect_handlers.push(EffectHandler {
            owner: rb,
            bindings: bind_at,
            marks: mark_at,
            ..s.handler
        });
        let back = Shift::up(frame_at, reg_at, bind_at, mark_at);
        append(&mut self.effect_handlers, s.records, back);
        append(&mut self.handlers, s.tries, back);
        append(&mut self.handlings, s.handlings, back);
        self.bindings.extend(s.bindings);
        self.binding_marks
            .extend(s.marks.into_iter().map(|m| m + bind_at));
        s.dst + reg_at
    }

    /// `Op::HandlerReturn`, run when a handler returns `v`: if it never
    /// resumed its continuation, the body is aborted. Its segment is kept
    /// in the continuation if that is still reachable; else it is dropped,
    /// after running the `finally` blocks in it: then the segment goes back
    /// on top over an `AbortDone` trampoline, the handler's value waits in
    /// this frame (which will run again), and the returned signal is to be
    /// thrown at the performer. `Ok(v)`: return `v` now.
    #[inline(never)]
    pub(crate) fn handler_returned(&mut self, v: Value) -> Result<Value, Rc<Exception>> {
        let tramp = self.frames.len() - 1;
        if self.handlings.last().is_none_or(|h| h.tramp != tramp) {
            return Ok(v);
        }
        let at = self.handlings.len() - 1;
        let cont = self.handlings[at].cont.clone();
        if self.tracer.is_some() {
            self.trace(&EffectEvent::Abort {
                target: &cont.effect,
            });
        }
        let (segment, _) = self.cut(at);
        // `cut` dropped the handling's reference: any other than `cont` is
        // one the program kept (in an atom, a closure, the handler's value).
        if Rc::strong_count(&cont) > 1 {
            *cont.detached.borrow_mut() = Some(Box::new(segment));
            return Ok(v);
        }
        cont.state.set(State::Abandoned);
        for g in &segment.handlings {
            g.cont.state.set(State::Abandoned);
        }
        if segment.tries.is_empty() {
            return Ok(v);
        }
        // The trampoline moved down with the cut; it keeps the value and
        // runs its `HandlerReturn` again once the unwinding is over.
        let tramp = self.frames.len() - 1;
        let slot = self.frames[tramp].base as usize;
        self.stack[slot] = v;
        self.frames[tramp].ip = 0;
        let abort = self.trampolines.abort_done.clone();
        self.paste_over(segment, abort, None);
        let mut signal = Exception::from_error(Error::new(
            ErrorType::Internal,
            "the body was aborted by its effect handler",
        ));
        signal.abort = true;
        Err(Rc::new(signal))
    }

    /// `Op::AbortDone`: the unwinding of an aborted body reached its end.
    /// Ends the handler's scope and gives back any other exception a
    /// `finally` block threw on the way, to go on from the trampoline
    /// below.
    #[inline(never)]
    pub(crate) fn abort_done(&mut self) -> Option<Value> {
        let f = self.frames.last().expect("the abort trampoline");
        let caught = std::mem::take(&mut self.stack[f.base as usize]);
        self.unhandle();
        let f = self.frames.pop().expect("the abort trampoline");
        self.clear(f.base as usize, f.top as usize);
        match &caught {
            Value::Error(e) if e.abort => None,
            _ => Some(caught),
        }
    }

    /// Drops the effect state of frames at or above `frames` (an unwinding
    /// throw or an error leaving a run).
    pub(crate) fn unwind_effects(&mut self, frames: usize) {
        self.effect_handlers.retain(|r| r.owner < frames);
        self.handlings.retain(|g| {
            let gone = g.tramp >= frames;
            if gone {
                g.cont.state.set(State::Abandoned);
            }
            !gone
        });
    }
}
