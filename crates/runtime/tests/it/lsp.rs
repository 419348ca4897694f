//! The language server (`ww lsp`) through real clients: the protocol tests
//! in `tests/lsp` (pytest-lsp, in the venv `./scripts/test` makes at
//! `target/lsp-venv`) and a headless neovim.

use crate::common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::{TempDir, repo_root};

/// What a finished (or killed) child printed.
struct Run {
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    fn report(&self) -> String {
        let status = match self.status {
            Some(s) => s.to_string(),
            None => "killed after the time limit".to_owned(),
        };
        format!(
            "status: {status}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        )
    }
}

/// Runs `cmd` with stdin closed and output sent to files in `dir`, killing
/// it after `limit`.
fn run(cmd: &mut Command, dir: &Path, limit: Duration) -> Run {
    let out = dir.join("child.stdout");
    let err = dir.join("child.stderr");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(File::create(&out).expect("temp file"))
        .stderr(File::create(&err).expect("temp file"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the child") {
            break Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        status,
        stdout: std::fs::read_to_string(&out).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err).unwrap_or_default(),
    }
}

#[test]
fn pytest_lsp_protocol_tests() {
    let root = repo_root();
    let venv = std::env::var_os("WW_LSP_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/lsp-venv"));
    let python = venv.join("bin/python");
    assert!(
        python.is_file(),
        "no Python venv for the LSP tests at {}: run ./scripts/test, which \
         creates it (python3 -m venv target/lsp-venv, then pip install -r \
         tests/lsp/requirements.txt), or set WW_LSP_VENV to such a venv",
        venv.display()
    );

    let tmp = TempDir::new("pytest");
    let result = run(
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

    let result = run(
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
