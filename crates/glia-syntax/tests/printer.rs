//! The printer against real Clojure: `tests/clojure/expected.edn` holds what
//! Clojure's `pr-str`, `print-str` and `str` give for each case of
//! `tests/clojure/cases.glia` (regenerate it with `scripts/clojure-oracle`).

use glia_syntax::printer::{pr_str, print_str, str};
use glia_syntax::{FormKind, read};

/// The oracle's lines: `[input pr-str print-str str]`, read with our reader.
fn oracle() -> Vec<[String; 4]> {
    let text = include_str!("clojure/expected.edn");
    let read = read(text);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    read.forms
        .into_iter()
        .map(|form| {
            let FormKind::Vector(items) = form.kind else {
                panic!("each oracle line is a vector");
            };
            let strings: Vec<String> = items
                .into_iter()
                .map(|item| match item.kind {
                    FormKind::Str(s) => s,
                    other => panic!("oracle fields are strings, not {other:?}"),
                })
                .collect();
            strings.try_into().expect("four fields a line")
        })
        .collect()
}

#[test]
fn prints_what_clojure_prints() {
    let cases = oracle();
    assert!(cases.len() > 90, "the oracle file looks truncated");
    let mut failures = Vec::new();
    for [input, pr, print, plain] in &cases {
        let read = read(input);
        assert!(read.errors.is_empty(), "{input}: {:?}", read.errors);
        let form = &read.forms[0];
        let ours = [pr_str(form), print_str(form), str(form)];
        for (what, (got, want)) in ["pr-str", "print-str", "str"]
            .iter()
            .zip(ours.iter().zip([pr, print, plain]))
        {
            if got != want {
                failures.push(format!(
                    "{what} of {input}: got {got:?}, Clojure gives {want:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
