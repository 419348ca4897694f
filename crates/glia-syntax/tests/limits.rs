//! Absurd input is an error, never a crash: nesting far beyond any real
//! code is reported instead of overflowing the stack while reading or
//! formatting.

use glia_syntax::{ErrorKind, MAX_NESTING, format, read};

fn assert_too_deep(source: &str) {
    let read = read(source);
    assert!(
        read.errors.iter().any(|e| e.kind == ErrorKind::TooDeep),
        "{:?}",
        read.errors.first()
    );
    assert_eq!(read.parse.syntax().to_string(), source);
    assert!(format(source).is_err());
}

#[test]
fn deeply_nested_collections_are_an_error() {
    let depth = 200_000;
    assert_too_deep(&format!("{}x{}", "(".repeat(depth), ")".repeat(depth)));
    assert_too_deep(&"[".repeat(depth));
}

#[test]
fn long_reader_macro_chains_are_an_error() {
    assert_too_deep(&format!("{}x", "'".repeat(200_000)));
    assert_too_deep(&format!("{}x y", "^:m ".repeat(100_000)));
}

#[test]
fn nesting_up_to_the_limit_reads() {
    let source = format!("{}x{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
    let read = read(&source);
    assert!(read.errors.is_empty(), "{:?}", read.errors.first());
    assert_eq!(read.forms.len(), 1);
    assert!(format(&source).is_ok());
}

#[test]
fn reader_macro_nesting_up_to_the_limit_reads() {
    // Metadata and quotes nest one level each: MAX_NESTING levels in all.
    let source = format!("{}x", "^:m '".repeat(MAX_NESTING / 2));
    let read = read(&source);
    assert!(read.errors.is_empty(), "{:?}", read.errors.first());
    assert_eq!(read.forms.len(), 1);
}

#[test]
fn many_stray_closers_under_many_openers_stay_linear() {
    // Each `]` is stray; finding that must not scan the 100,000 open `(`.
    let n = 100_000;
    let source = format!("{}{}", "(".repeat(n), "]".repeat(n));
    let parse = glia_syntax::parse(&source);
    assert_eq!(parse.syntax().to_string(), source);
    let stray = parse
        .errors()
        .iter()
        .filter(|e| e.kind == ErrorKind::UnmatchedDelimiter)
        .count();
    assert_eq!(stray, n);
}

#[test]
fn comparing_large_literal_maps_stays_linear() {
    // Two equal 20,000-entry maps in a set: a duplicate, found without
    // comparing every entry with every other.
    let n = 20_000;
    let entries: Vec<String> = (0..n).map(|i| format!(":k{i} {i}")).collect();
    let reversed: Vec<String> = entries.iter().rev().cloned().collect();
    let source = format!("#{{{{{}}} {{{}}}}}", entries.join(" "), reversed.join(" "));
    let read = read(&source);
    assert_eq!(
        read.errors.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![ErrorKind::DuplicateSetElement]
    );
}
