//! The host effects of a `ww` process: the standard effects
//! (`glia_effects::std_effects`) served from this process's stdout,
//! stderr, clock, random numbers and files.

use std::io::Write;

use glia_effects::log::Replay;
use glia_effects::std_effects::{self, Request};
use glia_effects::{Answer, Host, Value};
use rand::Rng;

/// The status this process exits with when an evaluation ended in
/// `(perform :exit n)`: `n`, held to what a process status can be.
pub fn exit_status(e: &glia_effects::EvalError) -> Option<std::process::ExitCode> {
    std_effects::exit_code(e).map(|code| std::process::ExitCode::from(code.clamp(0, 255) as u8))
}

/// Serves the standard effects; anything else is unhandled.
#[derive(Debug, Default)]
pub struct CliHost;

impl Host for CliHost {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        let request = match std_effects::request(target, data) {
            None => return Answer::Unhandled,
            Some(Err(e)) => return Answer::Error(e),
            Some(Ok(r)) => r,
        };
        match request {
            Request::Stdout(text) => write(&mut std::io::stdout().lock(), "stdout", &text),
            Request::Stderr(text) => write(&mut std::io::stderr().lock(), "stderr", &text),
            Request::Load(path) => match std::fs::read(&path) {
                Ok(bytes) => Answer::Value(Value::Bytes(std::rc::Rc::new(bytes))),
                Err(e) => Answer::Error(std_effects::io_error("load", format!("{path}: {e}"))),
            },
            Request::Exit(code) => Answer::Error(std_effects::exit(code)),
            Request::Now => {
                let ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                Answer::Value(Value::Int(ms))
            }
            Request::Random(None) => Answer::Value(Value::Double(rand::rng().random())),
            Request::Random(Some(n)) => Answer::Value(Value::Int(rand::rng().random_range(0..n))),
        }
    }
}

fn write(out: &mut impl Write, name: &str, text: &str) -> Answer {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Answer::Value(Value::Nil),
        Err(e) => Answer::Error(std_effects::io_error(name, e)),
    }
}

/// Replays a recorded evaluation: answers from the log, and prints again
/// what the recorded run printed.
#[derive(Debug)]
pub struct ReplayHost<'l> {
    pub replay: Replay<'l>,
}

impl Host for ReplayHost<'_> {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        let (answer, entry) = self.replay.next(target, &data);
        if entry.is_some()
            && matches!(answer, Answer::Value(_))
            && let Some(Ok(request)) = std_effects::request(target, data)
        {
            match request {
                Request::Stdout(text) => {
                    drop(write(&mut std::io::stdout().lock(), "stdout", &text))
                }
                Request::Stderr(text) => {
                    drop(write(&mut std::io::stderr().lock(), "stderr", &text))
                }
                _ => {}
            }
        }
        answer
    }
}
