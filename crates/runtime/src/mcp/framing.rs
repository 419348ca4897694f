//! The client's messages checked before rmcp reads them. rmcp drops a line
//! that is not JSON-RPC without a word; JSON-RPC asks for an answer (`-32700`
//! for text that is not JSON, `-32600` for JSON that is not a request), so
//! a client with a bug learns what it sent wrong instead of waiting.
//!
//! stdin's lines go through [`check`]: good ones on to rmcp, bad ones
//! answered here. What rmcp writes and those answers reach stdout through
//! one writer, a whole line at a time, so they never interleave.

use futures::StreamExt;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, DuplexStream};
use tokio_util::codec::{FramedRead, LinesCodec, LinesCodecError};

/// The longest message read: larger ones are refused (a code string of
/// this size is far past anything an evaluation should take).
const MAX_LINE: usize = 16 << 20;

/// Guards stdin and stdout: the reader and writer rmcp is to use.
pub fn stdio() -> (DuplexStream, DuplexStream) {
    let (to_rmcp, mut feed) = tokio::io::duplex(1 << 16);
    let (from_rmcp, drain) = tokio::io::duplex(1 << 16);
    let (lines, mut outbox) = tokio::sync::mpsc::unbounded_channel::<String>();
    let answers = lines.clone();
    tokio::spawn(async move {
        let mut input = FramedRead::new(
            tokio::io::stdin(),
            LinesCodec::new_with_max_length(MAX_LINE),
        );
        while let Some(line) = input.next().await {
            let verdict = match line {
                Ok(line) => check(&line).map(|()| line),
                Err(LinesCodecError::MaxLineLengthExceeded) => Err(Some(error(
                    Value::Null,
                    -32600,
                    format!("a message longer than {MAX_LINE} bytes; send less at a time"),
                ))),
                Err(LinesCodecError::Io(_)) => break,
            };
            match verdict {
                Ok(line) => {
                    let sent = feed.write_all(line.as_bytes()).await;
                    if sent.and(feed.write_all(b"\n").await).is_err() {
                        break;
                    }
                }
                Err(Some(answer)) => drop(answers.send(answer)),
                Err(None) => {}
            }
        }
        // The client hung up: so does rmcp's input.
        let _ = feed.shutdown().await;
    });
    tokio::spawn(async move {
        let mut out = tokio::io::BufReader::new(drain).lines();
        while let Ok(Some(line)) = out.next_line().await {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(line) = outbox.recv().await {
            let written = stdout.write_all(line.as_bytes()).await;
            if written
                .and(stdout.write_all(b"\n").await)
                .and(stdout.flush().await)
                .is_err()
            {
                break;
            }
        }
    });
    (to_rmcp, from_rmcp)
}

/// `Ok` for a line to hand to rmcp; else the answer to send back, if any
/// (a blank line gets none).
fn check(line: &str) -> Result<(), Option<String>> {
    if line.trim().is_empty() {
        return Err(None);
    }
    let value: Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(e) => {
            return Err(Some(error(
                Value::Null,
                -32700,
                format!("parse error: not JSON ({e})"),
            )));
        }
    };
    let id = match value.get("id") {
        Some(id @ (Value::String(_) | Value::Number(_))) => id.clone(),
        _ => Value::Null,
    };
    let is_message = value.get("jsonrpc") == Some(&json!("2.0"))
        && (value.get("method").is_some_and(Value::is_string)
            || (value.get("id").is_some()
                && (value.get("result").is_some() || value.get("error").is_some())));
    if is_message {
        Ok(())
    } else {
        Err(Some(error(
            id,
            -32600,
            "invalid request: a JSON-RPC 2.0 message is an object with \"jsonrpc\": \"2.0\" and a \"method\" (or a response's \"id\" and \"result\" or \"error\")".into(),
        )))
    }
}

/// A JSON-RPC error response.
fn error(id: Value, code: i64, message: String) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(line: &str) -> Value {
        let text = check(line).unwrap_err().expect("an answer");
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn requests_and_responses_go_on_and_the_rest_is_answered() {
        check(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#).unwrap();
        check(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).unwrap();
        check(r#"{"jsonrpc":"2.0","id":7,"result":{}}"#).unwrap();
        assert_eq!(check("   "), Err(None));

        let a = answer("not json");
        assert_eq!(a["error"]["code"], -32700);
        assert_eq!(a["id"], Value::Null);
        let a = answer(r#"{"id":3,"method":"tools/list"}"#);
        assert_eq!(a["error"]["code"], -32600);
        assert_eq!(a["id"], 3);
        let a = answer(r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#);
        assert_eq!(a["error"]["code"], -32600);
        let a = answer(r#"{"jsonrpc":"2.0","id":{"x":1},"method":7}"#);
        assert_eq!(
            (a["error"]["code"].clone(), a["id"].clone()),
            (json!(-32600), Value::Null)
        );
    }
}
