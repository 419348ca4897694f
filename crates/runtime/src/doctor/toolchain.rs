//! The Rust toolchain `ww build` compiles cells with, and its
//! `wasm32-wasip2` standard library. A node runs without them; building
//! a cell does not.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use runtime::project;

use super::Finding;

const RUSTUP: &str =
    "install Rust with rustup (https://rustup.rs), then run `rustup target add wasm32-wasip2`";

pub fn check() -> Vec<Finding> {
    let cargo = match version(project::cargo()) {
        Ok(v) => Finding::ok("cargo", v),
        Err(failed) => failed.finding("cargo"),
    };
    let rustc = rustc();
    let target = match version(rustc.clone()) {
        Ok(v) => vec![
            Finding::ok("rustc", v),
            match sysroot(&rustc) {
                Ok(sysroot) => wasm_target(sysroot),
                Err(failed) => failed.finding(project::TARGET),
            },
        ],
        Err(failed) => vec![failed.finding("rustc")],
    };
    std::iter::once(cargo).chain(target).collect()
}

/// A tool that could not be run, or failed.
struct Failed {
    why: String,
    /// The tool's own advice (rustup prints a `help:` line), if it gave any.
    help: Option<String>,
}

impl Failed {
    fn finding(self, what: &str) -> Finding {
        Finding::problem(
            what,
            format!("{} (`ww build` needs it)", self.why),
            self.help.unwrap_or_else(|| RUSTUP.to_string()),
        )
    }
}

/// The rustc cargo would run: `$RUSTC`, else the one on PATH.
fn rustc() -> OsString {
    std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into())
}

/// `PROGRAM --version`, or why it could not be run.
fn version(program: OsString) -> Result<String, Failed> {
    output(program, &["--version"])
}

fn sysroot(rustc: &OsString) -> Result<PathBuf, Failed> {
    output(rustc.clone(), &["--print", "sysroot"]).map(PathBuf::from)
}

/// What `program args` printed, trimmed; if it failed, the first line of
/// its complaint (rustup's come with a backtrace) and its advice.
fn output(program: OsString, args: &[&str]) -> Result<String, Failed> {
    let shown = format!("{} {}", program.to_string_lossy(), args.join(" "));
    let output = Command::new(&program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Failed {
            why: format!("cannot run `{shown}`: {e}"),
            help: None,
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(Failed {
            why: format!("`{shown}` failed: {}", first.trim()),
            help: stderr
                .lines()
                .find_map(|l| l.strip_prefix("help: "))
                .map(str::to_string),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Whether the toolchain has the target's standard library, looked up
/// where rustc keeps it so that a toolchain without rustup is judged too.
fn wasm_target(sysroot: PathBuf) -> Finding {
    let lib = sysroot
        .join("lib/rustlib")
        .join(project::TARGET)
        .join("lib");
    if lib.is_dir() {
        return Finding::ok(project::TARGET, format!("installed ({})", lib.display()));
    }
    let fix = if version("rustup".into()).is_ok() {
        "run `rustup target add wasm32-wasip2`".to_string()
    } else {
        format!(
            "this Rust is not managed by rustup: install its {} standard library, or {RUSTUP}",
            project::TARGET
        )
    };
    Finding::problem(
        project::TARGET,
        format!("not installed (no {}); `ww build` needs it", lib.display()),
        fix,
    )
}
