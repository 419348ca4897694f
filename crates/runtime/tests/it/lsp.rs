//! The language server (`ww lsp`) through real clients: the protocol tests
//! in `tests/lsp` (pytest-lsp, in the venv `./scripts/test` makes at
//! `target/lsp-venv`) and a headless neovim.

use crate::common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{TempDir, python, repo_root, run_child};

#[test]
fn pytest_lsp_protocol_tests() {
    let root = repo_root();
    let python = python();

    let tmp = TempDir::new("pytest");
    let result = run_child(
        Command::new(&python)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/lsp"])
            .current_dir(&root)
            .env("WW_BIN", env!("CARGO_BIN_EXE_ww"))
            .env("PYTHONDONTWRITEBYTECODE", "1"),
        &tmp.0,
        Duration::from_secs(900),
    );
    assert!(
        result.success(),
        "the LSP protocol tests (tests/lsp) failed:\n{}",
        result.report()
    );
}

#[test]
fn neovim_shows_diagnostics_from_ww_lsp() {
    match Command::new("nvim")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!("`nvim --version` failed: {out:?}"),
        Err(e) => panic!(
            "cannot run nvim ({e}): the LSP tests use a headless neovim; run \
             ./scripts/test, which installs it (apt-get install neovim)"
        ),
    }

    let root = repo_root();
    let tmp = TempDir::new("nvim");
    let file = tmp.0.join("unbound.glia");
    std::fs::write(&file, "(defn f [x]\n  (unknown-thing x))\n").unwrap();
    let out = tmp.0.join("diagnostics.txt");

    let result = run_child(
        Command::new("nvim")
            .arg("--headless")
            .arg("--clean")
            .arg("-u")
            .arg(root.join("tests/lsp/nvim/init.lua"))
            .arg(&file)
            .current_dir(&tmp.0)
            .env("WW_BIN", env!("CARGO_BIN_EXE_ww"))
            .env("GLIA_NVIM_OUT", &out)
            .env("GLIA_NVIM_TIMEOUT_MS", "20000")
            // neovim's lsp.log (with the server's stderr) lands in tmp.
            .env("XDG_CACHE_HOME", tmp.0.join("cache"))
            .env("XDG_STATE_HOME", tmp.0.join("state")),
        &tmp.0,
        Duration::from_secs(60),
    );
    let written = std::fs::read_to_string(&out).unwrap_or_default();
    // state/ from neovim 0.8 on, cache/ before.
    let log: String = ["state/nvim/lsp.log", "cache/nvim/lsp.log"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(tmp.0.join(p)).ok())
        .collect();
    let report = format!(
        "neovim wrote:\n{written}\n{}\n--- lsp.log ---\n{log}",
        result.report()
    );
    assert!(result.success(), "{report}");
    let count: usize = written
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("diagnostics "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no diagnostics count in neovim's output\n{report}"));
    assert!(count >= 1, "{report}");
}
