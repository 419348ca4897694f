//! README.md's commands, run as written on a fresh HOME, in order, with
//! what they print checked against the output blocks that follow them.
//!
//! - Each ```sh block is run by bash (`-e -o pipefail`) in a fresh working
//!   directory that links to the repository's top-level entries, so
//!   `examples/...` resolves and `ww init demo` writes nowhere it should
//!   not. It must succeed.
//! - A ```text or ```json block right after it is what its standard
//!   output must be, line by line. `...` stands for anything: a line of
//!   its own for any number of lines, within a line for any text.
//! - `<!-- readme: background -->` before a block marks a long-running
//!   command (a node): it is started, and its standard error up to
//!   `ww: ready` is what the output block checks. The next background
//!   command stops it first, as the README tells its reader to; the last
//!   is stopped at the end.
//! - `<!-- readme: skip (why) -->` before a block leaves it out.
//!
//! The two exceptions: `ww` is the binary this test was built with (put on
//! PATH, as the skipped install command would), and `ww build` reuses the
//! cells' target directory so that it does not compile the SDK again.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{TempDir, dots_match, repo_root, stderr_lines};

/// A command block of the README and the output it promises.
#[derive(Debug)]
struct Block {
    /// Where it starts in README.md, for messages.
    line: usize,
    script: String,
    background: bool,
    expected: Option<String>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut marker: Option<String> = None;
    let mut lines = readme.lines().enumerate();
    // Whether only blank lines came since the last command block ended.
    let mut after_command = false;
    while let Some((n, line)) = lines.next() {
        if let Some(m) = line
            .strip_prefix("<!-- readme: ")
            .and_then(|m| m.strip_suffix(" -->"))
        {
            marker = Some(m.to_string());
            after_command = false;
            continue;
        }
        let Some(lang) = line.strip_prefix("```").filter(|l| !l.is_empty()) else {
            if !line.trim().is_empty() {
                after_command = false;
                marker = None;
            }
            continue;
        };
        let body: Vec<&str> = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| !l.starts_with("```"))
            .collect();
        let body = body.join("\n");
        match lang {
            "sh" => {
                let skip = marker.as_deref().is_some_and(|m| m.starts_with("skip"));
                if !skip {
                    blocks.push(Block {
                        line: n + 1,
                        script: body,
                        background: marker.as_deref() == Some("background"),
                        expected: None,
                    });
                }
                after_command = !skip;
            }
            "text" | "json" if after_command => {
                if let Some(block) = blocks.last_mut() {
                    block.expected = Some(body);
                }
                after_command = false;
            }
            _ => after_command = false,
        }
        marker = None;
    }
    blocks
}

/// Whether `actual` is what `expected` promises, `...` standing for
/// anything.
fn matches(expected: &[&str], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((&"...", rest)) => (0..=actual.len()).any(|skip| matches(rest, &actual[skip..])),
        Some((want, rest)) => actual
            .split_first()
            .is_some_and(|(got, more)| dots_match(want, got) && matches(rest, more)),
    }
}

/// Where the blocks run: HOME, a working directory, and PATH's `ww`.
struct Place {
    home: TempDir,
    work: TempDir,
    bin: TempDir,
}

impl Place {
    fn new() -> Place {
        let place = Place {
            home: TempDir::new("readme-home"),
            work: TempDir::new("readme-work"),
            bin: TempDir::new("readme-bin"),
        };
        let root = repo_root();
        for entry in std::fs::read_dir(&root).unwrap().flatten() {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') || name == "target" {
                continue;
            }
            std::os::unix::fs::symlink(entry.path(), place.work.0.join(&name)).unwrap();
        }
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_ww"), place.bin.0.join("ww")).unwrap();
        place
    }

    fn bash(&self, script: &str) -> Command {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![self.bin.0.clone()];
        paths.extend(std::env::split_paths(&path));
        let mut command = Command::new("bash");
        command
            .args(["-e", "-o", "pipefail", "-c", script])
            .current_dir(&self.work.0)
            .env("HOME", &self.home.0)
            .env("PATH", std::env::join_paths(paths).unwrap())
            .env("CARGO_TARGET_DIR", repo_root().join("target/cells"))
            .stdin(Stdio::null());
        command
    }
}

/// A background command (bash exec'd into it), stopped when dropped.
struct Background(Child);

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `block` and returns it with its standard error up to
/// `ww: ready`.
fn start(place: &Place, block: &Block) -> (Background, String) {
    let mut child = place
        .bash(&format!("exec {}", block.script.trim()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    let rx = stderr_lines(&mut child);
    let mut log = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                log.push_str(&line);
                log.push('\n');
                if line == "ww: ready" {
                    break;
                }
            }
            Err(_) => panic!(
                "README.md:{}: `{}` never got ready:\n{log}",
                block.line, block.script
            ),
        }
    }
    // The rest is drained so the node never blocks writing it.
    std::thread::spawn(move || for _ in rx {});
    (Background(child), log)
}

fn check(block: &Block, output: &str) {
    let Some(expected) = &block.expected else {
        return;
    };
    let want: Vec<&str> = expected.lines().collect();
    let got: Vec<&str> = output.lines().collect();
    assert!(
        matches(&want, &got),
        "README.md:{}: `{}` printed\n{output}\nwhich is not what the README shows:\n{expected}",
        block.line,
        block.script
    );
}

#[test]
fn the_readmes_commands_run_as_written() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let blocks = blocks(&readme);
    assert!(
        blocks.iter().any(|b| b.background) && blocks.len() > 5,
        "README.md's walkthrough was not found: {blocks:?}"
    );
    // The suite runs this test: running it from here would never end.
    for block in &blocks {
        assert!(
            !block.script.contains("scripts/test"),
            "README.md:{}: a block that runs the test suite must be marked \
             `<!-- readme: skip (why) -->`",
            block.line
        );
    }
    let place = Place::new();
    let mut node: Option<Background> = None;
    for block in &blocks {
        if block.background {
            drop(node.take());
            let (started, log) = start(&place, block);
            check(block, &log);
            node = Some(started);
            continue;
        }
        let out = place.bash(&block.script).output().expect("bash runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "README.md:{}: `{}` failed ({}):\n{stdout}\n{}",
            block.line,
            block.script,
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        check(block, &stdout);
    }
}

#[test]
fn dots_stand_for_anything() {
    let yes = |want: &str, got: &str| {
        matches(
            &want.lines().collect::<Vec<_>>(),
            &got.lines().collect::<Vec<_>>(),
        )
    };
    assert!(yes("a\n...\nd", "a\nb\nc\nd"));
    assert!(yes("a\n...\nd", "a\nd"));
    assert!(!yes("a\n...\nd", "a\nb"));
    assert!(yes(
        r#"{"id":"12D3KooW...","n":0}"#,
        r#"{"id":"12D3KooWxyz","n":0}"#
    ));
    assert!(!yes(
        r#"{"id":"12D3KooW...","n":0}"#,
        r#"{"id":"12D3KooWxyz","n":1}"#
    ));
    assert!(yes("ok ... (...)", "ok cargo 1.95 (abc)"));
    assert!(!yes("exact", "exactly"));
    assert!(
        blocks(
            "<!-- readme: skip (why) -->\n```sh\nno\n```\n```sh\nyes\n```\n\n```text\nout\n```\n"
        )
        .iter()
        .map(|b| (b.script.as_str(), b.expected.as_deref()))
        .eq([("yes", Some("out"))])
    );
}
