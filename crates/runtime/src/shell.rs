//! `ww shell`: the Glia REPL.
//!
//! Until the node exists the shell runs an in-process session whose host
//! effects are this process's (`host::CliHost`); the session is reached
//! only through [`Session::eval`], so attaching to a node's capabilities
//! later swaps the host, not the REPL.
//!
//! On a terminal: rustyline with persistent history (`~/.ww/history`),
//! input that continues while brackets are open, completion of the names in
//! scope, bracket matching, `*1 *2 *3 *e`, and Ctrl-C interrupting the
//! running evaluation (the session stays). Without a terminal, standard
//! input runs form by form and each result is printed, so the shell
//! scripts.

use std::borrow::Cow;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use glia_eval::{Glia, Value};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter, MatchingBracketHighlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper};

/// A Glia session and what the REPL remembers of it.
struct Session {
    glia: Glia,
    runtime: tokio::runtime::Runtime,
}

impl Session {
    fn new() -> Result<Session, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let mut glia = Glia::new();
        for name in ["*1", "*2", "*3", "*e"] {
            glia.define(name, Value::Nil);
        }
        Ok(Session { glia, runtime })
    }

    /// Evaluates `text`: the printed value, or the rendered error report.
    fn eval(&mut self, name: &str, text: &str) -> Result<String, String> {
        self.glia.vm.limits.interrupt.store(false, Ordering::SeqCst);
        let result = self.runtime.block_on(glia_effects::eval(
            &mut self.glia,
            name,
            text,
            &mut crate::host::CliHost,
        ));
        match result {
            Ok(v) => {
                let printed = glia_eval::value::pr_str(&v);
                let prev = |g: &Glia, n: &str| {
                    g.vm.core
                        .lookup(n)
                        .and_then(|v| v.get())
                        .unwrap_or_default()
                };
                let (one, two) = (prev(&self.glia, "*1"), prev(&self.glia, "*2"));
                self.glia.define("*3", two);
                self.glia.define("*2", one);
                self.glia.define("*1", v);
                Ok(printed)
            }
            Err(e) => {
                self.glia.define("*e", Value::Error(e.exception.clone()));
                Err(e.report().render_plain())
            }
        }
    }

    fn ns(&self) -> String {
        self.glia.vm.current_ns.name.to_string()
    }

    /// The names to complete from, here: vars of the current namespace
    /// and `glia.core`, namespaces, and `alias/var` for each alias.
    fn names(&self) -> Vec<String> {
        let vm = &self.glia.vm;
        let public = |k: &str| !k.starts_with("--");
        let mut out: Vec<String> = Vec::new();
        for ns in [&vm.current_ns, &vm.core] {
            out.extend(
                ns.mappings
                    .borrow()
                    .keys()
                    .filter(|k| public(k))
                    .map(|k| k.to_string()),
            );
        }
        out.extend(vm.namespaces.table.keys().map(|k| k.to_string()));
        for (alias, target) in vm.current_ns.aliases.borrow().iter() {
            if let Some(n) = vm.namespaces.get(target) {
                out.extend(
                    n.mappings
                        .borrow()
                        .keys()
                        .filter(|k| public(k))
                        .map(|k| format!("{alias}/{k}")),
                );
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// What rustyline asks of the REPL: completion, bracket highlighting, and
/// whether the input so far is a whole form.
struct GliaHelper {
    brackets: MatchingBracketHighlighter,
    /// The names in scope, refreshed before each prompt.
    names: Vec<String>,
}

fn is_symbol_char(c: char) -> bool {
    !c.is_whitespace() && !"()[]{}\"';@^`~,".contains(c)
}

impl Completer for GliaHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .char_indices()
            .rev()
            .find(|(_, c)| !is_symbol_char(*c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let prefix = &line[start..pos];
        if prefix.is_empty() {
            return Ok((pos, Vec::new()));
        }
        let pairs = self
            .names
            .iter()
            .filter(|n| n.starts_with(prefix))
            .map(|n| Pair {
                display: n.clone(),
                replacement: n.clone(),
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for GliaHelper {
    type Hint = String;
}

impl Highlighter for GliaHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        self.brackets.highlight(line, pos)
    }

    fn highlight_char(&self, line: &str, pos: usize, kind: CmdKind) -> bool {
        self.brackets.highlight_char(line, pos, kind)
    }
}

impl Validator for GliaHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if is_incomplete(ctx.input()) {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl Helper for GliaHelper {}

/// Whether `text` stops inside an open bracket or string: the prompt then
/// continues on the next line.
fn is_incomplete(text: &str) -> bool {
    glia_syntax::read(text).errors.iter().any(|e| {
        e.kind == glia_syntax::ErrorKind::UnclosedDelimiter
            || e.message.contains("unterminated string")
    })
}

fn history_path() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let dir = PathBuf::from(home).join(".ww");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

pub fn run() -> ExitCode {
    let mut session = match Session::new() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ww shell: {e}");
            return ExitCode::FAILURE;
        }
    };
    if std::io::stdin().is_terminal() {
        interactive(&mut session)
    } else {
        scripted(&mut session)
    }
}

/// Standard input, form by form, each result printed (errors to stderr).
/// Exit 1 if any form failed.
fn scripted(session: &mut Session) -> ExitCode {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("ww shell: cannot read standard input: {e}");
        return ExitCode::FAILURE;
    }
    let read = glia_syntax::read(&text);
    if !read.errors.is_empty() {
        // The whole text goes to the evaluator, which reports the errors.
        eprint!(
            "{}",
            session.eval("<stdin>", &text).err().unwrap_or_default()
        );
        return ExitCode::FAILURE;
    }
    let mut failed = false;
    for form in &read.forms {
        match session.eval("<stdin>", &text[form.span.start..form.span.end]) {
            Ok(printed) => println!("{printed}"),
            Err(report) => {
                eprint!("{report}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn interactive(session: &mut Session) -> ExitCode {
    let interrupt = session.glia.vm.limits.interrupt.clone();
    // Ctrl-C while an evaluation runs ends it; at the prompt rustyline
    // reads it as a key.
    if let Err(e) = ctrlc::set_handler(move || interrupt.store(true, Ordering::SeqCst)) {
        eprintln!("ww shell: cannot catch Ctrl-C: {e}");
    }
    let mut editor: Editor<GliaHelper, rustyline::history::FileHistory> = match Editor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("ww shell: cannot start the line editor: {e}");
            return ExitCode::FAILURE;
        }
    };
    editor.set_helper(Some(GliaHelper {
        brackets: MatchingBracketHighlighter::new(),
        names: Vec::new(),
    }));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!(
        "Glia {} (ww shell). Ctrl-D exits; Ctrl-C stops an evaluation; (doc name) explains.",
        env!("CARGO_PKG_VERSION")
    );
    loop {
        if let Some(h) = editor.helper_mut() {
            h.names = session.names();
        }
        match editor.readline(&format!("{}=> ", session.ns())) {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(line.as_str());
                if let Some(path) = &history {
                    let _ = editor.save_history(path);
                }
                match session.eval("<repl>", &line) {
                    Ok(printed) => println!("{printed}"),
                    Err(report) => eprint!("{report}"),
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("ww shell: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
