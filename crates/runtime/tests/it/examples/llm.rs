//! examples/llm: an LLM-style session over MCP, run with the official
//! Python SDK against `ww mcp --policy examples/llm/policy.glia`; its
//! transcript must be the one the example shows.

use std::process::Command;
use std::time::Duration;

use crate::common::{TempDir, python, repo_root, run_child};

#[test]
fn the_llm_session_transcript_is_as_shown() {
    let tmp = TempDir::new("llm");
    let result = run_child(
        Command::new(python())
            .arg("examples/llm/session.py")
            .arg(env!("CARGO_BIN_EXE_ww"))
            .current_dir(repo_root())
            .env("PYTHONDONTWRITEBYTECODE", "1"),
        &tmp.0,
        Duration::from_secs(300),
    );
    assert!(result.success(), "session.py failed:\n{}", result.report());
    let shown = std::fs::read_to_string(repo_root().join("examples/llm/transcript.txt")).unwrap();
    if result.stdout != shown {
        let first = result
            .stdout
            .lines()
            .zip(shown.lines())
            .position(|(got, want)| got != want)
            .unwrap_or_else(|| result.stdout.lines().count().min(shown.lines().count()));
        panic!(
            "the session's transcript differs from examples/llm/transcript.txt from line {}:\n\
             --- got\n{}\n--- shown\n{}\n\
             If the change is meant, regenerate it: \
             target/lsp-venv/bin/python examples/llm/session.py > examples/llm/transcript.txt",
            first + 1,
            result.stdout,
            shown
        );
    }
}
