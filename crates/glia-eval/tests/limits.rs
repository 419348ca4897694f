//! Sandbox limits (spec §7): fuel, memory, stack depth, deadline and
//! interrupt each end an evaluation with their own uncatchable error, and
//! leave the session usable. No assertion here depends on timing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use glia_eval::{EvalError, Glia, Limits};

fn eval(glia: &mut Glia, src: &str) -> String {
    match glia.eval_str("limits.glia", src) {
        Ok(v) => glia_eval::value::pr_str(&v),
        Err(e) => panic!("{src} failed: {e}\n{}", e.report().render_plain()),
    }
}

fn fails(glia: &mut Glia, src: &str) -> EvalError {
    match glia.eval_str("limits.glia", src) {
        Ok(v) => panic!(
            "{src} should have failed, got {}",
            glia_eval::value::pr_str(&v)
        ),
        Err(e) => e,
    }
}

fn with_fuel(fuel: u64) -> Glia {
    Glia::with_limits(Limits {
        fuel: Some(fuel),
        ..Limits::default()
    })
}

fn with_memory(bytes: u64) -> Glia {
    Glia::with_limits(Limits {
        memory: Some(bytes),
        ..Limits::default()
    })
}

fn with_depth(max_depth: usize) -> Glia {
    Glia::with_limits(Limits {
        max_depth,
        ..Limits::default()
    })
}

// --- fuel --------------------------------------------------------------------

#[test]
fn an_endless_loop_runs_out_of_fuel() {
    let mut glia = with_fuel(1_000_000);
    let e = fails(&mut glia, "(loop [] (recur))");
    assert_eq!(e.type_name(), ":glia.error/fuel-exhausted");
}

#[test]
fn running_out_of_fuel_is_not_catchable() {
    let mut glia = with_fuel(1_000_000);
    for src in [
        "(try (loop [] (recur)) (catch :default e :caught))",
        "(try (loop [] (recur)) (catch Exception e :caught))",
        "(try (loop [] (recur)) (catch :glia.error/fuel-exhausted e :caught))",
    ] {
        let e = fails(&mut glia, src);
        assert_eq!(e.type_name(), ":glia.error/fuel-exhausted", "{src}");
    }
}

#[test]
fn the_session_survives_a_limit_error() {
    let mut glia = with_fuel(1_000_000);
    eval(&mut glia, "(def kept 42) (defn twice [x] (* 2 x))");
    // A def made earlier in the failing text is kept too.
    let e = fails(&mut glia, "(def also-kept 7) (loop [] (recur))");
    assert_eq!(e.type_name(), ":glia.error/fuel-exhausted");
    assert_eq!(eval(&mut glia, "(+ 1 2)"), "3");
    assert_eq!(eval(&mut glia, "(twice kept)"), "84");
    assert_eq!(eval(&mut glia, "also-kept"), "7");
    // The budget is per evaluation: the next one has all of it again.
    let e = fails(&mut glia, "(loop [] (recur))");
    assert_eq!(e.type_name(), ":glia.error/fuel-exhausted");
    assert_eq!(eval(&mut glia, "(reduce + (range 1000))"), "499500");
}

#[test]
fn a_program_that_fits_its_fuel_succeeds() {
    let mut glia = with_fuel(1_000_000);
    assert_eq!(
        eval(
            &mut glia,
            "(defn fact [n] (if (zero? n) 1 (*' n (fact (dec n))))) (fact 20)"
        ),
        "2432902008176640000"
    );
    assert_eq!(
        eval(
            &mut glia,
            "(loop [i 0 acc 0] (if (= i 1000) acc (recur (inc i) (+ acc i))))"
        ),
        "499500"
    );
}

// --- memory ------------------------------------------------------------------

#[test]
fn building_an_endless_vector_hits_the_memory_limit() {
    let mut glia = with_memory(1_000_000);
    let e = fails(&mut glia, "(loop [i 0 v []] (recur (inc i) (conj v i)))");
    assert_eq!(e.type_name(), ":glia.error/memory-limit");
}

#[test]
fn the_memory_limit_is_not_catchable() {
    let mut glia = with_memory(1_000_000);
    let e = fails(
        &mut glia,
        "(try (loop [i 0 v []] (recur (inc i) (conj v i))) (catch :default e :caught))",
    );
    assert_eq!(e.type_name(), ":glia.error/memory-limit");
    assert_eq!(eval(&mut glia, "(+ 1 2)"), "3");
}

#[test]
fn the_memory_limit_is_charged_by_builtins() {
    let mut glia = with_memory(1_000_000);
    for src in [
        "(count (vec (range 10000000)))",
        "(try (count (vec (range 10000000))) (catch :default e :caught))",
        "(try (count (apply str (repeat 10000000 \"x\"))) (catch :default e :caught))",
    ] {
        let e = fails(&mut glia, src);
        assert_eq!(e.type_name(), ":glia.error/memory-limit", "{src}");
    }
}

#[test]
fn a_small_computation_fits_the_memory_limit() {
    let mut glia = with_memory(1_000_000);
    assert_eq!(
        eval(
            &mut glia,
            "(count (loop [i 0 v []] (if (= i 100) v (recur (inc i) (conj v i)))))"
        ),
        "100"
    );
    assert_eq!(eval(&mut glia, "(apply str (map inc [1 2 3]))"), "\"234\"");
}

// --- stack depth -------------------------------------------------------------

#[test]
fn runaway_recursion_overflows_the_stack() {
    let mut glia = with_depth(10_000);
    let e = fails(&mut glia, "(do (defn f [n] (inc (f n))) (f 0))");
    assert_eq!(e.type_name(), ":glia.error/stack-overflow");
}

#[test]
fn stack_overflow_is_not_catchable() {
    let mut glia = with_depth(10_000);
    eval(&mut glia, "(defn f [n] (inc (f n)))");
    for src in [
        "(try (f 0) (catch :default e :caught))",
        "(try (f 0) (catch :glia.error/stack-overflow e :caught))",
    ] {
        let e = fails(&mut glia, src);
        assert_eq!(e.type_name(), ":glia.error/stack-overflow", "{src}");
    }
    assert_eq!(eval(&mut glia, "(+ 1 2)"), "3");
}

#[test]
fn limits_reached_inside_callbacks_are_not_catchable() {
    // The limit is reached in a fn called by a core fn (reduce, mapv), or
    // under a `try` in every frame.
    let mut glia = with_fuel(1_000_000);
    let e = fails(
        &mut glia,
        "(try (reduce (fn [a x] (loop [] (recur))) 0 [1 2]) (catch :default e :caught))",
    );
    assert_eq!(e.type_name(), ":glia.error/fuel-exhausted");

    let mut glia = with_depth(1_000);
    for src in [
        "(defn f [n] (inc (f n))) (try (mapv f [1]) (catch :default e :caught))",
        "(defn g [n] (try (inc (g n)) (catch :default e :caught))) (g 1)",
    ] {
        let e = fails(&mut glia, src);
        assert_eq!(e.type_name(), ":glia.error/stack-overflow", "{src}");
    }
}

#[test]
fn a_million_deep_non_tail_recursion_works_with_default_limits() {
    // The VM's stack is on the heap, so the test thread's 2 MB stack is
    // enough.
    let mut glia = Glia::new();
    assert_eq!(
        eval(
            &mut glia,
            "(do (defn deep [n] (if (zero? n) 0 (inc (deep (dec n))))) (deep 1000000))"
        ),
        "1000000"
    );
}

#[test]
fn mutual_recursion_in_tail_position_runs_in_constant_stack() {
    let mut glia = with_depth(100);
    eval(
        &mut glia,
        "(declare odd-steps?)
         (defn even-steps? [n] (if (zero? n) true (odd-steps? (dec n))))
         (defn odd-steps? [n] (if (zero? n) false (even-steps? (dec n))))",
    );
    assert_eq!(eval(&mut glia, "(even-steps? 1000000)"), "true");
    assert_eq!(eval(&mut glia, "(odd-steps? 1000001)"), "true");
    // Self tail call without recur, too.
    assert_eq!(
        eval(
            &mut glia,
            "(defn count-down [n] (if (zero? n) :done (count-down (dec n)))) (count-down 1000000)"
        ),
        ":done"
    );
}

// --- deadline and interrupt ----------------------------------------------------

#[test]
fn an_endless_loop_exceeds_its_deadline() {
    let mut glia = Glia::with_limits(Limits {
        timeout: Some(Duration::from_millis(50)),
        ..Limits::default()
    });
    let e = fails(&mut glia, "(loop [] (recur))");
    assert_eq!(e.type_name(), ":glia.error/deadline-exceeded");
    let e = fails(
        &mut glia,
        "(try (loop [] (recur)) (catch :default e :caught))",
    );
    assert_eq!(e.type_name(), ":glia.error/deadline-exceeded");
    assert_eq!(eval(&mut glia, "(+ 1 2)"), "3");
}

#[test]
fn an_interrupt_ends_the_evaluation_and_the_next_one_runs() {
    let mut glia = Glia::new();
    let interrupt = glia.vm.limits.interrupt.clone();
    let done = Arc::new(AtomicBool::new(false));
    // Glia values are !Send: the evaluation stays on this thread and the
    // other one plays Ctrl-C. It keeps setting the flag until the
    // evaluation has ended, so no assumption is made about timing (the
    // flag is reset when an evaluation starts).
    let interrupter = {
        let (interrupt, done) = (interrupt.clone(), done.clone());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            while !done.load(Ordering::SeqCst) {
                interrupt.store(true, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(10));
            }
        })
    };
    let result = glia.eval_str(
        "limits.glia",
        "(try (loop [] (recur)) (catch :default e :caught))",
    );
    done.store(true, Ordering::SeqCst);
    interrupter.join().unwrap();
    let e = result.expect_err("an endless loop ends only by interruption");
    assert_eq!(e.type_name(), ":glia.error/interrupted");
    // The flag is still set; the next evaluation resets it and runs.
    assert!(interrupt.load(Ordering::SeqCst));
    assert_eq!(eval(&mut glia, "(+ 1 2)"), "3");
}

#[test]

fn a_deadline_stops_a_long_running_builtin() {
    let mut glia = Glia::with_limits(Limits {
        timeout: Some(Duration::from_millis(50)),
        ..Limits::default()
    });
    let e = fails(&mut glia, "(count (range 5000000))");
    assert_eq!(e.type_name(), ":glia.error/deadline-exceeded");
}

// --- the host process survives -------------------------------------------------

/// Texts that build, print, compare or compile very deeply nested values.
/// Each must end with a value or a clear error, never by crashing the
/// process.
const DEEPLY_NESTED: &[&str] = &[
    "(do (reduce (fn [acc _] [acc]) 0 (range 100000)) 1)",
    "(do (reduce (fn [acc _] (list acc)) 0 (range 100000)) 1)",
    "(do (reduce (fn [acc _] {:a acc}) 0 (range 100000)) 1)",
    "(do (reduce (fn [acc _] #{acc}) 0 (range 100000)) 1)",
    "(do (reduce (fn [acc _] (atom acc)) 0 (range 100000)) 1)",
    "(count (pr-str (reduce (fn [acc _] [acc]) 0 (range 100000))))",
    "(let [f (fn [] (reduce (fn [acc _] [acc]) 0 (range 100000)))] (= (f) (f)))",
    "(hash (reduce (fn [acc _] [acc]) 0 (range 100000)))",
    "(defmacro nest [n] (reduce (fn [acc _] (list 'inc acc)) 0 (range n))) (nest 100000)",
];

const CHILD: &str = "GLIA_LIMITS_TEST_CHILD";

/// Runs `DEEPLY_NESTED[i]` in a child process (the test `test`, re-run), so
/// that a crash fails the test instead of aborting every test in the binary.
/// Returns the child's stderr when it crashed.
fn crashes(test: &str, i: usize) -> Option<String> {
    if std::env::var_os(CHILD).is_some() {
        return None;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--include-ignored", "--test-threads=1"])
        .env(CHILD, i.to_string())
        .output()
        .unwrap();
    if out.status.success() {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("1 passed"),
            "the child ran no test:\n{stdout}"
        );
    }
    (!out.status.success()).then(|| {
        format!(
            "{}\n  {}",
            DEEPLY_NESTED[i],
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })
}

/// In the child: evaluates the text it was given. A value or a clear error
/// are both fine. Returns whether this is the child.
fn run_as_child() -> bool {
    let Some(i) = std::env::var_os(CHILD) else {
        return false;
    };
    let src = DEEPLY_NESTED[i.to_str().unwrap().parse::<usize>().unwrap()];
    let _ = Glia::new().eval_str("limits.glia", src);
    true
}

#[test]
fn deeply_nested_values_do_not_crash_the_process() {
    if run_as_child() {
        return;
    }
    let crashed: Vec<String> = (0..DEEPLY_NESTED.len() - 1)
        .filter_map(|i| crashes("deeply_nested_values_do_not_crash_the_process", i))
        .collect();
    assert!(crashed.is_empty(), "crashed:\n{}", crashed.join("\n"));
}

#[test]

fn a_deeply_nested_macro_expansion_does_not_crash_the_process() {
    if run_as_child() {
        return;
    }
    let i = DEEPLY_NESTED.len() - 1;
    if let Some(crash) = crashes(
        "a_deeply_nested_macro_expansion_does_not_crash_the_process",
        i,
    ) {
        panic!("crashed:\n{crash}");
    }
}

// --- redefinition across evaluations -------------------------------------------

#[test]
fn redefinition_is_visible_to_existing_callers() {
    let mut glia = Glia::new();
    eval(&mut glia, "(defn g [] 1) (defn h [] (g))");
    assert_eq!(eval(&mut glia, "(h)"), "1");
    eval(&mut glia, "(defn g [] 2)");
    assert_eq!(eval(&mut glia, "(h)"), "2");
    // Also within one text, and for a fn value captured before.
    assert_eq!(
        eval(&mut glia, "(def hs [h]) (defn g [] 3) ((first hs))"),
        "3"
    );
}

// --- limits and effects ----------------------------------------------------

#[test]
fn an_endless_effect_loop_runs_out_of_fuel_and_no_handler_sees_it() {
    let mut glia = with_fuel(200_000);
    let e = fails(
        &mut glia,
        "(with-effect-handler :glia.exception (fn [e k] :caught)
           (with-effect-handler :tick (fn [_ k] (k nil))
             (try (loop [] (perform :tick) (recur)) (finally (perform :tick)))))",
    );
    assert_eq!(e.type_name(), ":glia.error/fuel-exhausted");
    // Nothing of that evaluation's handlers is left in scope.
    let e = fails(&mut glia, "(perform :tick)");
    assert_eq!(e.type_name(), ":glia.error/unhandled-effect");
    assert_eq!(
        eval(
            &mut glia,
            "(with-effect-handler :t (fn [d k] (k (inc d))) (perform :t 1))"
        ),
        "2"
    );
}

#[test]
fn a_handler_stacking_frames_meets_the_depth_limit() {
    let mut glia = with_depth(10_000);
    let e = fails(
        &mut glia,
        "(with-effect-handler :a (fn [d k] (+ 1 (k d))) (loop [i 0] (perform :a i) (recur (inc i))))",
    );
    assert_eq!(e.type_name(), ":glia.error/stack-overflow");
    assert_eq!(eval(&mut glia, "(+ 1 2)"), "3");
}

#[test]
fn a_continuation_kept_across_a_limit_error_is_abandoned() {
    let mut glia = with_fuel(100_000);
    eval(&mut glia, "(def saved (atom nil))");
    let e = fails(
        &mut glia,
        "(with-effect-handler :a (fn [d k] (reset! saved k) (loop [] (recur))) (perform :a 1))",
    );
    assert_eq!(e.type_name(), ":glia.error/fuel-exhausted");
    let e = fails(&mut glia, "(@saved 1)");
    assert_eq!(e.type_name(), ":glia.error/continuation-abandoned");
}

#[test]
fn describing_a_var_after_fuel_ran_out_has_fuel_of_its_own() {
    let mut glia = with_fuel(1_000_000);
    let e = fails(&mut glia, "(loop [] (recur))");
    assert_eq!(e.type_name(), ":glia.error/fuel-exhausted");
    // `map`'s definition is compiled when first needed: here, now.
    let d = glia
        .describe("glia.core", "map")
        .expect("map is described although the last evaluation used all its fuel");
    assert!(d.doc.is_some_and(|doc| doc.contains("lazy seq")));
}
