//! Snapshots of lossless trees: every byte of each input is in its tree.

mod common;

use glia_syntax::parse;

fn tree(source: &str) -> String {
    let parse = parse(source);
    let root = parse.syntax();
    assert_eq!(
        root.to_string(),
        source,
        "the tree must print back its input"
    );
    let mut out = format!("{root:#?}");
    for error in parse.errors() {
        out.push_str(&format!(
            "error {}..{}: {}\n",
            error.span.start, error.span.end, error.message
        ));
    }
    out
}

snapshots! {
    tree;
    atoms_and_trivia => "#!/usr/bin/env ww\n(def x 42) ; answer\n, :kw \\a \"s\\n\"",
    collections => "[1 (2) {:a #{3}}]",
    reader_macros => "'a `(b ~c ~@d) @e #'f #(g % %2) #\"r+\"",
    metadata_and_discard => "^:private ^{:doc \"d\"} x #_ #_ skip1 skip2 kept",
    unclosed_and_stray => "(a [b) c)]",
    missing_forms => "(' ^:m) #_",
    garbage => "\u{0}\\ #inst ## \"open",
    prefix_before_unclosed_collection => "^{",
}
