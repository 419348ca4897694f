//! Snapshots of rendered error reports: for each kind of mistake, the
//! message, the snippet with its caret, the hint and the stack trace
//! (`file:line:column`, innermost first) that a user sees.

use glia_eval::{Glia, Limits};

/// Evaluates `src` in a fresh session and renders the error it ends with.
fn report(src: &str) -> String {
    report_in(Glia::new(), src)
}

fn report_in(mut glia: Glia, src: &str) -> String {
    match glia.eval_str("example.glia", src) {
        Ok(v) => panic!("expected an error, got {}", glia_eval::value::pr_str(&v)),
        Err(e) => e.report().render_plain(),
    }
}

fn error_of(src: &str) -> glia_eval::EvalError {
    match Glia::new().eval_str("example.glia", src) {
        Ok(v) => panic!("expected an error, got {}", glia_eval::value::pr_str(&v)),
        Err(e) => e,
    }
}

// --- unbound symbols (compile time) ---------------------------------------

#[test]
fn unbound_symbol_suggests_a_near_name() {
    insta::assert_snapshot!(report("(defn square [x] (* x x)) (sqare 3)"));
}

#[test]
fn unbound_symbol_without_suggestion() {
    insta::assert_snapshot!(report("(frobnicate-the-widget 1)"));
}

#[test]
fn unbound_symbol_inside_a_multi_line_defn() {
    insta::assert_snapshot!(report("(defn area [w h]\n  (* w hieght))"));
}

// --- runtime errors with stack traces -------------------------------------

#[test]
fn integer_overflow_in_nested_calls() {
    // Non-tail calls, so every frame is still live when `+` overflows.
    insta::assert_snapshot!(report(
        "(defn a [x] (+ x 1))\n\
         (defn b [x] (* 1 (a x)))\n\
         (defn c [x] (inc (b x)))\n\
         (vector (c 9223372036854775807))"
    ));
}

#[test]
fn divide_by_zero() {
    insta::assert_snapshot!(report(
        "(defn avg [xs] (/ (reduce + xs) (count xs)))\n(avg [])"
    ));
}

#[test]
fn calling_a_non_fn() {
    insta::assert_snapshot!(report("(1 2)"));
}

#[test]
fn wrong_arity_of_a_user_fn() {
    insta::assert_snapshot!(report("(defn shout [s] (str s \"!\"))\n(shout 1 2)"));
}

#[test]
fn wrong_arity_of_a_variadic_user_fn() {
    insta::assert_snapshot!(report("(defn f [x & more] x) (f)"));
}

#[test]
fn wrong_arity_of_a_builtin() {
    insta::assert_snapshot!(report("(inc 1 2)"));
}

#[test]
fn type_mismatch() {
    insta::assert_snapshot!(report("(+ 1 \"a\")"));
}

#[test]

fn type_mismatch_names_the_fn_that_was_called() {
    let e = error_of("(inc \"a\")");
    assert_eq!(e.type_name(), ":glia.error/type-mismatch");
    assert!(e.message().contains("`inc`"), "{}", e.message());
    let e = error_of("(dec \"a\")");
    assert!(e.message().contains("`dec`"), "{}", e.message());
}

#[test]
fn index_out_of_bounds() {
    insta::assert_snapshot!(report("(nth [1 2] 5)"));
}

#[test]
fn uncaught_ex_info_with_data() {
    insta::assert_snapshot!(report(
        "(defn withdraw [balance amount]\n  (if (> amount balance)\n    (throw (ex-info \"insufficient funds\" {:balance balance :amount amount}))\n    (- balance amount)))\n(vector (withdraw 10 25))"
    ));
}

#[test]

fn uncaught_ex_info_report_shows_its_data() {
    // The data is computed, so that the snippet of source cannot show it.
    let r = report(
        "(let [b 10] (throw (ex-info \"insufficient funds\" {:balance (* b 1) :amount (+ b 15)})))",
    );
    assert!(r.contains(":balance 10"), "{r}");
    assert!(r.contains(":amount 25"), "{r}");
}

#[test]
fn thrown_error_in_a_multi_line_script() {
    insta::assert_snapshot!(report(
        r#"(defn check [x]
  (if (neg? x)
    (throw (ex-info "negative!" {:x x}))
    x))

(defn total [xs]
  (loop [xs xs acc 0]
    (if (empty? xs)
      acc
      (recur (rest xs) (+ acc (check (first xs)))))))

(inc (total [1 2 -3]))"#
    ));
}

#[test]
fn stack_overflow_from_infinite_recursion() {
    let glia = Glia::with_limits(Limits {
        max_depth: 10_000,
        ..Limits::default()
    });
    insta::assert_snapshot!(report_in(glia, "(defn f [n] (inc (f n)))\n(f 0)"));
}

// --- compile errors ---------------------------------------------------------

#[test]
fn recur_not_in_tail_position() {
    insta::assert_snapshot!(report("(defn f [n] (+ 1 (recur n)))"));
}

#[test]
fn malformed_let() {
    insta::assert_snapshot!(report("(let [x] x)"));
}

#[test]
fn malformed_fn_params() {
    insta::assert_snapshot!(report("(fn [x 1] x)"));
}

#[test]
fn macro_that_throws_while_expanding() {
    insta::assert_snapshot!(report(
        "(defmacro unless [test & body]\n  (when-not (seq body) (throw (ex-info \"unless needs a body\" {})))\n  `(if ~test nil (do ~@body)))\n(unless true)"
    ));
}

#[test]
fn macro_whose_expansion_does_not_compile() {
    insta::assert_snapshot!(report("(defmacro bad-let [] '(let [x] x))\n(bad-let)"));
}

#[test]
fn syntax_error() {
    insta::assert_snapshot!(report("(+ 1"));
}

#[test]
fn unknown_catch_type() {
    insta::assert_snapshot!(report("(try 1 (catch Foo e 2))"));
}

#[test]
fn value_of_a_macro() {
    insta::assert_snapshot!(report("(let [x when] x)"));
}

#[test]
fn binding_a_non_dynamic_var() {
    insta::assert_snapshot!(report("(def x 1)\n(binding [x 2] x)"));
}

#[test]
fn literal_too_large_for_one_fn() {
    // Elements that are not constants each need a register.
    let src = format!("(fn [x] [{}])", "x ".repeat(20_000));
    insta::assert_snapshot!(report(&src));
}

#[test]
fn an_uncaught_throw_ends_the_bindings_it_left() {
    let mut glia = Glia::new();
    let failed = glia.eval_str(
        "example.glia",
        "(def ^:dynamic *depth* 0)\n(binding [*depth* 1] (throw (ex-info \"boom\" {})))",
    );
    assert!(failed.is_err());
    let after = glia
        .eval_str("example.glia", "*depth*")
        .expect("session survives");
    assert_eq!(glia_eval::value::pr_str(&after), "0");
}

// --- effects ----------------------------------------------------------------

#[test]
fn unhandled_effect_lists_the_handlers_in_scope() {
    insta::assert_snapshot!(report(
        "(defn ask [] (perform :ask))\n(with-effect-handler :log (fn [msg k] (k nil))\n  (ask))"
    ));
}

#[test]
fn unhandled_effect_with_no_handler() {
    insta::assert_snapshot!(report("(perform :config/get :port)"));
}

#[test]
fn resuming_twice() {
    insta::assert_snapshot!(report(
        "(with-effect-handler :a (fn [d k]\n                          (k 1)\n                          (k 2))\n  (perform :a))"
    ));
}

#[test]
fn recur_across_a_handler() {
    insta::assert_snapshot!(report(
        "(loop [i 0]\n  (with-effect-handler :a (fn [d k] (k d))\n    (recur (inc i))))"
    ));
}
