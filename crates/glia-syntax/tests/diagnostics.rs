//! Snapshots of rendered diagnostics: several mistakes in one text are all
//! reported, each with its span, label and hint.

use glia_syntax::{SyntaxErrors, read};

fn render(source: &str) -> String {
    let read = read(source);
    SyntaxErrors::new("example.glia", source, read.errors).render_plain()
}

macro_rules! snap {
    ($name:ident, $source:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(render($source));
        }
    };
}

snap!(
    several_mistakes_in_one_file,
    "(defn f [x]\n  (+ x 08 \"bad \\q escape\"))\n{:a 1 :b}\n#{1 2 1}\n{:k 1, :k 2}\n)"
);
snap!(
    unclosed_delimiters,
    "(defn g [x]\n  (let [y (inc x)]\n    y)\n"
);
snap!(mismatched_closer, "(let [a 1) a)");
snap!(unterminated_string, "(println \"hello)\n(more)");
snap!(
    bad_literals,
    "\\abc 1/0 36rZZZ! :a: foo/ ##Nan #\"(unclosed\" ^1 x ^:k 5 #(#(%))"
);
snap!(missing_form_after_prefix, "(quote ') [^]");
