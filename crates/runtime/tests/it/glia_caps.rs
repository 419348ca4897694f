//! Capabilities from Glia, through the `ww` binary: `runtime` loads cells,
//! executors spawn them, processes stream, and a Glia `attenuate` holds on
//! the wire inside a cell that receives the capability.

use crate::common;

use std::process::Command;

use common::TempDir;
use runtime::std_cells::{self, fixtures};

/// Runs `ww eval -e script` with HOME in `dir` (the cell cache goes there)
/// and the cells `echo.wasm` and `shout.wasm` beside it (and `not.wasm`,
/// which is not one).
fn eval(dir: &TempDir, script: &str) -> (bool, String, String) {
    std::fs::write(dir.0.join("echo.wasm"), std_cells::ECHO).unwrap();
    std::fs::write(dir.0.join("shout.wasm"), fixtures::SHOUT).unwrap();
    std::fs::write(dir.0.join("not.wasm"), "hello").unwrap();
    common::ww_eval(dir, script)
}

#[test]
fn runtime_is_a_capability_with_the_schemas_methods() {
    let dir = TempDir::new("caps");
    let (ok, out, err) = eval(&dir, "(doc runtime) [(cap? runtime) (methods runtime)]");
    assert!(ok, "{err}");
    assert!(
        out.contains("Cap'n Proto interface Runtime") && out.ends_with("[true [:load]]\n"),
        "{out}"
    );
    // The roots are bound where the program runs (`user`): `identity` the
    // capability there, `identity` the core fn still for the libraries.
    let (ok, out, err) = eval(
        &dir,
        "(require '[glia.set :as set]) [(cap? identity) (glia.core/identity 3) (set/join #{{:a 1}} #{{:a 1 :b 2}})]",
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "[true 3 #{{:a 1, :b 2}}]");
    let (ok, _, err) = eval(&dir, "(attenuate runtime [:load :unload])");
    assert!(!ok);
    assert!(
        err.contains(":unload is not a method of the capability Runtime"),
        "{err}"
    );
}

#[test]
fn a_raw_cell_streams_through_glia() {
    let dir = TempDir::new("caps");
    let script = r#"
(let [exe (perform runtime :load (perform :load "echo.wasm"))
      p (perform exe :spawn {:mode :raw})
      in (perform p :stdin)
      out (perform p :stdout)]
  (perform in :write "ping")
  (let [echoed (perform out :read)]
    (perform in :close)
    [(= (perform exe :cid) (perform exe :cid)) (count echoed) (perform p :wait)]))"#;
    let (ok, out, err) = eval(&dir, script);
    assert!(ok, "{err}");
    assert_eq!(
        out.trim(),
        r#"[true 4 {:exit-code 0, :ended :exit, :reason "the cell exited with code 0"}]"#
    );
}

#[test]
fn an_attenuation_made_in_glia_holds_inside_the_cell_it_is_granted_to() {
    let dir = TempDir::new("caps");
    // `shout` writes to its `out` grant, here echo's stdin narrowed to
    // `:write`; its own `close` closes `out`, which the membrane refuses.
    let script = r#"
(let [echo (perform (perform runtime :load (perform :load "echo.wasm")) :spawn {:mode :raw})
      in (perform echo :stdin)
      out (perform echo :stdout)
      shout (perform (perform runtime :load (perform :load "shout.wasm"))
                     :spawn {:grants {:out (attenuate in [:write])}})
      s (perform shout :bootstrap :ByteStream)]
  (perform s :write "and this")
  (let [heard (loop [got []]
                (if (< (count got) 30)
                  (recur (into got (perform out :read)))
                  got))
        refused (try (perform s :close) :closed
                  (catch :glia.error/permission-denied e (ex-message e)))]
    (perform shout :kill)
    [(count heard) refused (:ended (perform shout :wait))]))"#;
    let (ok, out, err) = eval(&dir, script);
    assert!(ok, "{err}");
    assert!(
        out.contains("[30 \"ByteStream.close failed:")
            && out.contains("ww.membrane.denied: ByteStream.close is not granted")
            && out.trim_end().ends_with(":killed]"),
        "{out}"
    );
}

#[test]
fn identity_signs_and_verifies_from_glia() {
    let dir = TempDir::new("caps");
    let script = r#"
(let [login (perform identity :signer "login")
      {:keys [key peer-id]} (perform login :public-key)
      sig (perform login :sign "challenge")]
  [(subs peer-id 0 8)
   (perform identity :verify key "login" "challenge" sig)
   (perform identity :verify key "other" "challenge" sig)
   (try (perform (attenuate login [:public-key]) :sign "x")
        (catch :glia.error/permission-denied e :denied))])"#;
    let (ok, out, err) = eval(&dir, script);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), r#"["12D3KooW" true false :denied]"#);
}

#[test]
fn bad_spawn_options_and_calls_are_explained() {
    let dir = TempDir::new("caps");
    let cases = [
        (
            r#"(perform (perform runtime :load (perform :load "echo.wasm")) :spawn {:mode :kernel})"#,
            "`:mode` is :vat, :raw or :http, not :kernel",
        ),
        (
            r#"(perform (perform runtime :load (perform :load "echo.wasm")) :spawn {:limits {:disk 1}})"#,
            "unknown limit :disk",
        ),
        (
            r#"(perform runtime :load (perform :load "not.wasm"))"#,
            "the bytes are not a cell: not a WebAssembly module or component",
        ),
        (
            r#"(perform (perform (perform runtime :load (perform :load "echo.wasm")) :spawn {:mode :raw}) :bootstrap :Nope)"#,
            "no interface of the schemas is called :Nope",
        ),
        (
            r#"(defcap c :m (fn [] 1)) (perform (perform runtime :load (perform :load "shout.wasm")) :spawn {:grants {:c c}})"#,
            "lives in Glia, not in Cap'n Proto",
        ),
    ];
    for (script, expected) in cases {
        let (ok, _, err) = eval(&dir, script);
        assert!(!ok, "{script} succeeded");
        assert!(err.contains(expected), "{script}: {err}");
    }
}

#[test]
fn check_knows_the_roots_a_program_runs_with() {
    let dir = TempDir::new("caps");
    let file = dir.0.join("uses-roots.glia");
    std::fs::write(
        &file,
        "(perform runtime :load (perform :load \"echo.wasm\"))\n(perform identity :signer \"x\")\n(perform hots :id)\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .arg("check")
        .arg(&file)
        .output()
        .expect("ww runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // `runtime` and `identity` are known; a misspelt name is still caught.
    assert!(stdout.contains("`hots`"), "{stdout}");
    assert!(
        !stdout.contains("`runtime`") && !stdout.contains("`identity`"),
        "{stdout}"
    );
    assert!(stdout.contains("1 error"), "{stdout}");
}
