//! Effect tracing: an embedding can watch every perform, resume, abort and
//! host answer (`GLIA_TRACE_EFFECTS=1` in `ww` prints them). The VM only
//! calls the tracer; what it does with the events is the embedding's
//! business (this crate does no I/O).

use std::fmt;

use super::Vm;
use crate::value::{Value, pr_str};

/// Something that happened to an effect.
#[derive(Debug)]
pub enum EffectEvent<'a> {
    /// A `perform`, and who takes it.
    Perform {
        target: &'a Value,
        data: &'a Value,
        by: Taker,
    },
    /// A continuation resumed with a value.
    Resume { target: &'a Value, value: &'a Value },
    /// A handler returned without resuming: the body is aborted.
    Abort { target: &'a Value },
    /// The embedding answered a host effect.
    Answer { target: &'a Value, answer: &'a str },
}

/// Who takes a perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taker {
    /// A `with-effect-handler` in Glia.
    Handler,
    /// A `defcap` capability's own method.
    Capability,
    /// The embedding.
    Host,
}

impl fmt::Display for EffectEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EffectEvent::Perform { target, data, by } => {
                let by = match by {
                    Taker::Handler => "handler",
                    Taker::Capability => "capability",
                    Taker::Host => "host",
                };
                write!(f, "perform {} {} -> {by}", pr_str(target), pr_str(data))
            }
            EffectEvent::Resume { target, value } => {
                write!(f, "resume {} with {}", pr_str(target), pr_str(value))
            }
            EffectEvent::Abort { target } => write!(f, "abort {}", pr_str(target)),
            EffectEvent::Answer { target, answer } => {
                write!(f, "answer {} {answer}", pr_str(target))
            }
        }
    }
}

/// Receives effect events.
pub type Tracer = Box<dyn FnMut(&EffectEvent<'_>)>;

/// The installed tracer (a closure has no `Debug` of its own).
pub(crate) struct Installed(pub Tracer);

impl fmt::Debug for Installed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("effect tracer")
    }
}

impl Vm {
    /// Calls `tracer` for every effect event from now on (`None` stops).
    pub fn set_effect_tracer(&mut self, tracer: Option<Tracer>) {
        self.tracer = tracer.map(Installed);
    }

    #[inline]
    pub(crate) fn trace(&mut self, event: &EffectEvent<'_>) {
        if let Some(t) = self.tracer.as_mut() {
            (t.0)(event);
        }
    }
}
