//! The language server on a 5,000-line file: how long after an edit its
//! diagnostics arrive, and how long a completion takes (p50 and p95).
//!
//! `cargo bench -p glia-lsp --bench lsp` measures 200 rounds of each
//! (`BENCH_ROUNDS` says otherwise); under `cargo test` (no `--bench`) it
//! runs 5 rounds as a smoke test.
//! The server runs on its own thread behind an in-memory connection, so
//! the times include the JSON-RPC encoding and the message passing but not
//! a pipe.

use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

const URI: &str = "file:///bench/big.glia";

/// A realistic file of about `lines` lines: defns with destructuring,
/// `let`, `loop`, string calls and maps.
fn big_file(lines: usize) -> String {
    let mut out = String::from("(ns bench.big\n  (:require [glia.string :as str]))\n\n");
    let mut i = 0;
    while out.lines().count() < lines {
        out.push_str(&format!(
            r#"(defn process-{i}
  "Processes the records of batch {i}: totals, filters, names."
  [records {{:keys [limit prefix] :or {{limit 10}}}}]
  (let [xs (map :value records)
        total (reduce + 0 xs)
        big (filter #(> % limit) xs)]
    (when (seq big)
      (println prefix total))
    (loop [acc [] [r & more] records]
      (if r
        (recur (conj acc (str/upper-case (str prefix (:name r)))) more)
        {{:total total :names acc :count (count big)}}))))

(def table-{i} {{:id {i} :name "row-{i}" :tags #{{:a :b}}}})

"#
        ));
        i += 1;
    }
    out
}

struct Client {
    conn: Connection,
    next_id: i32,
    version: i32,
}

impl Client {
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        loop {
            match self.conn.receiver.recv().expect("the server answers") {
                Message::Response(r) if r.id == id => match r.response_result {
                    Ok(v) => return v,
                    Err(e) => panic!("{method} failed: {}", e.message),
                },
                _ => {}
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    /// On even rounds types `typed` at `line:column`, on odd ones deletes
    /// it again; returns how long the diagnostics of the edit took.
    fn type_and_delete(
        &mut self,
        round: usize,
        line: usize,
        column: usize,
        typed: &str,
    ) -> Duration {
        self.version += 1;
        let at = json!({"line": line, "character": column});
        let change = if round.is_multiple_of(2) {
            json!({"range": {"start": at, "end": at}, "text": typed})
        } else {
            let end = json!({"line": line, "character": column + typed.len()});
            json!({"range": {"start": at, "end": end}, "text": ""})
        };
        let t = Instant::now();
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": self.version}, "contentChanges": [change]}),
        );
        self.diagnostics(self.version);
        t.elapsed()
    }

    /// Waits for the diagnostics of `version`; returns how many there are.
    fn diagnostics(&self, version: i32) -> usize {
        loop {
            if let Message::Notification(n) =
                self.conn.receiver.recv().expect("the server publishes")
                && n.method == "textDocument/publishDiagnostics"
                && n.params["version"] == json!(version)
            {
                return n.params["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    }
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times[((times.len() as f64 - 1.0) * p).round() as usize]
}

fn report(what: &str, times: &mut [Duration]) {
    let p50 = percentile(times, 0.5);
    let p95 = percentile(times, 0.95);
    println!(
        "{what:<44} p50 {:>7.2} ms   p95 {:>7.2} ms   ({} runs)",
        p50.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        times.len()
    );
}

fn main() {
    // bench/run's smoke pass asks for fewer rounds (BENCH_ROUNDS).
    let rounds = match std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
    {
        Some(rounds) => rounds,
        None if std::env::args().any(|a| a == "--bench") => 200,
        None => 5,
    };
    let text = big_file(5_000);
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || glia_lsp::server::run(server, |_| {}));
    let mut client = Client {
        conn: client,
        next_id: 0,
        version: 1,
    };
    client.request(
        "initialize",
        json!({"capabilities": {}, "workspaceFolders": null, "rootUri": null}),
    );
    client.notify("initialized", json!({}));
    let opened = Instant::now();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "glia", "version": 1, "text": text}}),
    );
    let found = client.diagnostics(1);
    println!(
        "open {} lines: first diagnostics in {:.1} ms ({found} diagnostics)",
        text.lines().count(),
        opened.elapsed().as_secs_f64() * 1e3
    );

    // Edits inside a defn's body, in the middle of the file: type a
    // character, then delete it.
    let printing: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("(println prefix total)"))
        .map(|(i, _)| i)
        .collect();
    let line = printing[printing.len() / 2];
    let column = text.lines().nth(line).unwrap().find("total").unwrap();
    // Completing `pr|intln`: locals, the file's vars and glia.core's.
    let completing = text.lines().nth(line).unwrap().find("println").unwrap() + 2;
    let mut edit_times = Vec::new();
    let mut completion_times = Vec::new();
    for round in 0..rounds {
        edit_times.push(client.type_and_delete(round, line, column, "x"));
        let t = Instant::now();
        let items = client.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": completing}}),
        );
        completion_times.push(t.elapsed());
        assert!(
            items.as_array().is_some_and(|a| !a.is_empty()),
            "completion offers items"
        );
    }
    report("diagnostics after an edit in a defn body", &mut edit_times);
    report("completion in a defn body", &mut completion_times);

    // An edit that changes what other forms see (a defn's parameters).
    let defn = text
        .lines()
        .position(|l| l.starts_with("  [records"))
        .unwrap();
    let mut params_times: Vec<Duration> = (0..rounds.min(20))
        .map(|round| client.type_and_delete(round, defn, 10, " extra"))
        .collect();
    report(
        "diagnostics after a defn's parameters change",
        &mut params_times,
    );

    // Typing an opening paren (the form is unbalanced until it is
    // deleted again): the reader's recovery decides how much it swallows.
    let mut paren_times: Vec<Duration> = (0..rounds.min(40))
        .map(|round| client.type_and_delete(round, line, column, "("))
        .collect();
    report(
        "diagnostics after typing (or deleting) a `(`",
        &mut paren_times,
    );

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    thread.join().unwrap().unwrap();
}
