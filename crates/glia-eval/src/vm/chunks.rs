//! The chunk loops of `map`, `filter` and `reduce` for a Glia fn: the VM
//! walks the chunk itself, calling the fn as an ordinary frame per element
//! under a `ChunkStep` trampoline that collects the results. This replaces
//! a loop in Glia that paid for an `nth` and a `conj` call per element.

use crate::builtins::chunks::{ChunkLoop, chunk, filter_native, map_native, native, reduce_native};
use crate::error::Error;
use crate::value::{Chunked, Value};

use super::Vm;

// The trampoline's registers.
const RESULT: usize = 0;
const F: usize = 1;
/// The chunked seq whose first chunk is looped over.
const CHUNK: usize = 2;
const INDEX: usize = 3;
/// The results so far (a chunk being built), or the accumulator.
const OUT: usize = 4;
const LOOP: usize = 5;
pub(crate) const SLOTS: u16 = 6;

fn mode(l: ChunkLoop) -> i64 {
    match l {
        ChunkLoop::Map => 0,
        ChunkLoop::Filter => 1,
        ChunkLoop::Reduce => 2,
    }
}

fn loop_of(v: &Value) -> ChunkLoop {
    match v {
        Value::Int(1) => ChunkLoop::Filter,
        Value::Int(2) => ChunkLoop::Reduce,
        _ => ChunkLoop::Map,
    }
}

impl Vm {
    /// Runs a chunk loop: natively for a native fn (`Ok(false)`, the value
    /// at `ret`), else under a trampoline (`Ok(true)`).
    pub(crate) fn chunk_loop(
        &mut self,
        l: ChunkLoop,
        argc: usize,
        args_at: usize,
        ret: usize,
    ) -> Result<bool, Error> {
        let arity = if l == ChunkLoop::Reduce { 2 } else { 1 };
        let f = native(&self.stack[args_at], arity);
        let empty = chunk(&self.stack[args_at + argc - 1], "a chunk loop")?.is_empty();
        if f.is_some() || empty {
            let acc = if l == ChunkLoop::Reduce {
                std::mem::take(&mut self.stack[args_at + 1])
            } else {
                Value::Nil
            };
            let items = chunk(&self.stack[args_at + argc - 1], "a chunk loop")?;
            let v = match (l, f) {
                (ChunkLoop::Map, Some(f)) => map_native(f, items),
                (ChunkLoop::Filter, Some(f)) => filter_native(f, items),
                (ChunkLoop::Reduce, Some(f)) => reduce_native(f, acc, items),
                // An empty chunk: no results, or the accumulator as it was.
                (_, None) => Ok(acc),
            };
            self.clear(args_at, args_at + argc);
            self.set(ret, v?);
            return Ok(false);
        }
        let base = self.innermost_top().max(args_at + argc);
        let closure = self.trampolines.chunk_step.clone();
        // Room above the window for the fn's arguments.
        let top = self.push_trampoline(closure, base, ret, 2)?;
        let f = std::mem::take(&mut self.stack[args_at]);
        let c = std::mem::take(&mut self.stack[args_at + argc - 1]);
        let out = if l == ChunkLoop::Reduce {
            std::mem::take(&mut self.stack[args_at + 1])
        } else {
            Chunked::seq(Vec::new(), Value::Nil)
        };
        self.clear(args_at, args_at + argc);
        self.stack[base + F] = f;
        self.stack[base + CHUNK] = c;
        self.stack[base + INDEX] = Value::Int(0);
        self.stack[base + OUT] = out;
        self.stack[base + LOOP] = Value::Int(mode(l));
        self.call_element(base, top)?;
        Ok(true)
    }

    /// Calls the fn on the element at the trampoline's index.
    fn call_element(&mut self, base: usize, top: usize) -> Result<(), Error> {
        let Value::Int(i) = self.stack[base + INDEX] else {
            unreachable!("the chunk index is an integer")
        };
        let x = match &self.stack[base + CHUNK] {
            Value::Chunked(c) => c.remaining()[i as usize].clone(),
            _ => unreachable!("the chunk is a chunked seq"),
        };
        let f = self.stack[base + F].clone();
        let argc = if loop_of(&self.stack[base + LOOP]) == ChunkLoop::Reduce {
            self.stack[top] = std::mem::take(&mut self.stack[base + OUT]);
            self.stack[top + 1] = x;
            2
        } else {
            self.stack[top] = x;
            1
        };
        match f {
            Value::Fn(c) => self.enter_fast(c, argc, top, base + RESULT),
            other => self.invoke(other, argc, top, base + RESULT).map(drop),
        }
    }

    /// The `ChunkStep` op: the fn's value for the element at the index is
    /// in register 0. Runs the next element, or leaves the results in
    /// register 0 for the trampoline to return.
    pub(crate) fn chunk_step(&mut self) -> Result<(), Error> {
        let frame = self.frames.last().expect("the trampoline");
        let (base, top) = (frame.base as usize, frame.top as usize);
        let r = std::mem::take(&mut self.stack[base + RESULT]);
        let Value::Int(i) = self.stack[base + INDEX] else {
            unreachable!("the chunk index is an integer")
        };
        let (n, x) = match &self.stack[base + CHUNK] {
            Value::Chunked(c) => (c.left(), c.remaining()[i as usize].clone()),
            _ => unreachable!("the chunk is a chunked seq"),
        };
        let l = loop_of(&self.stack[base + LOOP]);
        let done = match l {
            ChunkLoop::Reduce => {
                let reduced = matches!(r, Value::Reduced(_));
                self.stack[base + OUT] = r;
                reduced
            }
            ChunkLoop::Map | ChunkLoop::Filter => {
                let keep = match l {
                    ChunkLoop::Map => Some(r),
                    _ => r.is_truthy().then_some(x),
                };
                if let (Some(v), Value::Chunked(out)) = (keep, &mut self.stack[base + OUT])
                    && let Some(items) =
                        std::rc::Rc::get_mut(out).and_then(|c| std::rc::Rc::get_mut(&mut c.items))
                {
                    items.push(v);
                }
                false
            }
        };
        let next = i as usize + 1;
        if !done && next < n {
            crate::vm::charge(16)?;
            self.stack[base + INDEX] = Value::Int(next as i64);
            self.frames.last_mut().expect("the trampoline").ip = 0;
            return self.call_element(base, top);
        }
        let out = std::mem::take(&mut self.stack[base + OUT]);
        self.stack[base + RESULT] = match out {
            // An empty chunk is nil, as the native loops give it.
            Value::Chunked(c) if c.items.is_empty() => Value::Nil,
            other => other,
        };
        self.frames.last_mut().expect("the trampoline").ip = 1;
        Ok(())
    }
}
