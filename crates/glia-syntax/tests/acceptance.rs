//! The reader accepts exactly what Clojure's reader accepts:
//! `tests/clojure/acceptance.edn` records, for each line of
//! `tests/clojure/acceptance.glia`, whether Clojure reads every form on it
//! (regenerate with `scripts/clojure-oracle`).

use glia_syntax::{FormKind, read};

/// Lines where Glia deliberately differs from Clojure, and why.
const DELIBERATE: &[(&str, &str)] = &[
    // Glia has no tagged literals or namespaced map literals.
    ("#inst \"2020\"", "no tagged literals"),
    ("#:a{:b 1}", "no namespaced map literals"),
];

#[test]
fn accepts_what_clojure_accepts() {
    let oracle = read(include_str!("clojure/acceptance.edn"));
    assert!(oracle.errors.is_empty(), "{:?}", oracle.errors);
    assert!(oracle.forms.len() > 100, "the oracle file looks truncated");
    let mut disagreements = Vec::new();
    for line in oracle.forms {
        let FormKind::Vector(fields) = line.kind else {
            panic!("each oracle line is a vector");
        };
        let (FormKind::Str(input), FormKind::Bool(clojure_accepts)) =
            (&fields[0].kind, &fields[1].kind)
        else {
            panic!("each oracle line is [input accepted?]");
        };
        let ours = read(input).errors.is_empty();
        let deliberate = DELIBERATE.iter().any(|(case, _)| case == input);
        if deliberate {
            assert_ne!(
                ours, *clojure_accepts,
                "{input:?} is listed as a deliberate difference"
            );
        } else if ours != *clojure_accepts {
            disagreements.push(format!(
                "{input:?}: Clojure {}, Glia {}",
                if *clojure_accepts {
                    "accepts"
                } else {
                    "rejects"
                },
                if ours { "accepts" } else { "rejects" }
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
