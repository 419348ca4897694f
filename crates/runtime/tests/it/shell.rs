//! `ww shell` with piped input: form by form, each result printed. The
//! terminal session is tested in `tests/shell_pty.rs`.

use crate::common::TempDir;

#[test]
fn piped_input_runs_form_by_form_and_prints_each_result() {
    let home = TempDir::new("shell-piped");
    let (ok, out, err) = crate::common::shell(
        &home.0,
        &[],
        "(def x 41)\n(inc x)\n(/ 1 0)\n[*1 (inc x)]\n(ex-message *e)\n(doc inc)\n",
    );
    assert_eq!(
        out,
        "#'user/x\n42\n[42 42]\n\"divide by zero\"\n\
         -------------------------\nglia.core/inc\n([x])\n  x + 1.\nnil\n"
    );
    assert!(err.contains("divide by zero"));
    // A form failed, so the exit status says so.
    assert!(!ok);
}

#[test]
fn an_exit_ends_the_shell_with_its_status() {
    let home = TempDir::new("shell-exit");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ww"))
        .arg("shell")
        .env("HOME", &home.0)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"(inc 1)\n(perform :exit 3)\n(println \"after\")\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2\n");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_piped_forms_error_points_at_its_line_in_the_input() {
    let home = TempDir::new("shell-lines");
    let (ok, out, err) =
        crate::common::shell(&home.0, &[], "(def x 1)\n\n(+ x\n   (/ 1 0))\n(inc x)\n");
    assert!(!ok);
    assert_eq!(out, "#'user/x\n2\n");
    assert!(err.contains("╭─[<stdin>:4:4]"), "{err}");
}
