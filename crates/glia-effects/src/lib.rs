//! glia-effects: the driver between Glia's effects and the embedding.
//!
//! Glia code handles its own effects with `with-effect-handler` (the
//! mechanism lives in glia-eval's VM). An effect no Glia handler takes goes
//! to the embedding: the evaluation suspends on the heap
//! ([`glia_eval::Step::Effect`]) and [`eval`] awaits the embedding's
//! [`Host`] for the answer, so a host effect may make an RPC and resume
//! the evaluation later without holding a thread. Glia values are `Rc`s,
//! so the future is not `Send`: run it on a current-thread runtime or a
//! `tokio::task::LocalSet`.
//!
//! [`std_effects`] names the standard host effects and checks their data;
//! [`log`] records a host's answers and replays an evaluation from them.

use std::future::Future;

pub use glia_eval::{Answer, EvalError, Glia, Step, Value};

pub mod log;
pub mod std_effects;

/// An embedding's handler for the effects no Glia handler takes.
pub trait Host {
    /// Handles `(perform target ...)` with the performed `data`. Answer
    /// [`Answer::Unhandled`] for effects it does not know: the `perform`
    /// then raises `:glia.error/unhandled-effect`.
    fn perform(&mut self, target: &Value, data: Value) -> impl Future<Output = Answer>;
}

/// Evaluates `text`, answering host effects with `host`; the last form's
/// value.
pub async fn eval<H: Host>(
    glia: &mut Glia,
    name: &str,
    text: &str,
    host: &mut H,
) -> Result<Value, EvalError> {
    let step = glia.start(name, text)?;
    drive(glia, step, host).await
}

/// As [`eval`], but only the top-level form at `index` of `text` (see
/// [`Glia::start_form`]).
pub async fn eval_form<H: Host>(
    glia: &mut Glia,
    name: &str,
    text: &str,
    index: usize,
    host: &mut H,
) -> Result<Value, EvalError> {
    let step = glia.start_form(name, text, index)?;
    drive(glia, step, host).await
}

/// Answers each effect the evaluation performs with `host` until it ends.
async fn drive<H: Host>(glia: &mut Glia, mut step: Step, host: &mut H) -> Result<Value, EvalError> {
    loop {
        match step {
            Step::Done(v) => return Ok(v),
            Step::Effect { target, data } => {
                let answer = host.perform(&target, data).await;
                step = glia.answer(answer)?;
            }
        }
    }
}
