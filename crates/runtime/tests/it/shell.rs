//! `ww shell` driven as a user drives it: through a pseudo-terminal
//! (rexpect), and with piped input.

use std::process::Command;

use rexpect::session::spawn_command;

fn shell_in(home: &std::path::Path) -> rexpect::session::PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ww"));
    cmd.arg("shell").env("HOME", home).env("TERM", "xterm");
    spawn_command(cmd, Some(60_000)).expect("ww shell starts in a pty")
}

fn temp_home(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ww-shell-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_repl_evaluates_continues_open_forms_interrupts_and_remembers() {
    let home = temp_home("repl");
    let mut p = shell_in(&home);
    p.exp_string("user=> ").unwrap();
    p.send_line("(+ 1 2)").unwrap();
    p.exp_string("3").unwrap();
    p.exp_string("user=> ").unwrap();

    // An open bracket continues the input on the next line.
    p.send_line("(+ 10").unwrap();
    p.send_line("20)").unwrap();
    p.exp_string("30").unwrap();
    p.exp_string("user=> ").unwrap();

    // *1 is the last value.
    p.send_line("(* *1 2)").unwrap();
    p.exp_string("60").unwrap();
    p.exp_string("user=> ").unwrap();

    // Ctrl-C stops an endless loop; the session and its state stay.
    p.send_line("(loop [] (recur))").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    p.send_control('c').unwrap();
    p.exp_string("interrupted").unwrap();
    p.exp_string("user=> ").unwrap();
    p.send_line("(inc *1)").unwrap();
    p.exp_string("61").unwrap();
    p.exp_string("user=> ").unwrap();

    // Tab completes a name.
    p.send("(frequenc").unwrap();
    p.send("\t").unwrap();
    p.send_line(" [1 1])").unwrap();
    p.exp_string("{1 2}").unwrap();
    p.exp_string("user=> ").unwrap();

    // Locals typed so far, and a capability's methods, complete too.
    p.send("(let [my-long-name 7] (* 3 my-long").unwrap();
    p.send("\t").unwrap();
    p.send_line("))").unwrap();
    p.exp_string("21").unwrap();
    p.exp_string("user=> ").unwrap();
    p.send_line("(defcap kv :fetch-item (fn [k] (* 2 k)))")
        .unwrap();
    p.exp_string("user=> ").unwrap();
    p.send("(perform kv :fetch-i").unwrap();
    p.send("\t").unwrap();
    p.send_line(" 21)").unwrap();
    p.exp_string("42").unwrap();
    p.exp_string("user=> ").unwrap();

    // The prompt shows the namespace.
    p.send_line("(ns my.place)").unwrap();
    p.exp_string("my.place=> ").unwrap();

    // Ctrl-D exits.
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();

    // History persists: the previous session's last line comes back with Up.
    assert!(home.join(".ww/history").exists());
    let mut p = shell_in(&home);
    p.exp_string("user=> ").unwrap();
    p.send("\x1b[A").unwrap(); // Up: (ns my.place)
    p.send_line("").unwrap();
    p.exp_string("my.place=> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    std::fs::remove_dir_all(&home).unwrap();
}

#[test]
fn piped_input_runs_form_by_form_and_prints_each_result() {
    let home = temp_home("piped");
    let (ok, out, err) = crate::common::shell(
        &home,
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
    std::fs::remove_dir_all(&home).unwrap();
}
