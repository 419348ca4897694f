//! Snapshots of the data view: each form, its span and its metadata, with
//! reader macros expanded as Clojure expands them.

use glia_syntax::printer::pr_str;
use glia_syntax::{Form, FormKind, read};

/// One line a form: span, printed form, metadata; children indented.
fn outline(form: &Form, depth: usize, out: &mut String) {
    let meta = form
        .meta
        .as_ref()
        .map(|m| format!("  ^{}", pr_str(m)))
        .unwrap_or_default();
    out.push_str(&format!(
        "{:indent$}{}..{} {}{meta}\n",
        "",
        form.span.start,
        form.span.end,
        pr_str(form),
        indent = depth * 2
    ));
    let children: Vec<&Form> = match &form.kind {
        FormKind::List(items) | FormKind::Vector(items) | FormKind::Set(items) => {
            items.iter().collect()
        }
        FormKind::Map(entries) => entries.iter().flat_map(|(k, v)| [k, v]).collect(),
        _ => Vec::new(),
    };
    for child in children {
        outline(child, depth + 1, out);
    }
}

fn forms(source: &str) -> String {
    let read = read(source);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let mut out = String::new();
    for form in &read.forms {
        outline(form, 0, &mut out);
    }
    out
}

#[test]
fn reader_macros_expand_with_spans() {
    insta::assert_snapshot!(forms(
        "'a `(b ~c ~@d) @e #'f #(g % %3 %&) ^:private ^String [x] #_skip {:k ::auto}"
    ));
}

#[test]
fn literals() {
    insta::assert_snapshot!(forms(
        "nil true 42 -0x1F 7N 6/8 1e3 ##-Inf \"a\\tb\" \\newline :ns/k sym/x #\"\\d+\""
    ));
}
