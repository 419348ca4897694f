//! `ww mcp`, and a node's `/mcp` over Streamable HTTP, through a real MCP
//! client: the tests in `tests/mcp`, run with the official Python SDK (in
//! the venv `./scripts/test` makes at `target/lsp-venv`).

use crate::common;

use std::process::Command;
use std::time::Duration;

use common::{TempDir, python, repo_root, run_child};

#[test]
fn the_python_mcp_sdk_drives_ww_mcp() {
    let tmp = TempDir::new("pytest-mcp");
    let result = run_child(
        Command::new(python())
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/mcp"])
            .current_dir(repo_root())
            .env("WW_BIN", env!("CARGO_BIN_EXE_ww"))
            .env("PYTHONDONTWRITEBYTECODE", "1"),
        &tmp.0,
        Duration::from_secs(600),
    );
    assert!(
        result.success(),
        "the MCP tests (tests/mcp) failed:\n{}",
        result.report()
    );
}
