//! `ww shell`: the Glia REPL.
//!
//! The session (`session.rs`) holds a node's capabilities; its other host
//! effects are this process's (`host::CliHost`).
//!
//! On a terminal: rustyline with persistent history (`~/.ww/history`),
//! input that continues while brackets are open, completion of the names in
//! scope (vars, namespaces, `alias/var`, locals typed so far, keywords,
//! capability methods), syntax colouring and bracket matching, `*1 *2 *3 *e`, and Ctrl-C interrupting the
//! running evaluation (the session stays). Without a terminal, standard
//! input runs form by form and each result is printed, so the shell
//! scripts.

use std::borrow::Cow;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use glia_eval::{Glia, Value};

use crate::session::{Session, Target};
use glia_syntax::SyntaxKind;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper};

/// A Glia session and what the REPL remembers of it (`*1 *2 *3 *e`).
struct Repl {
    session: Session<crate::host::CliHost>,
}

impl Repl {
    fn new(target: Target) -> Result<Repl, String> {
        let mut session = Session::new(target, crate::host::CliHost, "ww shell")?;
        for name in ["*1", "*2", "*3", "*e"] {
            session.glia.define(name, Value::Nil);
        }
        Ok(Repl { session })
    }

    /// Evaluates `text` (only its top-level form at `form`, if given): the
    /// printed value, or the rendered error report, or [`Stop::Exit`] for
    /// `(perform :exit n)`.
    fn eval(&mut self, name: &str, text: &str, form: Option<usize>) -> Result<String, Stop> {
        let glia = &mut self.session.glia;
        glia.vm.limits.interrupt.store(false, Ordering::SeqCst);
        match self.session.eval_at(name, text, form) {
            Ok(v) => {
                let glia = &mut self.session.glia;
                let printed = glia_eval::value::pr_str(&v);
                let prev = |g: &Glia, n: &str| {
                    g.vm.core
                        .lookup(n)
                        .and_then(|v| v.get())
                        .unwrap_or_default()
                };
                let (one, two) = (prev(glia, "*1"), prev(glia, "*2"));
                glia.define("*3", two);
                glia.define("*2", one);
                glia.define("*1", v);
                Ok(printed)
            }
            Err(e) => {
                if let Some(status) = crate::host::exit_status(&e) {
                    return Err(Stop::Exit(status));
                }
                let glia = &mut self.session.glia;
                glia.define("*e", Value::Error(e.exception.clone()));
                Err(Stop::Failed(e.report().render_plain()))
            }
        }
    }

    fn ns(&self) -> String {
        self.session.glia.vm.current_ns.name.to_string()
    }

    /// The names to complete from, here: vars of the current namespace
    /// and `glia.core`, namespaces, and `alias/var` for each alias.
    fn names(&self) -> Vec<String> {
        let vm = &self.session.glia.vm;
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
        // Keywords seen so far, and the methods of the capabilities in
        // scope (`(perform cap :method ...)`).
        out.extend(
            glia_eval::value::Keyword::all()
                .iter()
                .filter(|k| k.ns() != Some("glia.error"))
                .map(|k| k.to_string()),
        );
        for ns in [&vm.current_ns, &vm.core] {
            for var in ns.mappings.borrow().values() {
                if let Some(Value::Cap(c)) = var.get() {
                    out.extend(c.allowed.iter().map(|m| m.to_string()));
                }
            }
        }
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

/// What rustyline asks of the REPL: completion, highlighting, and whether
/// the input so far is a whole form.
struct GliaHelper {
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
        // Locals: the symbols of the input so far (`(let [total ...] tot`).
        let typed: Vec<String> = glia_syntax::parse(line)
            .syntax()
            .tokens()
            .filter(|t| t.kind() == SyntaxKind::Symbol && t.span().end != pos)
            .map(|t| t.text().to_string())
            .collect();
        let mut names: Vec<&String> = self.names.iter().chain(&typed).collect();
        names.sort();
        names.dedup();
        let pairs = names
            .into_iter()
            .filter(|n| n.starts_with(prefix) && n.as_str() != prefix)
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
        Cow::Owned(highlight(line, pos))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        // Colours depend on the whole line (an opened string recolours
        // what follows), so every edit redraws it.
        true
    }
}

/// The ANSI colour of a token, if it gets one.
fn colour(kind: SyntaxKind, text: &str) -> Option<&'static str> {
    Some(match kind {
        SyntaxKind::String
        | SyntaxKind::UnterminatedString
        | SyntaxKind::Char
        | SyntaxKind::Regex
        | SyntaxKind::UnterminatedRegex => "32",
        SyntaxKind::Number | SyntaxKind::SymbolicValue => "36",
        SyntaxKind::Keyword => "35",
        SyntaxKind::Comment | SyntaxKind::Shebang => "90",
        SyntaxKind::Error | SyntaxKind::StrayClose | SyntaxKind::UnknownDispatch => "31",
        SyntaxKind::Symbol if SPECIAL.contains(&text) => "1;34",
        SyntaxKind::Symbol if matches!(text, "nil" | "true" | "false") => "36",
        _ => return None,
    })
}

/// Special forms and the definers, shown in bold blue.
const SPECIAL: &[&str] = &[
    "def",
    "defn",
    "defn-",
    "defmacro",
    "fn",
    "fn*",
    "let",
    "let*",
    "loop",
    "recur",
    "if",
    "do",
    "quote",
    "var",
    "try",
    "catch",
    "finally",
    "throw",
    "letfn",
    "case",
    "binding",
    "with-effect-handler",
    "ns",
    "defcap",
    "handle",
];

fn is_open(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::LParen
            | SyntaxKind::LBracket
            | SyntaxKind::LBrace
            | SyntaxKind::HashBrace
            | SyntaxKind::HashParen
    )
}

fn is_close(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::RParen | SyntaxKind::RBracket | SyntaxKind::RBrace
    )
}

/// `line` with its tokens coloured and the bracket matching the one at
/// (or just before) the cursor shown in reverse video.
fn highlight(line: &str, pos: usize) -> String {
    let parse = glia_syntax::parse(line);
    let tokens: Vec<_> = parse
        .syntax()
        .tokens()
        .map(|t| (t.kind(), t.span()))
        .filter(|(_, span)| span.end > span.start)
        .collect();
    // Pairs of brackets, by the start of each.
    let mut pairs = std::collections::HashMap::new();
    let mut open = Vec::new();
    for (kind, span) in &tokens {
        if is_open(*kind) {
            open.push(span.start);
        } else if is_close(*kind)
            && let Some(o) = open.pop()
        {
            pairs.insert(o, span.start);
            pairs.insert(span.start, o);
        }
    }
    let at_bracket = |p: usize| {
        tokens
            .iter()
            .find(|(k, span)| span.start == p && (is_open(*k) || is_close(*k)))
            .map(|_| p)
    };
    let cursor = at_bracket(pos).or_else(|| pos.checked_sub(1).and_then(at_bracket));
    let matched: Vec<usize> = cursor
        .and_then(|c| pairs.get(&c).map(|m| vec![c, *m]))
        .unwrap_or_default();
    let mut out = String::with_capacity(line.len() * 2);
    let mut at = 0;
    for (kind, span) in &tokens {
        out.push_str(&line[at..span.start]);
        let text = &line[span.start..span.end];
        let style = if matched.contains(&span.start) {
            Some("7")
        } else {
            colour(*kind, text)
        };
        match style {
            Some(code) => out.push_str(&format!("\x1b[{code}m{text}\x1b[0m")),
            None => out.push_str(text),
        }
        at = span.end;
    }
    out.push_str(&line[at..]);
    out
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
    let dir = runtime::home::ww_home();
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

pub fn run(target: Target) -> ExitCode {
    let mut session = match Repl::new(target) {
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

/// Why an evaluation gave no value.
enum Stop {
    /// It failed: the rendered report.
    Failed(String),
    /// The program asked to end the shell, with this status, as `ww eval`
    /// ends.
    Exit(ExitCode),
}

/// Standard input, form by form, each result printed (errors to stderr).
/// Exit 1 if any form failed, or the status `(perform :exit n)` asks for.
fn scripted(session: &mut Repl) -> ExitCode {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("ww shell: cannot read standard input: {e}");
        return ExitCode::FAILURE;
    }
    let read = glia_syntax::read(&text);
    if !read.errors.is_empty() {
        // The whole text goes to the evaluator, which reports the errors.
        if let Err(Stop::Failed(report)) = session.eval("<stdin>", &text, None) {
            eprint!("{report}");
        }
        return ExitCode::FAILURE;
    }
    let mut failed = false;
    for index in 0..read.forms.len() {
        match session.eval("<stdin>", &text, Some(index)) {
            Ok(printed) => println!("{printed}"),
            Err(Stop::Failed(report)) => {
                eprint!("{report}");
                failed = true;
            }
            Err(Stop::Exit(code)) => return code,
        }
    }
    // 1 if anything failed.
    ExitCode::from(u8::from(failed))
}

fn interactive(session: &mut Repl) -> ExitCode {
    let interrupt = session.session.glia.vm.limits.interrupt.clone();
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
    editor.set_helper(Some(GliaHelper { names: Vec::new() }));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!(
        "Glia {} (ww shell). Ctrl-D or (perform :exit 0) exits; Ctrl-C stops an evaluation; (doc name) explains.",
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
                match session.eval("<repl>", &line, None) {
                    Ok(printed) => println!("{printed}"),
                    Err(Stop::Failed(report)) => eprint!("{report}"),
                    Err(Stop::Exit(code)) => return code,
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

#[cfg(test)]
mod tests {
    use super::{highlight, is_incomplete};

    #[test]
    fn tokens_are_coloured_and_the_matching_bracket_is_shown() {
        let out = highlight(r#"(def x "s" :k 1) ; c"#, 0);
        assert!(out.contains("\x1b[1;34mdef\x1b[0m"), "{out:?}");
        assert!(out.contains("\x1b[32m\"s\"\x1b[0m"), "{out:?}");
        assert!(out.contains("\x1b[35m:k\x1b[0m"), "{out:?}");
        assert!(out.contains("\x1b[36m1\x1b[0m"), "{out:?}");
        assert!(out.contains("\x1b[90m; c\x1b[0m"), "{out:?}");
        // The cursor on the opening paren: both parens in reverse video.
        assert_eq!(out.matches("\x1b[7m").count(), 2, "{out:?}");
        // Just after the closing one, too.
        assert_eq!(highlight("(a [b])", 7).matches("\x1b[7m").count(), 2);
        // Elsewhere, none.
        assert_eq!(highlight("(a [b])", 2).matches("\x1b[7m").count(), 0);
        // Text comes back whole once the codes are removed.
        let plain = |s: &str| regex_lite_strip(s);
        assert_eq!(plain(&out), r#"(def x "s" :k 1) ; c"#);
    }

    fn regex_lite_strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn open_brackets_and_strings_continue_the_input() {
        assert!(is_incomplete("(+ 1"));
        assert!(is_incomplete("[1 {:a"));
        assert!(is_incomplete("(str \"abc"));
        assert!(!is_incomplete("(+ 1 2)"));
        assert!(
            !is_incomplete("(+ 1 2))"),
            "a stray closer is an error, not more input"
        );
        assert!(!is_incomplete(""));
    }
}
