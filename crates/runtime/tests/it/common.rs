//! What the runtime's tests share: the repository root, temporary
//! directories, and WASI preview-1 modules written in WebAssembly text
//! for the cell host (a `_start` around a body, with helpers to write to
//! stdout and read stdin).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

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

/// A running `ww run`, and what it said while booting.
pub struct Running {
    pub child: Child,
    pub http: String,
    pub admin: String,
    pub peer_id: String,
    pub libp2p: String,
    /// Boot lines (stderr) up to `ww: ready`.
    pub log: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `ww run` on loopback with HOME in `dir` and `args` after the
/// addresses; waits (at most 60 s) until it is ready.
pub fn run(dir: &TempDir, args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args([
            "run",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--http-listen",
            "127.0.0.1:0",
            "--with-http-admin",
            "127.0.0.1:0",
        ])
        .args(args)
        .env("HOME", &dir.0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ww runs");
    let rx = stderr_lines(&mut child);
    let mut log = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut http, mut admin, mut peer_id, mut libp2p) = (None, None, None, None);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("ww run never got ready:\n{log}"));
        log.push_str(&line);
        log.push('\n');
        if let Some(a) = line.strip_prefix("ww: http on http://") {
            http = Some(a.to_string());
        } else if let Some(a) = line.strip_prefix("ww: admin on http://") {
            admin = Some(a.to_string());
        } else if let Some(p) = line.strip_prefix("ww: peer id ") {
            peer_id = Some(p.to_string());
        } else if let Some(a) = line.strip_prefix("ww: libp2p on ") {
            libp2p = Some(a.to_string());
        } else if line == "ww: ready" {
            break;
        }
    }
    // The rest of stderr is drained so the node never blocks on it.
    std::thread::spawn(move || for _ in rx {});
    Running {
        child,
        http: http.expect("the HTTP address is printed"),
        admin: admin.expect("the admin address is printed"),
        peer_id: peer_id.expect("the peer id is printed"),
        libp2p: libp2p.expect("the libp2p address is printed"),
        log,
    }
}

/// `GET path` from `addr`: the status code and the body.
pub fn get(addr: &str, path: &str) -> (u16, String) {
    let (status, _, body) = get_with(addr, path, &[]);
    (status, body)
}

/// `GET path` from `addr` with `headers` (name, value): the status code,
/// the response's header lines and its body.
pub fn get_with(addr: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\n{headers}\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (status, head.to_string(), body.to_string())
}

/// A `ByteStream` that only writes, and the end its bytes come out of.
pub fn sink() -> (
    runtime::schema::stream_capnp::byte_stream::Client,
    tokio::io::DuplexStream,
) {
    let (ours, theirs) = tokio::io::duplex(1 << 16);
    let stream = runtime::membrane::ByteStream::new(None::<tokio::io::DuplexStream>, Some(ours));
    (stream.client(), theirs)
}

/// What a finished (or killed) child printed.
pub struct Run {
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    pub fn report(&self) -> String {
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
pub fn run_child(cmd: &mut Command, dir: &Path, limit: Duration) -> Run {
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

/// The Python of the venv the test clients are installed in
/// (`WW_LSP_VENV`, or `target/lsp-venv`, which ./scripts/test makes).
pub fn python() -> PathBuf {
    let venv = std::env::var_os("WW_LSP_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/lsp-venv"));
    let python = venv.join("bin/python");
    assert!(
        python.is_file(),
        "no Python venv for the test clients at {}: run ./scripts/test, which \
         creates it (python3 -m venv target/lsp-venv, then pip install -r \
         tests/lsp/requirements.txt -r tests/mcp/requirements.txt), or set \
         WW_LSP_VENV to such a venv",
        venv.display()
    );
    python
}

/// `ww run IMAGE` on loopback with HOME in `home`, to its end (for runs
/// that end: a refused image, or pid0 exiting): success, stdout (trimmed),
/// stderr.
pub fn run_to_end(home: &TempDir, image: &str) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args(["run", "--listen", "/ip4/127.0.0.1/tcp/0"])
        .args(["--http-listen", "127.0.0.1:0", "--with-http-admin", "off"])
        .arg(image)
        .env("HOME", &home.0)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Whether `actual` is `expected`, where `...` in `expected` stands for
/// any text: how the documents' checks (README.md, doc/shell.md) leave
/// out what differs between runs (peer ids, ports, versions).
pub fn dots_match(expected: &str, actual: &str) -> bool {
    let pieces: Vec<&str> = expected.split("...").collect();
    let [first, .., last] = pieces.as_slice() else {
        return expected == actual;
    };
    if actual.len() < first.len() + last.len()
        || !actual.starts_with(first)
        || !actual.ends_with(last)
    {
        return false;
    }
    let mut rest = &actual[first.len()..actual.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// The lines of `child`'s standard error as they come, read on a thread
/// of their own (so the child never blocks writing them).
pub fn stderr_lines(child: &mut Child) -> std::sync::mpsc::Receiver<String> {
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}
