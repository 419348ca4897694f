//! The incremental checker's promise: after any sequence of edits, a
//! document's findings and occurrences are those of the same text checked
//! afresh.

use glia_lsp::analysis::Analysis;
use glia_lsp::checker::Checker;
use proptest::prelude::*;

const BASE: &str = r#"(ns demo.app (:require [glia.string :as str]))

(defmacro twice [x] `(* 2 ~x))

(defn area [w h] (* w h))

(defn total [xs]
  (reduce + (map (fn [x] (area x x)) xs)))

(def table {:a 1 :b (twice 3)})

(defn shout [s]
  (let [loud (str/upper-case s)
        unused 1]
    (str loud "!")))

(defn spin [n] (loop [i 0] (if (< i n) (recur (inc i)) i)))

(total [1 2 3])
(shout "hi")
"#;

/// The pieces edits insert: names defined above, delimiters, digits,
/// whitespace, so that edits rename, re-arity, break and repair forms.
const PIECES: &[&str] = &[
    "x",
    "a",
    "area",
    "total",
    "shout",
    "twice",
    " ",
    "\n",
    "(",
    ")",
    "[",
    "]",
    "1",
    "2",
    "(area 1)",
    "(defn extra [y] y)",
    "(extra 1)",
    "(defmacro m [] 1)",
    "\"",
    ";",
    "n",
];

fn analyse(checker: &mut Checker, text: &str) -> (Vec<String>, Vec<String>) {
    let analysis = Analysis::new("demo.glia", text, checker, &["stdout"], &mut |_| None);
    let findings = analysis
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}..{} {} {} {:?}",
                f.span.start, f.span.end, f.code, f.message, f.hint
            )
        })
        .collect();
    let occurrences = analysis
        .occurrences
        .iter()
        .map(|o| format!("{o:?}"))
        .collect();
    (findings, occurrences)
}

#[derive(Clone, Debug)]
enum Edit {
    Insert(usize, &'static str),
    Delete(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), prop::sample::select(PIECES)).prop_map(|(at, s)| Edit::Insert(at, s)),
        (any::<usize>(), 1usize..12).prop_map(|(at, n)| Edit::Delete(at, n)),
    ]
}

fn apply(text: &mut String, e: &Edit) {
    let boundary = |text: &str, at: usize| {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    match e {
        Edit::Insert(at, s) => {
            let at = boundary(text, *at);
            text.insert_str(at, s);
        }
        Edit::Delete(at, n) => {
            let start = boundary(text, *at);
            let end = boundary(text, (start + n).min(text.len()));
            text.replace_range(start..end, "");
        }
    }
}

proptest! {
    // 64 cases in the suite; PROPTEST_CASES=2000 for a longer run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_checks_equal_fresh_ones(edits in prop::collection::vec(edit(), 1..12)) {
        let mut text = BASE.to_string();
        let mut checker = Checker::default();
        analyse(&mut checker, &text);
        for e in &edits {
            apply(&mut text, e);
            let incremental = analyse(&mut checker, &text);
            let fresh = analyse(&mut Checker::default(), &text);
            prop_assert_eq!(&incremental.0, &fresh.0, "findings differ for:\n{}", text);
            prop_assert_eq!(&incremental.1, &fresh.1, "occurrences differ for:\n{}", text);
        }
    }
}
