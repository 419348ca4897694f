//! `ww shell` driven as a user drives it, through a pseudo-terminal
//! (rexpect). Piped input is tested with the other integration tests
//! (`it/shell.rs`).
//!
//! A test binary of its own, unlike the rest of the runtime's: run in one
//! process beside them on CI's loaded 2-core machine, the session twice
//! stopped answering at the same step, while alone it never has. It links
//! only `ww` as a program, so it costs no second copy of wasmtime.

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
fn ctrl_c_stops_a_wait_on_a_capability() {
    let home = temp_home("wait");
    // A cell that waits for input that never comes, with a time limit far
    // beyond the session's patience: only the interrupt can end the wait.
    let reader = home.join("reader.wasm");
    let wasm = wat::parse_str(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 64))
    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    )
    .unwrap();
    std::fs::write(&reader, wasm).unwrap();
    let mut p = shell_in(&home);
    p.exp_string("user=> ").unwrap();
    p.send_line(&format!(
        "(def p (perform (perform runtime :load (perform :load {:?})) :spawn {{:mode :raw :limits {{:timeout-ms 3600000}}}}))",
        reader.display().to_string()
    ))
    .unwrap();
    p.exp_string("#'user/p").unwrap();
    p.exp_string("user=> ").unwrap();
    p.send_line("(perform p :wait)").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    p.send_control('c').unwrap();
    p.exp_string("interrupted").unwrap();
    p.exp_string("user=> ").unwrap();
    // The session goes on. (Matched whole: the echo of what is typed
    // comes with colour codes between the tokens.)
    p.send_line(r#"(str "after" "-ctrl-c")"#).unwrap();
    p.exp_string(r#""after-ctrl-c""#).unwrap();
    p.exp_string("user=> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    std::fs::remove_dir_all(&home).unwrap();
}
