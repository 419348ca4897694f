//! What the runtime's tests share: the repository root, temporary
//! directories, and WASI preview-1 modules written in WebAssembly text
//! for the cell host (a `_start` around a body, with helpers to write to
//! stdout and read stdin).

use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the repository root exists")
}

/// A temporary directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "ww-test-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&path).expect("the temp dir is writable");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A module whose `_start` runs `body`. `$write (ptr len)` writes to
/// stdout, `$read (ptr len) -> n` reads stdin, `$exit (code)` exits; the
/// text "hello\n" is at 64 and each of `data` at 256, 512, 768...
pub fn module(body: &str, data: &[&str]) -> Vec<u8> {
    let segments: String = data
        .iter()
        .enumerate()
        .map(|(i, d)| format!("(data (i32.const {}) \"{}\")\n", 256 * (i + 1), escape(d)))
        .collect();
    wat::parse_str(format!(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 4)
  (data (i32.const 64) "hello\n")
  {segments}
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $read (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (local.get $len))
    (drop (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
    (i32.load (i32.const 24)))
  (func (export "_start") (local $n i32) {body}))"#
    ))
    .expect("the test's WAT parses")
}

/// `text` as a WAT string literal's contents.
fn escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'"' | b'\\' => format!("\\{}", b as char),
            0x20..=0x7e => (b as char).to_string(),
            _ => format!("\\{b:02x}"),
        })
        .collect()
}

/// Writes data segment `i` (of length `len`), as `module` places them.
pub fn write_data(i: usize, len: usize) -> String {
    format!(
        "(call $write (i32.const {}) (i32.const {len}))",
        256 * (i + 1)
    )
}

/// `ww eval -e script` run in `dir` with HOME there (so the cell cache and
/// anything else under `~` stay in it): whether it succeeded, its stdout
/// and its stderr.
pub fn ww_eval(dir: &TempDir, script: &str) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ww"))
        .args(["eval", "-e", script])
        .current_dir(&dir.0)
        .env("HOME", &dir.0)
        .output()
        .expect("ww runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `ww shell` with HOME in `home`, `args` after it, and `input` piped in:
/// whether it succeeded, its stdout and its stderr.
pub fn shell(home: &std::path::Path, args: &[&str], input: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ww"))
        .arg("shell")
        .args(args)
        .env("HOME", home)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
