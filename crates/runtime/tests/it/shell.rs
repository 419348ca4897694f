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
