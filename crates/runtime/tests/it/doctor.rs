//! `ww doctor` on fresh HOMEs: what it finds, the fix it prints for each
//! problem, and its exit code. Ports are free ones of this machine or ones
//! a test holds, never the standard ones (another node may run here).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::common::{self, TempDir};

/// A loopback port free at the time of asking.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `ww doctor` with HOME in `home`, checking the given ports (`--port` is
/// libp2p's) and Kubo at `kubo`: whether it succeeded, and its stdout.
fn doctor(home: &TempDir, ports: [u16; 3], kubo: &str, env: &[(&str, &str)]) -> (bool, String) {
    let [libp2p, http, admin] = ports;
    let mut command = Command::new(env!("CARGO_BIN_EXE_ww"));
    command
        .args(["doctor", "--port", &libp2p.to_string()])
        .args(["--http-listen", &format!("127.0.0.1:{http}")])
        .args(["--with-http-admin", &format!("127.0.0.1:{admin}")])
        .args(["--ipfs-url", kubo])
        .env("HOME", &home.0);
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().expect("ww runs");
    assert!(
        out.stderr.is_empty(),
        "doctor writes only to stdout: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The output with what differs between machines and runs replaced: the
/// toolchain's versions and paths, HOME, ports, peer ids and pids.
fn normalized(out: &str, home: &TempDir, ports: [u16; 3]) -> String {
    let mut text = out.replace(&home.0.display().to_string(), "~");
    for (port, name) in ports.iter().zip(["P2P", "HTTP", "ADMIN"]) {
        text = text.replace(&port.to_string(), name);
    }
    text.lines()
        .map(|line| {
            let line = match line.split_once(": ") {
                Some((head, _)) if head.ends_with("cargo") || head.ends_with("rustc") => {
                    format!("{head}: VERSION")
                }
                Some((head, _))
                    if head.ends_with("wasm32-wasip2") && line.contains("installed (") =>
                {
                    format!("{head}: installed (SYSROOT)")
                }
                _ => line.to_string(),
            };
            mask_after(&mask_after(&line, "peer id ", "PEER"), "pid ", "PID")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `line` with the word after each `marker` replaced by `with`.
fn mask_after(line: &str, marker: &str, with: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(marker) {
        out.push_str(&rest[..i + marker.len()]);
        rest = &rest[i + marker.len()..];
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        out.push_str(with);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_fresh_home_with_free_ports_is_well_and_notes_what_comes_later() {
    let home = TempDir::new("doctor-fresh");
    let ports = [free_port(), free_port(), free_port()];
    let kubo = format!("http://127.0.0.1:{}", free_port());
    let (ok, out) = doctor(&home, ports, &kubo, &[]);
    assert!(ok, "{out}");
    let out = normalized(&out, &home, ports).replace(&kubo, "KUBO");
    // Why Kubo could not be reached is the system's words.
    let out = out
        .lines()
        .map(|l| match l.split_once("answers at KUBO: ") {
            Some((head, _)) => format!("{head}answers at KUBO: WHY"),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(out);
    assert!(!home.0.join(".ww").exists(), "doctor makes nothing in HOME");
}

#[test]
fn each_problem_is_named_with_its_fix_and_fails_the_run() {
    let home = TempDir::new("doctor-problems");
    let ww = home.0.join(".ww");
    std::fs::create_dir_all(&ww).unwrap();
    let identity = ww.join("identity");
    std::fs::write(&identity, "not a key").unwrap();
    std::fs::set_permissions(&identity, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(ww.join("mcp-token"), "").unwrap();
    std::fs::set_permissions(ww.join("mcp-token"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let ports = [free_port(), taken.local_addr().unwrap().port(), free_port()];
    let kubo = format!("http://127.0.0.1:{}", free_port());
    // No toolchain: nothing on PATH, no CARGO or RUSTC pointing at one.
    let (ok, out) = doctor(
        &home,
        ports,
        &kubo,
        &[
            ("PATH", "/nonexistent"),
            ("CARGO", "cargo"),
            ("RUSTC", "rustc"),
        ],
    );
    assert!(!ok, "problems fail the run: {out}");
    let fails: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL")).collect();
    let fixes = |what: &str| {
        let at = out
            .lines()
            .position(|l| l.starts_with("FAIL") && l.contains(what))
            .unwrap_or_else(|| panic!("no problem with {what}:\n{out}"));
        out.lines().nth(at + 1).unwrap_or_default().to_string()
    };
    assert!(
        fixes("cargo").contains("rustup target add wasm32-wasip2"),
        "{out}"
    );
    assert!(fixes("rustc").contains("https://rustup.rs"), "{out}");
    assert!(
        fixes("identity").contains(&format!("chmod 600 {}", identity.display())),
        "{out}"
    );
    assert!(fixes("MCP token").contains("remove"), "{out}");
    assert!(
        fixes("(HTTP routes)").contains("--http-listen 127.0.0.1:N"),
        "{out}"
    );
    assert_eq!(fails.len(), 5, "{out}");
    assert!(
        out.trim_end().ends_with("ww doctor: 5 problems, 2 notes"),
        "{out}"
    );
}

#[test]
fn a_node_running_here_is_found_and_its_ports_are_its_own() {
    let home = TempDir::new("doctor-node");
    let node = common::run(&home, &[]);
    let port = |addr: &str| addr.rsplit(':').next().unwrap().parse::<u16>().unwrap();
    let libp2p = node
        .libp2p
        .rsplit('/')
        .next()
        .unwrap()
        .parse::<u16>()
        .unwrap();
    let ports = [libp2p, port(&node.http), port(&node.admin)];
    let kubo = format!("http://127.0.0.1:{}", free_port());
    let (ok, out) = doctor(&home, ports, &kubo, &[]);
    assert!(ok, "{out}");
    let pid = node.child.id();
    assert!(
        out.contains(&format!(
            "local node: pid {pid}, peer id {}, HTTP on {}, ready",
            node.peer_id, node.http
        )),
        "{out}"
    );
    for what in [
        format!("port {libp2p}/tcp (libp2p)"),
        format!("{} (HTTP routes)", node.http),
        format!("{} (admin plane)", node.admin),
    ] {
        assert!(
            out.contains(&format!(
                "ok    {what}: held by the node running here (pid {pid})"
            )),
            "{what}:\n{out}"
        );
    }
    assert!(
        out.contains(&format!("peer id {}", node.peer_id)) && out.contains("ok    identity"),
        "{out}"
    );
}

#[test]
fn kubo_is_found_by_its_version() {
    let home = TempDir::new("doctor-kubo");
    // Kubo's answer to `POST /api/v0/version`, from a listener standing in
    // for it (none can be installed here; see doc/store.md).
    let kubo = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", kubo.local_addr().unwrap());
    let answered = std::thread::spawn(move || {
        let (mut stream, _) = kubo.accept().unwrap();
        let mut request = [0u8; 4096];
        let n = stream.read(&mut request).unwrap();
        let body = r#"{"Version":"0.38.1","Commit":"","Repo":"16","System":"amd64/linux","Golang":"go1.24"}"#;
        write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        String::from_utf8_lossy(&request[..n]).into_owned()
    });
    let ports = [free_port(), free_port(), free_port()];
    let (ok, out) = doctor(&home, ports, &url, &[]);
    assert!(ok, "{out}");
    assert!(
        answered
            .join()
            .unwrap()
            .starts_with("POST /api/v0/version HTTP/1.1"),
        "doctor asks Kubo's RPC API for its version"
    );
    assert!(
        out.contains(&format!("ok    Kubo (optional): Kubo 0.38.1 at {url}")),
        "{out}"
    );
}
