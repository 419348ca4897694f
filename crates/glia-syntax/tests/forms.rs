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

/// A form left open ends where the next top-level form begins (an opener
/// at a line's start), so the forms after it are read as written.
#[test]
fn an_unclosed_form_ends_before_the_next_line_start_form() {
    let text = "(defn f [x]\n  (let [y (inc x)]\n    (* 2 y))\n\n(defn g [] 1)\n(g)\n";
    let broken = read(text);
    assert_eq!(broken.errors.len(), 1, "{:?}", broken.errors);
    assert_eq!(broken.errors[0].span.start, 0, "the unclosed `(` of f");
    let printed: Vec<String> = broken.forms.iter().map(pr_str).collect();
    assert_eq!(printed[1..], ["(defn g [] 1)", "(g)"]);
    // Nested forms at a line's start in balanced text are not touched.
    let nested = read("(def x\n'(a\nb))\n(def y 1)");
    assert!(nested.errors.is_empty());
    assert_eq!(nested.forms.len(), 2);
}
