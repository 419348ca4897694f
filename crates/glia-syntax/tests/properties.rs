//! Property tests: the tree is lossless for any text, reading what the
//! printer prints gives the data back, and the formatter is idempotent and
//! never changes what the text reads as.

use glia_syntax::printer::pr_str;
use glia_syntax::{Form, FormKind, Keyword, Span, Symbol, check_invariants, format, read};
use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;

/// Text made mostly of Glia's syntax characters, to reach the parser's
/// corners far more often than uniformly random text would.
fn glia_ish_text() -> impl Strategy<Value = String> {
    "[()\\[\\]{}#\"\\\\;'`~@^:%,. a-z0-9\n_!/+\\-λ]{0,120}"
}

fn name() -> impl Strategy<Value = String> {
    "[a-z*!?<>=_][a-z0-9*+!?<>=_.-]{0,8}".prop_filter("reserved", |s| {
        !matches!(s.as_str(), "nil" | "true" | "false") && !s.ends_with('.')
    })
}

fn span() -> Span {
    Span::default()
}

fn leaf() -> impl Strategy<Value = Form> {
    prop_oneof![
        Just(FormKind::Nil),
        any::<bool>().prop_map(FormKind::Bool),
        any::<i64>().prop_map(FormKind::Int),
        any::<i128>().prop_map(|i| FormKind::BigInt(BigInt::from(i))),
        (any::<i64>(), 2..i64::MAX).prop_map(|(n, d)| {
            let r = BigRational::new(n.into(), d.into());
            if r.is_integer() {
                FormKind::Int(n / d)
            } else {
                FormKind::Ratio(r)
            }
        }),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(FormKind::Float),
        Just(FormKind::Float(f64::INFINITY)),
        any::<char>().prop_map(FormKind::Char),
        any::<String>().prop_map(FormKind::Str),
        prop_oneof![Just("a+b*"), Just("[0-9]{2,}"), Just("\\d+\\s?\\\"")]
            .prop_map(|r| FormKind::Regex(r.to_owned())),
        (proptest::option::of(name()), name())
            .prop_map(|(ns, name)| FormKind::Symbol(Symbol { ns, name })),
        (proptest::option::of(name()), name(), any::<bool>()).prop_map(
            |(ns, name, auto_resolve)| FormKind::Keyword(Keyword {
                ns,
                name,
                auto_resolve
            })
        ),
    ]
    .prop_map(|kind| Form::new(kind, span()))
}

/// Drops elements equal (Clojure `=`) to an earlier one, as a literal must.
fn distinct(items: Vec<Form>) -> Vec<Form> {
    let mut out: Vec<Form> = Vec::new();
    for item in items {
        if !out.iter().any(|o| o.equiv(&item)) {
            out.push(item);
        }
    }
    out
}

fn form() -> impl Strategy<Value = Form> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(FormKind::List),
            prop::collection::vec(inner.clone(), 0..6).prop_map(FormKind::Vector),
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|items| FormKind::Set(distinct(items))),
            prop::collection::vec((inner.clone(), inner), 0..5).prop_map(|entries| {
                let mut keys: Vec<Form> = Vec::new();
                let entries = entries
                    .into_iter()
                    .filter(|(k, _)| {
                        let fresh = !keys.iter().any(|seen| seen.equiv(k));
                        keys.push(k.clone());
                        fresh
                    })
                    .collect();
                FormKind::Map(entries)
            }),
        ]
        .prop_map(|kind| Form::new(kind, span()))
    })
}

/// Prints `form` readably, but with the separators between elements drawn
/// from `layout` (spaces, newlines, blank lines, comments, commas).
fn print_with_layout(form: &Form, layout: &mut impl Iterator<Item = u8>, out: &mut String) {
    const SEPARATORS: [&str; 6] = [" ", "\n", "\n\n\n  ", " ; note\n", " , ", "\t  "];
    let mut seq = |open: &str, items: Vec<&Form>, close: &str, out: &mut String| {
        out.push_str(open);
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                let choice = layout.next().unwrap_or(0) as usize % SEPARATORS.len();
                out.push_str(SEPARATORS[choice]);
            }
            print_with_layout(item, layout, out);
        }
        out.push_str(close);
    };
    match &form.kind {
        FormKind::List(items) => seq("(", items.iter().collect(), ")", out),
        FormKind::Vector(items) => seq("[", items.iter().collect(), "]", out),
        FormKind::Set(items) => seq("#{", items.iter().collect(), "}", out),
        FormKind::Map(entries) => seq(
            "{",
            entries.iter().flat_map(|(k, v)| [k, v]).collect(),
            "}",
            out,
        ),
        _ => out.push_str(&pr_str(form)),
    }
}

proptest! {
    // PROPTEST_CASES raises the count for a longer local run.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(512)
    ))]

    #[test]
    fn lossless_for_any_text(text in any::<String>()) {
        check_invariants(&text);
    }

    #[test]
    fn lossless_for_glia_ish_text(text in glia_ish_text()) {
        check_invariants(&text);
    }

    #[test]
    fn read_inverts_pr_str(form in form()) {
        let printed = pr_str(&form);
        let read = read(&printed);
        prop_assert!(read.errors.is_empty(), "{printed}: {:?}", read.errors);
        prop_assert_eq!(read.forms.len(), 1);
        prop_assert_eq!(&read.forms[0], &form, "printed as {}", printed);
    }

    #[test]
    fn formatting_is_idempotent_and_keeps_meaning(
        forms in prop::collection::vec(form(), 1..4),
        layout in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut layout = layout.into_iter().cycle();
        let mut text = String::new();
        for form in &forms {
            print_with_layout(form, &mut layout, &mut text);
            text.push('\n');
        }
        let formatted = format(&text).expect("generated text is well formed");
        let twice = format(&formatted).expect("formatted text is well formed");
        prop_assert_eq!(twice, formatted.clone());
        let read = read(&formatted);
        prop_assert!(read.errors.is_empty(), "{formatted}: {:?}", read.errors);
        prop_assert_eq!(read.forms, forms);
    }
}
