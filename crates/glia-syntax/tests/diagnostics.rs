//! Snapshots of rendered diagnostics: several mistakes in one text are all
//! reported, each with its span, label and hint.

mod common;

use glia_syntax::{SyntaxErrors, read};

fn render(source: &str) -> String {
    let read = read(source);
    SyntaxErrors::new("example.glia", source, read.errors).render_plain()
}

snapshots! {
    render;
    several_mistakes_in_one_file => "(defn f [x]\n  (+ x 08 \"bad \\q escape\"))\n{:a 1 :b}\n#{1 2 1}\n{:k 1, :k 2}\n)",
    unclosed_delimiters => "(defn g [x]\n  (let [y (inc x)]\n    y)\n",
    mismatched_closer => "(let [a 1) a)",
    unterminated_string => "(println \"hello)\n(more)",
    bad_literals => "\\abc 1/0 36rZZZ! :a: foo/ ##Nan #\"(unclosed\" ^1 x ^:k 5 #(#(%))",
    missing_form_after_prefix => "(quote ') [^]",
}
