//! doc/shell.md's examples, run: every ```clojure block of the guide is
//! evaluated with `ww eval` and what it prints is compared with what the
//! guide says it prints.
//!
//! In a block, a comment after a form (on its line or the lines before the
//! next form) says what the form does:
//!
//! - `;; => VALUE`: the form's value, as the shell prints it (`pr-str`);
//! - `;; out: TEXT`: a line the form writes to stdout (every line it
//!   writes must be given, in order);
//! - `;; error: TEXT`: the form fails, and its report contains `TEXT`.
//!
//! `...` in a `VALUE` stands for any text (a peer id, a port, a CID).
//! Other comments are prose. Each block runs on its own, in a fresh
//! temporary HOME that holds the standard cells in `bin/` and the status
//! script in `etc/init.d/` (as `~/.ww` does after `ww perform install`),
//! which is also the working directory.
//!
//! A form's value is what `ww eval -e` prints for the block up to that
//! form, so each form with a `;; =>` costs one run of `ww eval`; forms
//! expected to fail are left out of the runs for the forms after them
//! (`ww eval` stops at a failing form, the shell carries on). Blocks that
//! need a running node or a second one are ```text or ```sh in the guide,
//! and not run here.

use crate::common::{self, TempDir, dots_match};

/// What a comment says a form does.
#[derive(Debug, Default)]
struct Expect {
    value: Option<String>,
    out: Vec<String>,
    error: Option<String>,
}

impl Expect {
    fn is_empty(&self) -> bool {
        self.value.is_none() && self.out.is_empty() && self.error.is_none()
    }
}

/// A top-level form of a block, its source and what it should do.
#[derive(Debug)]
struct Form {
    source: String,
    /// Its line in the guide.
    line: usize,
    expect: Expect,
}

/// A ```clojure block of the guide: its first line there, and its forms.
#[derive(Debug)]
struct Block {
    line: usize,
    forms: Vec<Form>,
}

/// The ```clojure blocks of `markdown`.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        if line.trim_end() != "```clojure" {
            continue;
        }
        let mut text = String::new();
        for (_, line) in lines.by_ref() {
            if line.trim_end() == "```" {
                break;
            }
            text.push_str(line);
            text.push('\n');
        }
        // The block's text starts on the line after the fence (1-based).
        out.push(block(i + 2, &text));
    }
    out
}

fn block(first_line: usize, text: &str) -> Block {
    let read = glia_syntax::read(text);
    assert!(
        read.errors.is_empty(),
        "doc/shell.md:{first_line}: the block does not read: {:?}",
        read.errors
    );
    let line_of = |offset: usize| first_line + text[..offset].matches('\n').count();
    let forms = read
        .forms
        .iter()
        .enumerate()
        .map(|(i, form)| {
            let (start, end) = (form.span.start, form.span.end);
            let next = read.forms.get(i + 1).map_or(text.len(), |f| f.span.start);
            Form {
                source: text[start..end].to_string(),
                line: line_of(start),
                expect: expectations(&text[end..next]),
            }
        })
        .collect();
    Block {
        line: first_line,
        forms,
    }
}

/// What the comments between a form and the next say of it.
fn expectations(between: &str) -> Expect {
    let mut expect = Expect::default();
    for line in between.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix(";; =>") {
            expect.value = Some(v.trim().to_string());
        } else if let Some(o) = line.strip_prefix(";; out:") {
            expect
                .out
                .push(o.strip_prefix(' ').unwrap_or(o).to_string());
        } else if let Some(e) = line.strip_prefix(";; error:") {
            expect.error = Some(e.trim().to_string());
        }
    }
    expect
}

/// A fresh HOME holding what `ww perform install` writes into `~/.ww`
/// for the examples to read: the standard cells in `bin/` and the status
/// script in `etc/init.d/`.
fn home() -> TempDir {
    let dir = TempDir::new("shell-doc");
    std::fs::create_dir_all(dir.0.join("bin")).unwrap();
    for (name, wasm) in runtime::std_cells::ALL {
        std::fs::write(dir.0.join(format!("bin/{name}.wasm")), wasm).unwrap();
    }
    let status = "etc/init.d/05-status.glia";
    std::fs::create_dir_all(dir.0.join("etc/init.d")).unwrap();
    std::fs::copy(
        common::repo_root().join("stdlib/image").join(status),
        dir.0.join(status),
    )
    .unwrap();
    dir
}

/// Runs `block`, returning what differs from the guide.
fn check(block: &Block) -> Vec<String> {
    let dir = home();
    let mut failures = Vec::new();
    // The forms run so far (those expected to fail are left out).
    let mut program: Vec<&str> = Vec::new();
    // The output the forms in `program` should write.
    let mut printed = String::new();
    let last = block.forms.len().saturating_sub(1);
    for (i, form) in block.forms.iter().enumerate() {
        let expect = &form.expect;
        let at = format!("doc/shell.md:{}", form.line);
        if expect.is_empty() && i != last {
            program.push(&form.source);
            continue;
        }
        let mut script = program.clone();
        script.push(&form.source);
        let (ok, stdout, stderr) = common::ww_eval(&dir, &script.join("\n"));
        if let Some(error) = &expect.error {
            if ok {
                failures.push(format!(
                    "{at}: `{}` should fail with {error:?}, but printed {stdout:?}",
                    form.source
                ));
            } else if !stderr.contains(error.as_str()) {
                failures.push(format!(
                    "{at}: `{}` should fail with {error:?}, but its report is:\n{stderr}",
                    form.source
                ));
            }
            continue;
        }
        if !ok {
            failures.push(format!("{at}: `{}` failed:\n{stderr}", form.source));
            break;
        }
        for line in &expect.out {
            printed.push_str(line);
            printed.push('\n');
        }
        program.push(&form.source);
        // What ww eval printed: the output, then the value on a line.
        let body = stdout.strip_suffix('\n').unwrap_or(&stdout);
        let (output, value) = match body.rfind('\n') {
            Some(at) => (&stdout[..at + 1], &body[at + 1..]),
            None => ("", body),
        };
        if output != printed {
            failures.push(format!(
                "{at}: the block up to `{}` should print\n{printed}but printed\n{output}",
                form.source
            ));
        }
        if let Some(want) = &expect.value
            && !dots_match(want, value)
        {
            failures.push(format!(
                "{at}: `{}`\n  the guide says: {want}\n  ww eval prints: {value}",
                form.source
            ));
        }
    }
    if block.forms.is_empty() {
        failures.push(format!("doc/shell.md:{}: an empty block", block.line));
    }
    failures
}

#[test]
fn the_shell_guides_examples_print_what_it_says() {
    let path = common::repo_root().join("doc/shell.md");
    let markdown = std::fs::read_to_string(&path).expect("doc/shell.md exists");
    let blocks = blocks(&markdown);
    let checked: usize = blocks
        .iter()
        .flat_map(|b| &b.forms)
        .filter(|f| f.expect.value.is_some())
        .count();
    // The guide's examples are written to be checked: if none are found,
    // the format changed under this test.
    assert!(
        blocks.len() >= 10 && checked >= 50,
        "only {} blocks and {checked} values found in doc/shell.md",
        blocks.len()
    );
    // Blocks are independent: run them a few at a time.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunk = blocks.len().div_ceil(4);
        let handles: Vec<_> = blocks
            .chunks(chunk)
            .map(|some| scope.spawn(move || some.iter().flat_map(check).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a checking thread panicked"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "doc/shell.md differs from what ww does:\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn expectations_are_read_from_comments() {
    let b = block(
        10,
        "(def x 1) ;; => #'user/x\n;; prose\n(println x)\n;; out: 1\n;; => nil\n(/ 1 0) ;; error: divide\n",
    );
    assert_eq!(b.forms.len(), 3);
    assert_eq!(b.forms[0].expect.value.as_deref(), Some("#'user/x"));
    assert_eq!(b.forms[1].line, 12);
    assert_eq!(b.forms[1].expect.out, ["1"]);
    assert_eq!(b.forms[2].expect.error.as_deref(), Some("divide"));
    assert!(dots_match("\"12D3KooW...\"", "\"12D3KooWabc\""));
    assert!(dots_match("[... 2 ...]", "[1 2 3]"));
    assert!(!dots_match("\"12D3KooW...\"", "\"bafk\""));
    assert!(!dots_match("a...a", "a"));
}
