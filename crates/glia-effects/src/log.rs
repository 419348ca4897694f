//! The effect log: what the embedding answered, in order, so that an
//! evaluation can be audited and replayed deterministically.
//!
//! Only host effects are logged. Everything else an evaluation does
//! (Glia-handled effects included) follows from its text and the host's
//! answers, so replaying those answers replays the evaluation: same
//! values, same output, same errors.

use glia_eval::value::{Keyword, pr_str};
use glia_eval::{Error, Value};

use crate::{Answer, Host};

/// One host effect and its answer.
#[derive(Debug, Clone)]
pub struct Entry {
    pub target: Value,
    pub data: Value,
    pub answer: Recorded,
}

/// An [`Answer`], kept.
#[derive(Debug, Clone)]
pub enum Recorded {
    Value(Value),
    Unhandled,
    Error(Error),
}

impl Recorded {
    fn of(answer: &Answer) -> Recorded {
        match answer {
            Answer::Value(v) => Recorded::Value(v.clone()),
            Answer::Unhandled => Recorded::Unhandled,
            Answer::Error(e) => Recorded::Error(e.clone()),
        }
    }

    fn answer(&self) -> Answer {
        match self {
            Recorded::Value(v) => Answer::Value(v.clone()),
            Recorded::Unhandled => Answer::Unhandled,
            Recorded::Error(e) => Answer::Error(e.clone()),
        }
    }
}

/// The host effects of one or more evaluations, in order.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub entries: Vec<Entry>,
}

impl Log {
    /// One line per entry, for people: `TARGET DATA => ANSWER`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            let answer = match &e.answer {
                Recorded::Value(v) => pr_str(v),
                Recorded::Unhandled => "unhandled".to_string(),
                Recorded::Error(err) => format!("error {} {:?}", err.ty, err.message),
            };
            out.push_str(&format!(
                "{} {} => {answer}\n",
                pr_str(&e.target),
                pr_str(&e.data)
            ));
        }
        out
    }
}

/// A host that records every effect it answers into a [`Log`].
#[derive(Debug)]
pub struct Recorder<'l, H> {
    pub host: H,
    pub log: &'l mut Log,
}

impl<H: Host> Host for Recorder<'_, H> {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        let answer = self.host.perform(target, data.clone()).await;
        self.log.entries.push(Entry {
            target: target.clone(),
            data,
            answer: Recorded::of(&answer),
        });
        answer
    }
}

/// A host that answers from a [`Log`], in order, and ends the evaluation
/// (uncatchably: `:glia.error/replay-diverged`) when the program asks for
/// something else than the log recorded.
#[derive(Debug)]
pub struct Replay<'l> {
    log: &'l Log,
    next: usize,
}

impl<'l> Replay<'l> {
    pub fn new(log: &'l Log) -> Replay<'l> {
        Replay { log, next: 0 }
    }

    /// Whether every entry was asked for.
    pub fn finished(&self) -> bool {
        self.next == self.log.entries.len()
    }
}

impl Host for Replay<'_> {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        let asked = format!("{} {}", pr_str(target), pr_str(&data));
        let Some(entry) = self.log.entries.get(self.next) else {
            return Answer::Error(diverged(format!(
                "effect {} asks for {asked}, but the log ends after {} effects",
                self.next + 1,
                self.log.entries.len()
            )));
        };
        // Compared as printed: a replay's capabilities are new values.
        let recorded = format!("{} {}", pr_str(&entry.target), pr_str(&entry.data));
        if recorded != asked {
            return Answer::Error(diverged(format!(
                "effect {} asks for {asked}, but the log recorded {recorded}",
                self.next + 1
            )));
        }
        self.next += 1;
        entry.answer.answer()
    }
}

fn diverged(message: String) -> Error {
    Error::limit(
        Keyword::intern(Some("glia.error"), "replay-diverged"),
        message,
    )
    .with_hint("the program or its inputs changed since the log was recorded")
}
