//! The standard library's own tests (stdlib/test/*.glia, written with
//! glia.test) run through `ww eval`, as a user runs them.

use std::path::Path;
use std::process::Command;

#[test]
fn stdlib_tests_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../stdlib/test");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("stdlib/test exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "glia"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "found {files:?}");
    let mut failures = Vec::new();
    for file in &files {
        let out = Command::new(env!("CARGO_BIN_EXE_ww"))
            .arg("eval")
            .arg(file)
            .output()
            .expect("ww runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let summary = stdout.lines().rev().find(|l| l.contains(" passed, "));
        let clean = summary.is_some_and(|l| l.ends_with(" passed, 0 failed, 0 errors."));
        let some_passed = summary.is_some_and(|l| !l.starts_with("0 passed"));
        if !out.status.success() || !clean || !some_passed {
            failures.push(format!(
                "{}:\n{stdout}{}",
                file.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
