//! `ww perform install`: `~/.ww` set up, `ww mcp` registered with Claude
//! Code (a stand-in `claude` on PATH records how it is called: Claude Code
//! itself is not installed here), and the same state after a second run.

use crate::common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::{TempDir, run_to_end};

/// `ww perform install ARGS` with HOME at `home` and only `path` (and the
/// system's) on PATH: success, stderr.
fn install(home: &Path, path: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args(["perform", "install"])
        .args(args)
        .env("HOME", home)
        .env("PATH", format!("{}:/usr/bin:/bin", path.display()))
        .output()
        .unwrap();
    assert!(out.stdout.is_empty(), "nothing on stdout");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file and directory under `dir`: its mode and contents.
fn state(dir: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::metadata(&path).unwrap();
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            let mode = meta.permissions().mode() & 0o777;
            if meta.is_dir() {
                out.insert(rel, (mode, Vec::new()));
                todo.push(path);
            } else {
                out.insert(rel, (mode, std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

#[test]
fn install_sets_up_home_and_a_second_run_changes_nothing() {
    let home = TempDir::new("install-home");
    let no_claude = TempDir::new("install-path");
    let (ok, err) = install(&home.0, &no_claude.0, &[]);
    assert!(ok, "{err}");
    let ww = home.0.join(".ww");
    let first = state(&ww);
    assert_eq!(
        std::fs::metadata(&ww).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert_eq!(first["identity"].0, 0o600);
    assert_eq!(first["authorized_keys"].0, 0o600);
    for cell in ["status", "echo", "counter", "greeter", "oracle"] {
        assert!(first.contains_key(&format!("bin/{cell}.wasm")), "{cell}");
    }
    let script = String::from_utf8(first["etc/init.d/05-status.glia"].1.clone()).unwrap();
    assert!(script.contains("bin/status.wasm"), "{script}");
    // Without Claude Code, the exact command to run.
    assert!(
        err.contains(&format!(
            "claude mcp add wetware -- {} mcp",
            env!("CARGO_BIN_EXE_ww")
        )),
        "{err}"
    );

    // Again: the same state, the key kept; a user's edit kept too.
    let (ok, err) = install(&home.0, &no_claude.0, &[]);
    assert!(ok, "{err}");
    assert_eq!(state(&ww), first);
    std::fs::write(ww.join("etc/init.d/05-status.glia"), "; mine\n").unwrap();
    let (ok, _) = install(&home.0, &no_claude.0, &[]);
    assert!(ok);
    assert_eq!(
        std::fs::read_to_string(ww.join("etc/init.d/05-status.glia")).unwrap(),
        "; mine\n"
    );

    // The home is never an image: its key would be every cell's to read.
    let (ok, _, err) = run_to_end(&home, ww.to_str().unwrap());
    assert!(!ok);
    assert!(err.contains("holds its private key"), "{err}");
}

#[test]
fn install_registers_with_claude_code_once() {
    let home = TempDir::new("install-claude");
    let bin = TempDir::new("install-claude-bin");
    let calls = bin.0.join("calls");
    let registered = bin.0.join("registered");
    // Claude Code's CLI as far as install uses it: `mcp get NAME` succeeds
    // once `mcp add NAME ...` has.
    let claude = bin.0.join("claude");
    std::fs::write(
        &claude,
        format!(
            "#!/bin/sh\necho \"$@\" >> {calls}\ncase \"$2\" in\n  get) test -f {registered} ;;\n  add) touch {registered} ;;\nesac\n",
            calls = calls.display(),
            registered = registered.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&claude, std::fs::Permissions::from_mode(0o755)).unwrap();

    let (ok, err) = install(&home.0, &bin.0, &[]);
    assert!(ok, "{err}");
    assert!(err.contains("registered with Claude Code"), "{err}");
    let (ok, err) = install(&home.0, &bin.0, &[]);
    assert!(ok, "{err}");
    assert!(err.contains("already registered"), "{err}");
    let ww = env!("CARGO_BIN_EXE_ww");
    assert_eq!(
        std::fs::read_to_string(&calls).unwrap(),
        format!("mcp get wetware\nmcp add wetware -- {ww} mcp\nmcp get wetware\n")
    );
}

#[test]
fn install_writes_a_projects_mcp_json_keeping_its_other_servers() {
    let home = TempDir::new("install-json");
    let project = TempDir::new("install-project");
    let no_claude = TempDir::new("install-json-path");
    let config = project.0.join(".mcp.json");
    std::fs::write(
        &config,
        r#"{"mcpServers": {"other": {"command": "other-server"}}}"#,
    )
    .unwrap();
    let dir = project.0.to_str().unwrap();
    let (ok, err) = install(&home.0, &no_claude.0, &["--mcp-json", dir]);
    assert!(ok, "{err}");
    let written = std::fs::read_to_string(&config).unwrap();
    let json: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(json["mcpServers"]["other"]["command"], "other-server");
    assert_eq!(
        json["mcpServers"]["wetware"],
        serde_json::json!({"command": env!("CARGO_BIN_EXE_ww"), "args": ["mcp"]})
    );
    let (ok, _) = install(&home.0, &no_claude.0, &["--mcp-json", dir]);
    assert!(ok);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), written);

    std::fs::write(&config, "not json").unwrap();
    let (ok, err) = install(&home.0, &no_claude.0, &["--mcp-json", dir]);
    assert!(!ok);
    assert!(
        err.contains("is not JSON") && err.contains("fix or remove it"),
        "{err}"
    );
}
