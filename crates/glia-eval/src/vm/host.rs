//! The host boundary: effects no Glia handler takes go to the embedding.
//!
//! [`Vm::call_host`] runs a call like `call_value`, except that a `perform`
//! with no handler in scope *suspends* the whole run: the performer's frame
//! stays on the heap stack and the call returns [`Exit::Effect`]. The
//! embedding handles the effect however it likes (at once, or after an RPC,
//! on another task) and calls [`Vm::answer_host`] with the answer, which
//! continues the run at the `perform`. Nothing here blocks or knows about
//! async runtimes; glia-effects drives it from async code.

use super::Vm;
use crate::error::Error;
use crate::value::Value;

/// What a suspendable run ended with.
#[derive(Debug)]
pub enum Exit {
    /// The call returned.
    Done(Value),
    /// A `perform` that no Glia handler takes waits for the embedding.
    Effect { target: Value, data: Value },
}

/// The embedding's answer to an [`Exit::Effect`].
#[derive(Debug)]
pub enum Answer {
    /// The `perform` returns this.
    Value(Value),
    /// The embedding does not handle this effect: the `perform` raises
    /// `:glia.error/unhandled-effect`.
    Unhandled,
    /// The `perform` raises this error (catchable by the program).
    Error(Error),
}

/// A call from Rust in progress: what to restore when it ends.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Call {
    pub entry_frames: usize,
    pub bindings: usize,
    pub marks: usize,
    pub at: usize,
    pub argc: usize,
    pub floor: usize,
}

/// The effect a suspended run waits on.
#[derive(Debug)]
pub(crate) struct Wait {
    pub target: Value,
    pub data: Value,
    /// The performer's register for the answer.
    pub dst: usize,
}

impl Vm {
    /// Calls `f` with `args`; an effect no Glia handler takes suspends the
    /// run and comes back as [`Exit::Effect`], to be answered with
    /// [`Vm::answer_host`] before anything else runs on this VM.
    pub fn call_host(&mut self, f: &Value, args: Vec<Value>) -> Result<Exit, super::Raised> {
        assert!(
            self.host_call.is_none(),
            "call_host while another call waits for an answer"
        );
        let (call, started) = self.begin_call(f, args);
        match started {
            Ok(true) => self.run_host(call),
            Ok(false) => {
                let v = std::mem::take(&mut self.stack[call.at]);
                self.end_call(call, Ok(v)).map(Exit::Done)
            }
            Err(e) => {
                let raised = self.raise_out(e);
                self.end_call(call, Err(raised)).map(Exit::Done)
            }
        }
    }

    /// Answers the effect a suspended [`Vm::call_host`] waits on and runs on.
    pub fn answer_host(&mut self, answer: Answer) -> Result<Exit, super::Raised> {
        let call = self
            .host_call
            .take()
            .expect("answer_host without a suspended call");
        let wait = self.host_wait.take().expect("a waiting perform");
        if self.tracer.is_some() {
            let text = match &answer {
                Answer::Value(v) => crate::value::pr_str(v),
                Answer::Unhandled => "unhandled".to_string(),
                Answer::Error(e) => format!("error {}: {}", e.ty, e.message),
            };
            self.trace(&super::trace::EffectEvent::Answer {
                target: &wait.target,
                answer: &text,
            });
        }
        let error = match answer {
            Answer::Value(v) => {
                self.set(wait.dst, v);
                None
            }
            Answer::Unhandled => Some(self.unhandled(&wait.target)),
            Answer::Error(e) => Some(e),
        };
        if let Some(e) = error {
            // Raised at the perform (the performer's frame is on top).
            if let Err(raised) = self.raise(e, call.entry_frames) {
                return self.end_call(call, Err(raised)).map(Exit::Done);
            }
        }
        self.run_host(call)
    }

    /// Whether a call waits for [`Vm::answer_host`].
    pub fn is_suspended(&self) -> bool {
        self.host_call.is_some()
    }

    fn run_host(&mut self, call: Call) -> Result<Exit, super::Raised> {
        self.suspendable = true;
        let outcome = self.run(call.entry_frames);
        self.suspendable = false;
        match self.host_wait.as_ref() {
            // The run left through `raise` for the waiting perform.
            Some(wait) => {
                let effect = Exit::Effect {
                    target: wait.target.clone(),
                    data: wait.data.clone(),
                };
                self.host_call = Some(call);
                Ok(effect)
            }
            None => self.end_call(call, outcome).map(Exit::Done),
        }
    }
}
