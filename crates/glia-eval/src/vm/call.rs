//! Calling: every callable value, arity selection, variadic rest
//! arguments, tail calls and `apply`.
//!
//! A call's arguments sit in consecutive registers from `args_at`; the
//! callee is passed by value; `ret` is the register that receives the
//! result. A closure's frame starts on its arguments, so nothing is copied.

use std::rc::Rc;

use crate::builtins::{Builtin, BuiltinFn, MANY};
use crate::chunk::{Closure, Code};
use crate::error::{Error, ErrorType};
use crate::namespace::Var;
use crate::value::{self, Value};

use super::{Exceeded, Frame, Vm};

impl Vm {
    /// Calls `callee`. `Ok(true)`: a frame was pushed and runs next;
    /// `Ok(false)`: the result is already on the stack at `ret`.
    pub(crate) fn invoke(
        &mut self,
        callee: Value,
        argc: usize,
        args_at: usize,
        ret: usize,
    ) -> Result<bool, Error> {
        match callee {
            Value::Fn(c) => {
                self.enter(c, argc, args_at, ret)?;
                Ok(true)
            }
            Value::Builtin(b) => self.call_builtin(b, argc, args_at, ret),
            Value::Cont(k) => self.resume(k, argc, args_at, ret, false),
            Value::Var(var) => {
                let f = self.lookup_var(&var)?;
                self.invoke(f, argc, args_at, ret)
            }
            coll @ (Value::Keyword(_)
            | Value::Map(_)
            | Value::Set(_)
            | Value::Vector(_)
            | Value::SortedMap(_)
            | Value::SortedSet(_)
            | Value::Error(_)) => {
                let result = call_collection(&coll, &self.stack[args_at..args_at + argc]);
                self.clear(args_at, args_at + argc);
                self.set(ret, result?);
                Ok(false)
            }
            other => Err(Error::new(
                ErrorType::NotCallable,
                format!("{} cannot be called", crate::value::described(&other)),
            )
            .with_hint(format!(
                "the value in call position was {}; only fns, keywords, maps, sets, vectors and vars can be called",
                value::pr_str(&other)
            ))),
        }
    }

    /// A call through a var that holds no closure (those enter inline):
    /// out of line, so the interpreter loop stays small.
    #[inline(never)]
    pub(crate) fn call_var(
        &mut self,
        var: &Rc<Var>,
        argc: usize,
        args_at: usize,
        ret: usize,
    ) -> Result<bool, Error> {
        match super::builtin_of(var) {
            Some(b) => self.call_builtin(b, argc, args_at, ret),
            None => {
                let f = self.lookup_var(var)?;
                self.invoke(f, argc, args_at, ret)
            }
        }
    }

    /// Calls a builtin on the arguments in place. `Ok(true)` when it
    /// pushed a frame (`apply` of a fn).
    #[inline(always)]
    pub(crate) fn call_builtin(
        &mut self,
        b: &'static Builtin,
        argc: usize,
        args_at: usize,
        ret: usize,
    ) -> Result<bool, Error> {
        if argc < b.min as usize || (b.max != MANY && argc > b.max as usize) {
            return Err(builtin_arity(b.name, b.min, b.max, argc));
        }
        if let Some(find) = b.realize
            && let Some(found) = find(&self.stack[args_at..args_at + argc])
        {
            self.realize_for(b, found, argc, args_at, ret)?;
            return Ok(true);
        }
        let result = match b.f {
            BuiltinFn::Pure(f) => f(&mut self.stack[args_at..args_at + argc]),
            BuiltinFn::Vm(f) => {
                let args: Vec<Value> = self.stack[args_at..args_at + argc]
                    .iter_mut()
                    .map(std::mem::take)
                    .collect();
                f(self, args)
            }
            BuiltinFn::Apply => return self.apply(argc, args_at, ret),
            BuiltinFn::Perform => return self.perform(argc, args_at, ret),
            BuiltinFn::Chunk(l) => return self.chunk_loop(l, argc, args_at, ret),
        };
        self.clear(args_at, args_at + argc);
        self.set(ret, result?);
        Ok(false)
    }

    /// [`Vm::enter`] inlined into the interpreter loop for the common case,
    /// a fn of fixed arities called with one of them.
    #[inline(always)]
    pub(crate) fn enter_fast(
        &mut self,
        closure: Rc<Closure>,
        argc: usize,
        base: usize,
        ret: usize,
    ) -> Result<(), Error> {
        let proto = &closure.proto;
        let fixed = match proto.fixed.as_slice() {
            [only] if only.params as usize == argc => Some(only.clone()),
            _ => None,
        };
        match fixed {
            Some(code) if self.frames.len() < self.limits.max_depth => {
                let top = base + code.slots as usize;
                self.ensure(top);
                self.push_frame(closure, code, base, top, ret);
                Ok(())
            }
            _ => self.enter(closure, argc, base, ret),
        }
    }

    /// Enters a closure: picks the arity, packs rest arguments, pushes the frame.
    #[inline(never)]
    pub(crate) fn enter(
        &mut self,
        closure: Rc<Closure>,
        argc: usize,
        base: usize,
        ret: usize,
    ) -> Result<(), Error> {
        let Some(arity) = closure.proto.arity(argc) else {
            return Err(Error::new(
                ErrorType::Arity,
                format!(
                    "wrong number of arguments ({argc}) passed to `{}`",
                    closure.name()
                ),
            )
            .with_hint(format!("it takes {}", closure.proto.arities_text())));
        };
        if self.frames.len() >= self.limits.max_depth {
            return Err(Exceeded::Depth.error(&self.limits));
        }
        let code = closure.proto.code(arity);
        let top = base + code.slots as usize;
        self.ensure(top.max(base + argc));
        if code.variadic {
            let fixed = code.params as usize;
            let rest: Vec<Value> = self.stack[base + fixed..base + argc]
                .iter_mut()
                .map(std::mem::take)
                .collect();
            self.stack[base + fixed] = if rest.is_empty() {
                Value::Nil
            } else {
                Value::List(crate::value::List::from_iter_rc(rest))
            };
        }
        let code = code.clone();
        self.push_frame(closure, code, base, top, ret);
        Ok(())
    }

    /// Pushes a trampoline frame (one op or two, its state in its
    /// registers) at `base`, returning to `ret`, with `room` registers free
    /// above its window; returns the window's top. Its registers start nil:
    /// registers above the innermost frame may hold stale immediates.
    pub(crate) fn push_trampoline(
        &mut self,
        closure: Rc<Closure>,
        base: usize,
        ret: usize,
        room: usize,
    ) -> Result<usize, Error> {
        if self.frames.len() >= self.limits.max_depth {
            return Err(Exceeded::Depth.error(&self.limits));
        }
        let code = closure.proto.fixed[0].clone();
        let top = base + code.slots as usize;
        self.ensure(top + room);
        self.stack[base..top].fill(Value::Nil);
        self.push_frame(closure, code, base, top, ret);
        Ok(top)
    }

    #[inline(always)]
    pub(crate) fn push_frame(
        &mut self,
        closure: Rc<Closure>,
        code: Rc<Code>,
        base: usize,
        top: usize,
        ret: usize,
    ) {
        self.frames.push(Frame {
            closure,
            code,
            ip: 0,
            base: base as u32,
            top: top as u32,
            ret: ret as u32,
        });
    }

    /// A call in tail position: a closure replaces the running frame;
    /// anything else is an ordinary call whose result the frame returns.
    pub(crate) fn invoke_tail(
        &mut self,
        callee: Value,
        argc: usize,
        args_at: usize,
        ret: usize,
    ) -> Result<bool, Error> {
        let callee = match callee {
            Value::Var(var) => self.lookup_var(&var)?,
            other => other,
        };
        let closure = match callee {
            Value::Fn(closure) => closure,
            Value::Cont(k) => return self.resume(k, argc, args_at, ret, true),
            other => return self.invoke(other, argc, args_at, ret),
        };
        if closure.proto.arity(argc).is_none() {
            // Report the arity error from the caller's frame, still intact.
            return self.enter(closure, argc, args_at, ret).map(|()| true);
        }
        // The arguments move down to the running frame's base, its other
        // registers are cleared, and the callee's frame takes its place.
        let frame = self.frames.pop().expect("frame for tail call");
        let (base, top) = (frame.base as usize, frame.top as usize);
        for i in 0..argc {
            let v = std::mem::take(&mut self.stack[args_at + i]);
            self.set(base + i, v);
        }
        self.clear(base + argc, top.max(args_at + argc));
        self.enter_fast(closure, argc, base, frame.ret as usize)
            .map(|()| true)
    }

    /// `(apply f a b coll)`: spreads `coll` and calls `f`.
    fn apply(&mut self, argc: usize, args_at: usize, ret: usize) -> Result<bool, Error> {
        let coll = std::mem::take(&mut self.stack[args_at + argc - 1]);
        let items = crate::builtins::seq_items(&coll).map_err(|_| {
            Error::type_mismatch(format!(
                "`apply` needs a collection as its last argument, got {}",
                value::described(&coll)
            ))
        })?;
        crate::vm::charge(16 * items.len())?;
        let f = std::mem::take(&mut self.stack[args_at]);
        // The spread arguments follow the fixed ones, past the caller's
        // window if need be (that space is free).
        let spread_at = args_at + argc - 1;
        let n = items.len();
        self.ensure(spread_at + n + 1);
        for (i, v) in items.into_iter().enumerate() {
            self.stack[spread_at + i] = v;
        }
        self.invoke(f, argc - 2 + n, args_at + 1, ret)
    }
}

/// Calling a keyword, map, set or vector: a lookup.
fn call_collection(callee: &Value, args: &[Value]) -> Result<Value, Error> {
    let argc = args.len();
    let (min, max) = match callee {
        // An exception is a read-only map.
        Value::Keyword(_) | Value::Map(_) | Value::SortedMap(_) | Value::Error(_) => (1, 2),
        _ => (1, 1),
    };
    if argc < min || argc > max {
        return Err(Error::new(
            ErrorType::Arity,
            format!(
                "wrong number of arguments ({argc}) passed to a {}",
                callee.type_name()
            ),
        )
        .with_hint(format!(
            "a {} takes {}",
            callee.type_name(),
            if max == 2 {
                "a key and an optional default"
            } else {
                "one argument"
            }
        )));
    }
    let default = args.get(1).cloned().unwrap_or_default();
    Ok(match callee {
        Value::Keyword(_) => crate::builtins::get(&args[0], callee, default),
        Value::Vector(v) => match crate::builtins::index_of(&args[0]) {
            Some(i) if i >= 0 && (i as usize) < v.items.len() => v.items[i as usize].clone(),
            Some(i) => {
                return Err(Error::new(
                    ErrorType::IndexOutOfBounds,
                    format!(
                        "index {i} is out of bounds for a vector of {} elements",
                        v.items.len()
                    ),
                ));
            }
            None => {
                return Err(Error::type_mismatch(format!(
                    "a vector is called with an integer index, not {}",
                    crate::value::described(&args[0])
                )));
            }
        },
        coll => crate::builtins::get(coll, &args[0], default),
    })
}

pub(crate) fn builtin_arity(name: &str, min: u16, max: u16, argc: usize) -> Error {
    let takes = crate::builtins::arity_text(min, max);
    Error::new(
        ErrorType::Arity,
        format!("wrong number of arguments ({argc}) passed to `{name}`"),
    )
    .with_hint(format!("`{name}` takes {takes}"))
}
