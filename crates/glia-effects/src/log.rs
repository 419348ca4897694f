//! The effect log: what the embedding answered, in order, so that an
//! evaluation can be audited and replayed deterministically.
//!
//! Only host effects are logged. Everything else an evaluation does
//! (Glia-handled effects included) follows from its text and the host's
//! answers, so replaying those answers replays the evaluation: same
//! values, same output, same errors.
//!
//! An effect's target and data are kept as printed (`pr-str`): a replay
//! compares them as text, since its capabilities are new values. A log is
//! saved as Glia data, one map per line:
//!
//! ```text
//! {:effect ":now", :data "nil", :answer 1764466200000}
//! {:effect ":random", :data "6", :unhandled true}
//! {:effect ":load", :data "\"x\"", :error {:type :glia.error/io, :message "...", :limit false}}
//! ```

use glia_eval::value::{Keyword, pr_str};
use glia_eval::{Error, ErrorType, Value};

use crate::{Answer, Host};

/// One host effect and its answer.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The target and the data, printed.
    pub effect: String,
    pub data: String,
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

fn kw(name: &str) -> Value {
    Value::keyword(None, name)
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
            out.push_str(&format!("{} {} => {answer}\n", e.effect, e.data));
        }
        out
    }

    /// The log as Glia data, one map per line (see the module's doc).
    /// `Err` names the first answer that does not read back as itself (a
    /// function, a capability, bytes...).
    pub fn save(&self) -> Result<String, String> {
        let mut out = String::new();
        for (i, e) in self.entries.iter().enumerate() {
            let mut pairs = vec![
                (kw("effect"), Value::str(e.effect.clone())),
                (kw("data"), Value::str(e.data.clone())),
            ];
            match &e.answer {
                Recorded::Value(v) => {
                    let printed = pr_str(v);
                    let back = glia_eval::read_data(&printed).ok();
                    if back
                        .as_deref()
                        .map(|b| b.iter().map(pr_str).collect::<Vec<_>>())
                        != Some(vec![printed.clone()])
                    {
                        return Err(format!(
                            "entry {}: the answer to {} {} is {printed}, which does not read back as data",
                            i + 1,
                            e.effect,
                            e.data
                        ));
                    }
                    pairs.push((kw("answer"), v.clone()));
                }
                Recorded::Unhandled => pairs.push((kw("unhandled"), Value::Bool(true))),
                Recorded::Error(err) => {
                    let mut fields = vec![
                        (kw("type"), Value::Keyword(err.ty.clone())),
                        (kw("message"), Value::str(err.message.clone())),
                        (kw("limit"), Value::Bool(err.limit)),
                    ];
                    if let Some(h) = &err.hint {
                        fields.push((kw("hint"), Value::str(h.clone())));
                    }
                    if let Some(d) = &err.data {
                        fields.push((kw("data"), d.clone()));
                    }
                    pairs.push((kw("error"), map(fields)));
                }
            }
            out.push_str(&pr_str(&map(pairs)));
            out.push('\n');
        }
        Ok(out)
    }

    /// Reads a log [`Log::save`] wrote.
    pub fn load(text: &str) -> Result<Log, String> {
        let values = glia_eval::read_data(text).map_err(|e| format!("not a log: {e}"))?;
        let entries = values
            .iter()
            .enumerate()
            .map(|(i, v)| entry(v).map_err(|e| format!("entry {}: {e}", i + 1)))
            .collect::<Result<_, _>>()?;
        Ok(Log { entries })
    }
}

fn map(pairs: Vec<(Value, Value)>) -> Value {
    Value::Map(std::rc::Rc::new(pairs.into_iter().collect()))
}

fn field<'v>(m: &'v glia_eval::value::Map, name: &str) -> Option<&'v Value> {
    m.get(&kw(name))
}

fn text(m: &glia_eval::value::Map, name: &str) -> Result<String, String> {
    match field(m, name) {
        Some(Value::Str(s)) => Ok(s.as_str().to_string()),
        _ => Err(format!("no :{name} string")),
    }
}

fn entry(v: &Value) -> Result<Entry, String> {
    let Value::Map(m) = v else {
        return Err(format!("expected a map, got {}", pr_str(v)));
    };
    let answer = if let Some(a) = field(m, "answer") {
        Recorded::Value(a.clone())
    } else if field(m, "unhandled").is_some_and(Value::is_truthy) {
        Recorded::Unhandled
    } else if let Some(Value::Map(e)) = field(m, "error") {
        let Some(Value::Keyword(ty)) = field(e, "type") else {
            return Err("an :error without a :type keyword".into());
        };
        let mut err = if field(e, "limit").is_some_and(Value::is_truthy) {
            Error::limit(ty.clone(), text(e, "message")?)
        } else {
            let mut err = Error::new(ErrorType::Io, text(e, "message")?);
            err.ty = ty.clone();
            err
        };
        err.hint = text(e, "hint").ok();
        err.data = field(e, "data").cloned();
        Recorded::Error(err)
    } else {
        return Err("no :answer, :unhandled or :error".into());
    };
    Ok(Entry {
        effect: text(m, "effect")?,
        data: text(m, "data")?,
        answer,
    })
}

/// A host that records every effect it answers into a [`Log`].
#[derive(Debug)]
pub struct Recorder<'l, H> {
    pub host: H,
    pub log: &'l mut Log,
}

impl<H: Host> Host for Recorder<'_, H> {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        let (effect, printed) = (pr_str(target), pr_str(&data));
        let answer = self.host.perform(target, data).await;
        self.log.entries.push(Entry {
            effect,
            data: printed,
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

    /// The answer to the next effect, which must be `target` with `data`;
    /// the entry it came from, so that a replaying embedding can repeat
    /// its visible part (printing what `:stdout` printed, say).
    pub fn next(&mut self, target: &Value, data: &Value) -> (Answer, Option<&'l Entry>) {
        let asked = format!("{} {}", pr_str(target), pr_str(data));
        let Some(entry) = self.log.entries.get(self.next) else {
            return (
                Answer::Error(diverged(format!(
                    "effect {} asks for {asked}, but the log ends after {} effects",
                    self.next + 1,
                    self.log.entries.len()
                ))),
                None,
            );
        };
        let recorded = format!("{} {}", entry.effect, entry.data);
        if recorded != asked {
            return (
                Answer::Error(diverged(format!(
                    "effect {} asks for {asked}, but the log recorded {recorded}",
                    self.next + 1
                ))),
                None,
            );
        }
        self.next += 1;
        (entry.answer.answer(), Some(entry))
    }
}

impl Host for Replay<'_> {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        self.next(target, &data).0
    }
}

fn diverged(message: String) -> Error {
    Error::limit(
        Keyword::intern(Some("glia.error"), "replay-diverged"),
        message,
    )
    .with_hint("the program or its inputs changed since the log was recorded")
}
