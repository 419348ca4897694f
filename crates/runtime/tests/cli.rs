//! The `ww` binary as a user runs it.

use std::process::Command;

fn ww(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ww"))
        .args(args)
        .output()
        .expect("the ww binary runs")
}

#[test]
fn version_names_the_release() {
    let out = ww(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("ww {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn run_reports_the_layers_that_exist() {
    let out = ww(&["run"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("glia-syntax"), "{stdout}");
}

#[test]
fn unknown_commands_fail_with_usage() {
    let out = ww(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
}
