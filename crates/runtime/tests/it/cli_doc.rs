//! doc/cli.md against the binary's own `--help`: every command `ww` knows
//! has a `## ww ...` section there, and every argument and flag a row in
//! that section's table; and the page documents no command, argument or
//! flag that `ww` does not know. Presence only, never wording, so help
//! text and prose can each be rewritten freely.
//!
//! The page's convention, which this relies on: a command's section runs
//! from its `## ww COMMAND` heading to the next `## ` heading, and the
//! first cell of a table row there names an argument (`[IMAGE]...`,
//! `<CID>`) or a flag (`-o, --output <FILE>`). Other rows (exit codes,
//! links to subcommands) name neither and are ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use crate::common::repo_root;

/// Clap gives every command `--help` and every command with subcommands a
/// `help` subcommand: the page explains them once, under `## ww`, so they
/// are allowed anywhere and required nowhere.
const CLAP_FLAG: &str = "--help";
const CLAP_COMMAND: &str = "help";

/// A command's path (`ww store pin`) and the names of what it takes:
/// long flags (`--port`) and positionals' value names (`CID`).
type Help = BTreeMap<String, BTreeSet<String>>;

/// `ww PATH... --help`, run.
fn help_text(path: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args(path)
        .arg("--help")
        .output()
        .expect("the ww binary runs");
    assert!(
        out.status.success(),
        "`ww {} --help` failed: {}",
        path.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The items clap lists under each heading of a help text (`Commands:`,
/// `Arguments:`, `Options:`), each as its spec: `-o, --output <FILE>`,
/// `[IMAGE]...`, `run`. Clap indents a spec by 2 to 6 columns, its
/// description by 10 or sets it off by two spaces; headings and the about
/// text are not indented.
fn help_sections(help: &str) -> BTreeMap<String, Vec<String>> {
    let mut sections: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in help.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() {
            continue;
        }
        if indent == 0 {
            current = trimmed.strip_suffix(':').map(str::to_string);
        } else if let (Some(section), true) = (&current, indent <= 6) {
            let spec = trimmed.split("  ").next().unwrap_or_default();
            sections
                .entry(section.clone())
                .or_default()
                .push(spec.to_string());
        }
    }
    sections
}

/// Every command reachable from `ww --help`, with what each takes.
fn help() -> Help {
    let mut help = Help::new();
    walk(&mut Vec::new(), &mut help);
    help
}

fn walk(path: &mut Vec<String>, help: &mut Help) {
    let sections = help_sections(&help_text(path));
    let mut takes: BTreeSet<String> = sections
        .get("Arguments")
        .into_iter()
        .flatten()
        .filter_map(|spec| positional(spec))
        .collect();
    takes.extend(
        sections
            .get("Options")
            .into_iter()
            .flatten()
            .flat_map(|spec| long_flags(spec)),
    );
    help.insert(command_name(path), takes);
    let subcommands = sections.get("Commands").into_iter().flatten();
    for spec in subcommands {
        let Some(name) = spec.split_whitespace().next() else {
            continue;
        };
        if name == CLAP_COMMAND {
            continue;
        }
        path.push(name.to_string());
        walk(path, help);
        path.pop();
    }
}

fn command_name(path: &[String]) -> String {
    std::iter::once("ww")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The long flags in a flag's spec: `-o, --output <FILE>` has `--output`.
fn long_flags(spec: &str) -> Vec<String> {
    spec.split([' ', ','])
        .filter(|word| {
            // A table's `|---|` separator is no flag.
            word.strip_prefix("--")
                .is_some_and(|name| name.starts_with(|c: char| c.is_ascii_alphanumeric()))
        })
        .map(str::to_string)
        .collect()
}

/// The value name of a positional's spec: `[IMAGE]...` and `<CID>` have
/// `IMAGE` and `CID`; anything else (`-e, --expr`, `0`, `argument`,
/// `[ww store ls](#ww-store-ls)`) has none.
fn positional(spec: &str) -> Option<String> {
    let name = spec
        .trim_end_matches("...")
        .trim_matches(['[', ']', '<', '>']);
    let mut chars = name.chars();
    let starts_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    let rest_fits =
        chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-');
    (starts_upper && rest_fits).then(|| name.to_string())
}

/// One `## ww ...` section of doc/cli.md: where its heading is, and the
/// arguments and flags its table rows name, each with its line.
struct Section {
    line: usize,
    takes: BTreeMap<String, usize>,
}

/// doc/cli.md's command sections by command path, and any heading that
/// repeats one (as a problem).
fn doc_sections(text: &str) -> (BTreeMap<String, Section>, Vec<String>) {
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut current: Option<String> = None;
    // A `# comment` in a shell example is not a heading.
    let mut in_code = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        if let Some(heading) = line.strip_prefix("## ") {
            let words: Vec<&str> = heading
                .split(['`', ' '])
                .filter(|w| !w.is_empty())
                .collect();
            current = (words.first() == Some(&"ww")).then(|| words.join(" "));
            if let Some(name) = &current {
                if let Some(first) = sections.get(name) {
                    problems.push(format!(
                        "doc/cli.md:{line_no}: a second `## {name}` section (the first is at line {})",
                        first.line
                    ));
                    // Its rows would pass for the first one's.
                    current = None;
                } else {
                    sections.insert(
                        name.clone(),
                        Section {
                            line: line_no,
                            takes: BTreeMap::new(),
                        },
                    );
                }
            }
            continue;
        }
        let (Some(name), Some(cell)) = (&current, first_cell(line)) else {
            continue;
        };
        let cell = cell.replace('`', "");
        let cell = cell.trim();
        let named = if cell.starts_with('-') {
            long_flags(cell)
        } else {
            positional(cell).into_iter().collect()
        };
        let takes = &mut sections.get_mut(name).expect("inserted above").takes;
        for item in named {
            takes.entry(item).or_insert(line_no);
        }
    }
    (sections, problems)
}

/// The first cell of a Markdown table row, with `\|` kept inside it.
fn first_cell(line: &str) -> Option<String> {
    let row = line.trim_start().strip_prefix('|')?;
    let mut cell = String::new();
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '|' if !escaped => return Some(cell),
            '\\' => escaped = true,
            _ => {
                escaped = false;
                cell.push(c);
            }
        }
    }
    Some(cell)
}

fn read_doc() -> String {
    let path = repo_root().join("doc/cli.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The command whose `--help` lists `name` (`ww store` for `ww store pin`).
fn parent(name: &str) -> &str {
    name.rsplit_once(' ').map_or(name, |(parent, _)| parent)
}

fn assert_none(problems: &[String], what: &str) {
    assert!(problems.is_empty(), "{what}:\n  {}", problems.join("\n  "));
}

#[test]
fn every_command_argument_and_flag_is_in_doc_cli_md() {
    let help = help();
    let (sections, mut problems) = doc_sections(&read_doc());
    for (name, takes) in &help {
        let Some(section) = sections.get(name) else {
            problems.push(format!(
                "doc/cli.md has no `## {name}` section (`{} --help` lists it)",
                parent(name)
            ));
            continue;
        };
        for item in takes {
            if item != CLAP_FLAG && !section.takes.contains_key(item) {
                problems.push(format!(
                    "doc/cli.md:{}: `## {name}` has no table row for `{item}` (`{name} --help` lists it)",
                    section.line
                ));
            }
        }
    }
    assert_none(&problems, "doc/cli.md leaves out what `ww --help` knows");
}

#[test]
fn doc_cli_md_documents_nothing_ww_does_not_know() {
    let help = help();
    let (sections, mut problems) = doc_sections(&read_doc());
    for (name, section) in &sections {
        let Some(known) = help.get(name) else {
            if !name.ends_with(&format!(" {CLAP_COMMAND}")) {
                problems.push(format!(
                    "doc/cli.md:{}: `## {name}` documents a command `{} --help` does not list",
                    section.line,
                    parent(name)
                ));
            }
            continue;
        };
        for (item, line) in &section.takes {
            if item != CLAP_FLAG && !known.contains(item) {
                problems.push(format!(
                    "doc/cli.md:{line}: `## {name}` has a row for `{item}`, which `{name} --help` does not list"
                ));
            }
        }
    }
    assert_none(
        &problems,
        "doc/cli.md documents what `ww --help` does not know",
    );
}
