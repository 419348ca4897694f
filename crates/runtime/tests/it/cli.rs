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
fn run_explains_its_flags() {
    // `ww run` itself boots a node (tests/node.rs, on loopback).
    let out = ww(&["run", "--help"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--listen",
        "--port",
        "--http-listen",
        "--identity",
        "[IMAGE]...",
    ] {
        assert!(stdout.contains(flag), "{flag} in {stdout}");
    }
}

#[test]
fn unknown_commands_fail_with_usage() {
    let out = ww(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
}

// --- ww eval ---------------------------------------------------------------

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A script file in the temp directory, removed when dropped.
struct TempScript(std::path::PathBuf);

impl TempScript {
    fn new(tag: &str, text: &str) -> TempScript {
        let path = std::env::temp_dir().join(format!(
            "ww-cli-test-{tag}-{}-{:?}.glia",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::write(&path, text).expect("the temp dir is writable");
        TempScript(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("temp paths are UTF-8 here")
    }
}

impl Drop for TempScript {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn eval_expr_prints_the_value() {
    let out = ww(&["eval", "-e", "(+ 1 2)"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "3\n");
    assert_eq!(stderr_of(&out), "");
}

#[test]
fn eval_expr_prints_the_last_value_readably() {
    let out = ww(&["eval", "-e", r#"(str "a" 1)"#]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "\"a1\"\n");

    let out = ww(&[
        "eval",
        "-e",
        r#"(def x 20) (defn f [y] (+ x y)) [(f 1) "q\"uote" :k nil]"#,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "[21 \"q\\\"uote\" :k nil]\n");
}

#[test]
fn eval_error_exits_1_with_the_report_on_stderr() {
    let out = ww(&["eval", "-e", "(/ 1 0)"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_of(&out), "");
    let err = stderr_of(&out);
    assert!(err.contains("glia::error::arithmetic"), "{err}");
    assert!(err.contains("divide by zero"), "{err}");
    assert!(
        err.contains("(/ 1 0)"),
        "the report shows the source: {err}"
    );
}

#[test]
fn eval_compile_error_exits_1() {
    let out = ww(&["eval", "-e", "(defn square [x] (* x x)) (sqare 3)"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_of(&out), "");
    let err = stderr_of(&out);
    assert!(err.contains("glia::error::unbound-symbol"), "{err}");
    assert!(err.contains("did you mean `square`?"), "{err}");
}

#[test]
fn eval_file_runs_a_script() {
    let script = TempScript::new(
        "ok",
        "(def answer 42)\n(defn twice [x] (* 2 x))\n(twice answer)\n",
    );
    let out = ww(&["eval", script.arg()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    // A script prints nothing of its own (printing is an effect).
    assert_eq!(stdout_of(&out), "");
    assert_eq!(stderr_of(&out), "");
}

#[test]
fn eval_file_error_names_the_file_and_line() {
    let script = TempScript::new("err", "(def a 1)\n\n(nth [1 2] 5)\n");
    let out = ww(&["eval", script.arg()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_of(&out), "");
    let err = stderr_of(&out);
    assert!(err.contains("glia::error::index-out-of-bounds"), "{err}");
    assert!(err.contains(&format!("{}:3:1", script.arg())), "{err}");
}

#[test]
fn eval_stdin_runs_a_script() {
    use std::io::Write;
    use std::process::Stdio;
    let run = |text: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ww"))
            .args(["eval", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the ww binary runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run("(def x 1)\n(+ x 1)\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "");

    let out = run("(def x 1)\n(x)\n");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_of(&out);
    assert!(err.contains("glia::error::not-callable"), "{err}");
    assert!(err.contains("<stdin>:2:1"), "{err}");
}

#[test]
fn eval_without_input_explains_itself() {
    let out = ww(&["eval"]);
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(stdout_of(&out), "");
    let err = stderr_of(&out);
    assert!(err.contains("-e EXPR"), "{err}");
    assert!(err.contains("FILE"), "{err}");
}

#[test]
fn eval_missing_file_names_it() {
    let path =
        std::env::temp_dir().join(format!("ww-cli-test-missing-{}.glia", std::process::id()));
    let out = ww(&["eval", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_of(&out), "");
    let err = stderr_of(&out);
    assert!(err.contains(path.to_str().unwrap()), "{err}");
}

// --- host effects --------------------------------------------------------

#[test]
fn eval_prints_through_the_stdout_effect() {
    let out = ww(&[
        "eval",
        "-e",
        r#"(println "hello" 42) (prn {:a "b"}) (print "x") (newline) :done"#,
    ]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "hello 42\n{:a \"b\"}\nx\n:done\n");
}

#[test]
fn a_script_prints_only_what_it_prints() {
    let script = TempScript::new(
        "greet",
        "(defn greet [n] (println (str \"hi \" n)))\n(greet \"ada\")\n(+ 1 2)\n",
    );
    let out = ww(&["eval", script.arg()]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "hi ada\n");
}

#[test]
fn stderr_effect_writes_to_stderr() {
    let out = ww(&["eval", "-e", r#"(perform :stderr "warn\n") nil"#]);
    assert!(out.status.success());
    assert_eq!(stderr_of(&out), "warn\n");
    assert_eq!(stdout_of(&out), "nil\n");
}

#[test]
fn exit_effect_ends_the_process_with_its_code() {
    let out = ww(&[
        "eval",
        "-e",
        r#"(println "before") (try (perform :exit 7) (catch :default e :caught)) (println "after")"#,
    ]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(stdout_of(&out), "before\n");
    assert_eq!(stderr_of(&out), "");
}

#[test]
fn a_glia_handler_takes_an_effect_before_the_host() {
    let out = ww(&[
        "eval",
        "-e",
        r#"(with-effect-handler :stdout (fn [s k] (k nil)) (println "swallowed")) :ok"#,
    ]);
    assert!(out.status.success());
    assert_eq!(stdout_of(&out), ":ok\n");
}

#[test]
fn load_reads_a_file_and_reports_a_missing_one() {
    let script = TempScript::new("load", "0123456789");
    let expr = format!("(count (perform :load {:?}))", script.arg());
    let out = ww(&["eval", "-e", &expr]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(stdout_of(&out), "10\n");
    let out = ww(&[
        "eval",
        "-e",
        r#"(try (perform :load "/no/such/file") (catch :glia.error/io e (ex-message e)))"#,
    ]);
    assert!(
        stdout_of(&out).contains("No such file"),
        "{}",
        stdout_of(&out)
    );
}

#[test]
fn now_and_random_answer_numbers() {
    let out = ww(&[
        "eval",
        "-e",
        "[(pos? (perform :now)) (<= 0 (perform :random 6) 5) (< (perform :random) 1.0)]",
    ]);
    assert_eq!(stdout_of(&out), "[true true true]\n");
}

#[test]
fn an_effect_nobody_handles_is_reported() {
    let out = ww(&["eval", "-e", "(perform :launch/missiles)"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_of(&out).contains("unhandled effect :launch/missiles"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn glia_trace_effects_prints_performs_and_answers() {
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args([
            "eval",
            "-e",
            r#"(with-effect-handler :a (fn [d k] (k d)) (perform :a 1)) (println "hi")"#,
        ])
        .env("GLIA_TRACE_EFFECTS", "1")
        .output()
        .expect("the ww binary runs");
    assert!(out.status.success());
    assert_eq!(stdout_of(&out), "hi\nnil\n");
    assert_eq!(
        stderr_of(&out),
        "effect: perform :a 1 -> handler\neffect: resume :a with 1\neffect: perform :stdout \"hi\\n\" -> host\neffect: answer :stdout nil\n"
    );
}

#[test]
fn a_recorded_run_replays_the_same_output() {
    let log = TempScript::new("log", "");
    let expr =
        r#"(println "t" (perform :now)) [(perform :random 1000000) (perform :random 1000000)]"#;
    let first = ww(&["eval", "--record", log.arg(), "-e", expr]);
    assert!(first.status.success(), "{}", stderr_of(&first));
    let recorded = std::fs::read_to_string(log.arg()).expect("the log was written");
    assert_eq!(recorded.lines().count(), 4, "{recorded}");
    let again = ww(&["eval", "--replay", log.arg(), "-e", expr]);
    assert!(again.status.success(), "{}", stderr_of(&again));
    assert_eq!(stdout_of(&again), stdout_of(&first));
    let changed = ww(&["eval", "--replay", log.arg(), "-e", "(perform :random 6)"]);
    assert_eq!(changed.status.code(), Some(1));
    assert!(
        stderr_of(&changed).contains("replay-diverged"),
        "{}",
        stderr_of(&changed)
    );
}

#[test]
fn require_loads_a_user_module_through_the_load_effect() {
    let dir = std::env::temp_dir().join(format!("ww-modules-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("my")).unwrap();
    std::fs::write(
        dir.join("my/cool_lib.glia"),
        "(ns my.cool-lib (:require [glia.string :as str]))\n\
         (defn shout \"Upper-cases.\" [s] (str/upper-case s))\n",
    )
    .unwrap();
    let run = |expr: &str| {
        Command::new(env!("CARGO_BIN_EXE_ww"))
            .args(["eval", "-e", expr])
            .current_dir(&dir)
            .output()
            .expect("ww runs")
    };
    let out = run("(require '[my.cool-lib :as c]) [(c/shout \"hi\") (str *ns*)]");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        r#"["HI" "user"]"#
    );
    // A module that is not there is a clear error naming the file.
    let out = run("(require 'my.missing)");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("my/missing.glia"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn eval_limits_map_to_the_sandbox_limits() {
    let cases = [
        (vec!["--fuel", "10000"], "fuel-exhausted"),
        (vec!["--timeout", "200ms"], "deadline-exceeded"),
        (vec!["--max-memory", "1MiB"], "memory-limit"),
    ];
    for (flags, error) in cases {
        let mut args = vec!["eval"];
        args.extend(&flags);
        args.extend(["-e", "(loop [v []] (recur (conj v 1)))"]);
        let out = ww(&args);
        assert_eq!(out.status.code(), Some(1), "{flags:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(error), "{flags:?}: {stderr}");
    }
    // Within the limits, the value.
    let out = ww(&[
        "eval",
        "--fuel",
        "1000000",
        "--max-memory",
        "64MiB",
        "--timeout",
        "10s",
        "-e",
        "(reduce + (range 1000))",
    ]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "499500");
    let out = ww(&["eval", "--max-memory", "lots", "-e", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("64MiB"));
}

#[test]
fn fmt_formats_in_place_and_check_lists_what_would_change() {
    let dir = std::env::temp_dir().join(format!("ww-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let messy = dir.join("messy.glia");
    let tidy = dir.join("tidy.glia");
    let broken = dir.join("broken.glia");
    std::fs::write(&messy, "(defn f [x]\n(+ x   1))  ; one\n").unwrap();
    let formatted = glia_syntax::format("(defn f [x]\n(+ x   1))  ; one\n").unwrap();
    assert_ne!(formatted, "(defn f [x]\n(+ x   1))  ; one\n");
    std::fs::write(&tidy, &formatted).unwrap();
    std::fs::write(&broken, "(defn f [x]").unwrap();
    let path = |p: &std::path::Path| p.to_str().unwrap().to_string();

    // --check: lists the file that would change, changes nothing, exit 1.
    let out = ww(&["fmt", "--check", &path(&messy), &path(&tidy)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), path(&messy));
    assert_ne!(std::fs::read_to_string(&messy).unwrap(), formatted);

    // Formatting rewrites it; then --check passes.
    let out = ww(&["fmt", &path(&messy)]);
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), formatted);
    assert!(
        ww(&["fmt", "--check", &path(&messy), &path(&tidy)])
            .status
            .success()
    );

    // Syntax errors: reported with the file's name, the file left alone.
    let out = ww(&["fmt", &path(&broken)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.glia"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "(defn f [x]");

    // A missing file is an error too.
    assert_eq!(
        ww(&["fmt", "--check", "/nonexistent/x.glia"]).status.code(),
        Some(1)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_reports_what_it_finds_without_running() {
    let dir = std::env::temp_dir().join(format!("ww-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("demo.glia"),
        r#"(ns demo (:require [glia.string :as str]))
(defmacro twice [x] `(* 2 ~x))
(defn area [w h] (* w h))
(defn total [xs] (reduce + (map (fn [x] (area x)) xs)))
(defn shout [s] (str/upper-case s) (str/nope s))
(defn spin [n] (loop [i 0] (if (< i n) (do (recur (inc i)) 1) i)))
(def launched (perform :launch "missiles"))
(twice 3)
(first 1 2)
(with-effect-handler :ask (fn [q k] (k 42)) (perform :ask "q?"))
(perform :stdout "served by the host")
(let [unused 1 {:keys [a b]} {:a 1} _quiet 3] (fn [_ k] (k a)))
"#,
    )
    .unwrap();
    std::fs::write(dir.join("clean.glia"), "(defn f [x] (inc x))\n(f 1)\n").unwrap();
    let check = |file: &str| {
        Command::new(env!("CARGO_BIN_EXE_ww"))
            .args(["check", file])
            .current_dir(&dir)
            .output()
            .expect("ww runs")
    };
    let out = check("demo.glia");
    assert_eq!(out.status.code(), Some(1));
    // Nothing ran: the effect was not performed (it would be an error).
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
    let out = check("clean.glia");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "clean.glia: 0 errors, 0 warnings\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_loads_required_modules_and_reports_missing_ones() {
    let dir = std::env::temp_dir().join(format!("ww-check-modules-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("app")).unwrap();
    std::fs::write(
        dir.join("app/util.glia"),
        "(ns app.util)\n(defn twice [x] (* 2 x))\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("app/main.glia"),
        "(ns app.main (:require [app.util :as u]))\n(u/twice 1 2)\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("broken.glia"),
        "(ns broken (:require [no.such.lib :as n]))\n(defn f [x] (oops x) (also-oops x))\n(defn g [x\n",
    )
    .unwrap();
    // From another directory: the module is found beside the checked file.
    let check = |file: &str| {
        Command::new(env!("CARGO_BIN_EXE_ww"))
            .args(["check", dir.join(file).to_str().unwrap()])
            .current_dir(std::env::temp_dir())
            .output()
            .expect("ww runs")
    };
    let out = check("app/main.glia");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The module loaded: the call to its fn is checked (wrong arity).
    assert!(stdout.contains("glia::check::arity"), "{stdout}");
    assert!(!stdout.contains("unknown-namespace"), "{stdout}");
    let out = check("broken.glia");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("glia::check::unknown-namespace"),
        "{stdout}"
    );
    // Every unbound symbol of a form, and the forms after a syntax error.
    assert!(
        stdout.contains("`oops`") && stdout.contains("`also-oops`"),
        "{stdout}"
    );
    assert!(stdout.contains("5 errors, 0 warnings"), "{stdout}");
    std::fs::remove_dir_all(&dir).unwrap();
}
