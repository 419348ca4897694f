//! The conformance suite (tests/conformance/README.md): Clojure's answers
//! from `clojure.expected` (made by real Clojure), and Glia's own answers
//! written by hand in `glia.glia`. Every case runs in a fresh namespace of
//! one session; all failures are reported together.

use glia_eval::{Glia, value::pr_str};
use glia_syntax::{Form, FormKind, read};

const CLOJURE_CASES: &str = include_str!("conformance/clojure.glia");
const CLOJURE_EXPECTED: &str = include_str!("conformance/clojure.expected");
const CORE_CASES: &str = include_str!("conformance/core.glia");
const CORE_EXPECTED: &str = include_str!("conformance/core.expected");
const GLIA_CASES: &str = include_str!("conformance/glia.glia");
const EFFECT_CASES: &str = include_str!("conformance/effects.glia");

/// Cases where Glia knowingly differs from Clojure today, by line, with the
/// reason. The runner checks they still differ, so fixing one forces its
/// removal from this list.
const KNOWN_DIVERGENCES: &[(usize, &str)] = &[];

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// What evaluating a case gave: the printed value, or the error type.
fn outcome(glia: &mut Glia, case: usize, code: &str) -> Result<String, String> {
    glia.set_ns(&format!("case{case}"));
    let result = glia.eval_str("case", code);
    glia.set_ns("user");
    result.map(|v| pr_str(&v)).map_err(|e| e.type_name())
}

fn glia_type_of_clojure_class(class: &str) -> &'static str {
    match class {
        "ArithmeticException" => ":glia.error/arithmetic",
        "ClassCastException" | "NullPointerException" => ":glia.error/type-mismatch",
        "ArityException" => ":glia.error/arity",
        "IllegalArgumentException" => ":glia.error/illegal-argument",
        "IndexOutOfBoundsException" => ":glia.error/index-out-of-bounds",
        "ExceptionInfo" => ":glia.error/ex-info",
        "unbound-symbol" => ":glia.error/unbound-symbol",
        "StackOverflowError" => ":glia.error/stack-overflow",
        other => {
            panic!("clojure.expected names {other}, which has no Glia error type; see README.md")
        }
    }
}

fn report(failures: &[String], total: usize) {
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Checks every case of a Clojure-oracle file against its expected
/// results; returns the number of cases.
fn check_against_clojure(cases: &str, expected_text: &str, divergences: &[(usize, &str)]) -> usize {
    let forms = read(cases);
    assert!(forms.errors.is_empty(), "{:?}", forms.errors);
    let expected: Vec<(usize, &str, &str)> = expected_text
        .lines()
        .map(|l| {
            let mut parts = l.splitn(3, '\t');
            let line = parts.next().unwrap().parse().unwrap();
            (line, parts.next().unwrap(), parts.next().unwrap_or(""))
        })
        .collect();
    assert_eq!(
        forms.forms.len(),
        expected.len(),
        "one expected line per case"
    );
    let mut glia = Glia::new();
    let mut failures = Vec::new();
    for (i, (form, (line, kind, want))) in forms.forms.iter().zip(&expected).enumerate() {
        assert_eq!(
            line_of(cases, form.span.start),
            *line,
            "cases and expectations pair up"
        );
        let code = &cases[form.span.start..form.span.end];
        let got = outcome(&mut glia, i, code);
        let want = match *kind {
            "ok" => Ok(want.to_string()),
            _ => Err(glia_type_of_clojure_class(want).to_string()),
        };
        let known = divergences.iter().any(|(l, _)| l == line);
        if got != want && !known {
            failures.push(format!(
                "  line {line}: {code}\n    want {want:?}\n    got  {got:?}"
            ));
        }
        if got == want && known {
            failures.push(format!(
                "  line {line}: now matches Clojure; remove it from KNOWN_DIVERGENCES"
            ));
        }
    }
    report(&failures, expected.len());
    expected.len()
}

#[test]
fn clojure_cases_match_clojure() {
    let n = check_against_clojure(CLOJURE_CASES, CLOJURE_EXPECTED, KNOWN_DIVERGENCES);
    assert!(n >= 300);
}

#[test]
fn core_library_cases_match_clojure() {
    let n = check_against_clojure(CORE_CASES, CORE_EXPECTED, &[]);
    assert!(n >= 400);
}

/// Runs a file of `FORM => EXPECTED` / `FORM =! TYPE` triples; returns the
/// number of cases.
fn run_triples(text: &str) -> usize {
    let forms = read(text);
    assert!(forms.errors.is_empty(), "{:?}", forms.errors);
    assert_eq!(
        forms.forms.len() % 3,
        0,
        "cases are FORM => EXPECTED or FORM =! TYPE triples"
    );
    let mut glia = Glia::new();
    let mut failures = Vec::new();
    let cases: Vec<&[Form]> = forms.forms.chunks(3).collect();
    for (i, case) in cases.iter().enumerate() {
        let [form, arrow, expected] = case else {
            unreachable!()
        };
        let line = line_of(text, form.span.start);
        let code = &text[form.span.start..form.span.end];
        let got = outcome(&mut glia, i, code);
        let want = match arrow.as_simple_symbol() {
            Some("=>") => Ok(glia_syntax::printer::pr_str(expected)),
            Some("=!") => match &expected.kind {
                FormKind::Keyword(_) => Err(glia_syntax::printer::pr_str(expected)),
                _ => panic!("line {line}: `=!` takes an error type keyword"),
            },
            _ => panic!("line {line}: expected `=>` or `=!` after the form"),
        };
        if got != want {
            failures.push(format!(
                "  line {line}: {code}\n    want {want:?}\n    got  {got:?}"
            ));
        }
    }
    report(&failures, cases.len());
    cases.len()
}

#[test]
fn glia_cases_match_their_expectations() {
    run_triples(GLIA_CASES);
}

#[test]
fn effect_cases_match_their_expectations() {
    run_triples(EFFECT_CASES);
}
