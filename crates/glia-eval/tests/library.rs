//! The core library as a whole: every public var is documented, and the
//! library is as broad as the spec asks.

use glia_eval::Glia;
use glia_eval::value::pr_str;

fn eval(glia: &mut Glia, code: &str) -> String {
    pr_str(&glia.eval_str("test", code).expect("evaluates"))
}

#[test]
fn every_public_var_has_a_docstring_and_fns_have_arglists() {
    let mut glia = Glia::new();
    let missing = eval(
        &mut glia,
        r#"(->> (concat (ns-publics 'glia.core) (ns-publics 'glia.string))
                (remove (fn [[s _]] (glia.string/starts-with? (str s) "--")))
                (remove (fn [[_ v]] (and (:doc (meta v))
                                         (or (:arglists (meta v)) (not (fn? (deref v)))))))
                (map first) (map str) sort vec)"#,
    );
    assert_eq!(missing, "[]", "public vars without :doc or :arglists");
}

#[test]
fn the_core_library_has_at_least_350_public_vars() {
    let mut glia = Glia::new();
    let n: usize = eval(
        &mut glia,
        r#"(count (remove (fn [s] (glia.string/starts-with? (str s) "--"))
                          (keys (ns-publics 'glia.core))))"#,
    )
    .parse()
    .unwrap();
    assert!(n >= 350, "{n} public vars in glia.core");
}

#[test]
fn every_stdlib_module_loads_and_documents_its_vars() {
    let mut glia = Glia::new();
    for module in ["glia.set", "glia.json", "glia.test", "glia.policy"] {
        let missing = eval(
            &mut glia,
            &format!(
                r#"(do (require '{module})
                       (->> (ns-publics '{module})
                            (remove (fn [[_ v]] (:doc (meta v))))
                            (map first) (map str) sort vec))"#
            ),
        );
        assert_eq!(missing, "[]", "{module}: public vars without :doc");
    }
}

#[test]
fn a_var_bound_by_the_embedding_is_named_and_documented_by_doc() {
    let mut glia = Glia::new();
    glia.define_in("user", "answer", glia_eval::value::Value::Int(42));
    assert_eq!(
        eval(&mut glia, "(meta (var answer))"),
        "{:ns user, :name answer}"
    );
    assert_eq!(
        eval(&mut glia, "(with-out-str (doc answer))"),
        r#""-------------------------\nuser/answer\n""#
    );
    // The library's own helpers (`--` names) are not found.
    assert_eq!(
        eval(&mut glia, r#"(with-out-str (find-doc "--lazy"))"#),
        r#""""#
    );
}
