//! What an editor shows about a name: a var's docstring, arglists and
//! kind, and the special forms, which are not vars.

use std::rc::Rc;

use crate::Glia;
use crate::namespace::Var;
use crate::value::Value;

/// What a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    SpecialForm,
    Macro,
    Function,
    /// A var holding anything else (or nothing yet).
    Value,
}

/// A var (or special form) described for a reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description {
    /// The namespace (`None` for a special form).
    pub ns: Option<String>,
    pub name: String,
    pub kind: Kind,
    pub doc: Option<String>,
    /// Each arity's parameter vector, as written: `[f coll]`.
    pub arglists: Vec<String>,
    pub private: bool,
    pub dynamic: bool,
    /// The file its definition was read from (`glia/core.glia` for the
    /// core library) and the 1-based line, when known.
    pub file: Option<String>,
    pub line: Option<usize>,
}

impl Description {
    /// Whether code elsewhere should use it: not private, and not one of
    /// the library's `--internal` helpers.
    pub fn is_public(&self) -> bool {
        !self.private && !self.name.starts_with("--")
    }
}

/// Usage and meaning of each special form (they have no var to hold a
/// docstring).
const SPECIAL_DOCS: &[(&str, &str, &str)] = &[
    (
        "def",
        "[name doc? init?]",
        "Interns a var named `name` in the current namespace, bound to `init`.",
    ),
    (
        "if",
        "[test then else?]",
        "Evaluates `test`; if truthy `then`, else `else` (nil if absent).",
    ),
    (
        "do",
        "[& body]",
        "Evaluates the forms in order; the last one's value.",
    ),
    (
        "let",
        "[[bindings*] & body]",
        "Binds names (with destructuring) for the body; each init sees the names before it.",
    ),
    (
        "let*",
        "[[bindings*] & body]",
        "`let` without destructuring.",
    ),
    (
        "fn",
        "[name? [params*] & body] [name? ([params*] & body)+]",
        "Makes a function; `name` binds the function itself inside its body.",
    ),
    (
        "fn*",
        "[name? [params*] & body]",
        "`fn` without destructuring.",
    ),
    (
        "loop",
        "[[bindings*] & body]",
        "Like `let`, and a target for `recur`.",
    ),
    (
        "loop*",
        "[[bindings*] & body]",
        "`loop` without destructuring.",
    ),
    (
        "recur",
        "[& exprs]",
        "Jumps back to the nearest `loop` or fn with new values; only in tail position.",
    ),
    ("quote", "[form]", "The form itself, unevaluated: `'x`."),
    ("var", "[symbol]", "The var a symbol names: `#'x`."),
    ("throw", "[ex]", "Raises `ex` (made with `ex-info`)."),
    (
        "try",
        "[& body (catch type name & body)* (finally & body)?]",
        "Evaluates the body; `catch` clauses handle what it throws, `finally` always runs.",
    ),
    (
        "catch",
        "[type name & body]",
        "Inside `try`: handles exceptions of `type` (`:default` for any).",
    ),
    (
        "finally",
        "[& body]",
        "Inside `try`: runs whether or not the body threw.",
    ),
    (
        "with-effect-handler",
        "[effect handler & body]",
        "Runs the body with `handler`, a `(fn [data k] ...)`, taking each `perform` of `effect`; `k` resumes the performer.",
    ),
    (
        "letfn",
        "[[(name [params*] & body)*] & body]",
        "Binds mutually recursive local functions.",
    ),
    (
        "letfn*",
        "[[(name [params*] & body)*] & body]",
        "`letfn`'s primitive.",
    ),
    (
        "case",
        "[expr & clauses]",
        "Dispatches on the value of `expr` against constants; a last odd clause is the default.",
    ),
    ("case*", "[expr & clauses]", "`case`'s primitive."),
    (
        "defmacro",
        "[name doc? [params*] & body]",
        "Defines a macro: a function from forms to a form, run at compile time.",
    ),
    (
        "binding",
        "[[var value*] & body]",
        "Rebinds `^:dynamic` vars for the extent of the body.",
    ),
    (
        "syntax-quote",
        "[form]",
        "The form with symbols qualified and `~`, `~@` filled in: `` `x ``.",
    ),
    (
        "unquote",
        "[form]",
        "Inside a syntax-quote: the value of `form`: `~x`.",
    ),
    (
        "unquote-splicing",
        "[form]",
        "Inside a syntax-quote: the items of `form`, spliced: `~@xs`.",
    ),
];

/// A special form's description, if `name` is one.
pub fn special_form(name: &str) -> Option<Description> {
    let (name, arglists, doc) = SPECIAL_DOCS.iter().find(|(n, _, _)| *n == name)?;
    Some(Description {
        ns: None,
        name: name.to_string(),
        kind: Kind::SpecialForm,
        doc: Some(doc.to_string()),
        arglists: glia_syntax::read(arglists)
            .forms
            .iter()
            .map(|f| arglists[f.span.start..f.span.end].to_string())
            .collect(),
        private: false,
        dynamic: false,
        file: None,
        line: None,
    })
}

/// The names of the special forms.
pub fn special_forms() -> impl Iterator<Item = &'static str> {
    SPECIAL_DOCS.iter().map(|(n, _, _)| *n)
}

/// The embedded modules of the standard library written in Glia: their
/// namespace, file name (as in `:file` metadata) and text.
pub fn stdlib_sources() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = crate::core::SOURCES.to_vec();
    out.extend(crate::builtins::stdlib_modules());
    out
}

impl Glia {
    /// The var `ns/name` described (its definition compiled first if the
    /// core library had not needed it).
    pub fn describe(&mut self, ns: &str, name: &str) -> Option<Description> {
        let var = self.vm.namespaces.get(ns)?.lookup(name)?;
        // Compiling the definition is work of its own, metered afresh: not
        // charged to what is left of the last evaluation's fuel.
        self.vm.start_evaluation();
        self.vm.ensure_loaded(&var).ok()?;
        Some(describe_var(&var))
    }

    /// What `sym_ns/name` means in namespace `ns`, described.
    pub fn describe_in(
        &mut self,
        ns: &str,
        sym_ns: Option<&str>,
        name: &str,
    ) -> Option<Description> {
        let (ns, name) = self.resolve_in(ns, sym_ns, name)?;
        self.describe(&ns, &name)
    }

    /// The vars `ns` defines (not the ones it refers to), described,
    /// private ones included.
    pub fn vars_of(&mut self, ns: &str) -> Vec<Description> {
        if self.vm.load_namespace(ns).is_err() {
            return Vec::new();
        }
        let Some(n) = self.vm.namespaces.get(ns) else {
            return Vec::new();
        };
        let vars: Vec<Rc<Var>> = n
            .mappings
            .borrow()
            .values()
            .filter(|v| *v.ns == *n.name)
            .cloned()
            .collect();
        vars.iter().map(|v| describe_var(v)).collect()
    }

    /// The vars `ns` refers to from other namespaces (`:refer`, `use`), by
    /// the name they have there: `(name, (var's ns, var's name))`.
    pub fn referred(&self, ns: &str) -> Vec<(String, (String, String))> {
        self.vm.namespaces.get(ns).map_or_else(Vec::new, |n| {
            n.mappings
                .borrow()
                .iter()
                .filter(|(_, v)| *v.ns != *n.name)
                .map(|(k, v)| (k.to_string(), (v.ns.to_string(), v.name.to_string())))
                .collect()
        })
    }

    /// The namespaces this session knows.
    pub fn namespace_names(&self) -> Vec<String> {
        self.vm
            .namespaces
            .table
            .keys()
            .map(|k| k.to_string())
            .collect()
    }

    /// The aliases of namespace `ns`: alias to target.
    pub fn aliases(&self, ns: &str) -> Vec<(String, String)> {
        self.vm.namespaces.get(ns).map_or_else(Vec::new, |n| {
            n.aliases
                .borrow()
                .iter()
                .map(|(a, t)| (a.to_string(), t.to_string()))
                .collect()
        })
    }

    /// What `sym` (`name` or `alias/name`) means in namespace `ns`: the var
    /// it resolves to, as `(ns, name)`.
    pub fn resolve_in(
        &self,
        ns: &str,
        sym_ns: Option<&str>,
        name: &str,
    ) -> Option<(String, String)> {
        let n = self.vm.namespaces.get(ns)?;
        let var = match sym_ns {
            None => n.lookup(name).or_else(|| self.vm.core.lookup(name))?,
            Some(q) => {
                let target = n
                    .aliases
                    .borrow()
                    .get(q)
                    .cloned()
                    .unwrap_or_else(|| crate::namespace::canonical(q));
                self.vm.namespaces.get(&target)?.lookup(name)?
            }
        };
        Some((var.ns.to_string(), var.name.to_string()))
    }
}

fn describe_var(var: &Var) -> Description {
    let meta = var.meta.borrow().clone();
    let get = |k: &str| match &meta {
        Some(Value::Map(m)) => m.get(&Value::keyword(None, k)).cloned(),
        _ => None,
    };
    let text = |k: &str| get(k).and_then(|v| v.as_str().map(str::to_string));
    let truthy = |k: &str| get(k).is_some_and(|v| v.is_truthy());
    let root = var.get();
    let kind = if var.is_macro.get() || truthy("macro") {
        Kind::Macro
    } else if matches!(root, Some(Value::Fn(_) | Value::Builtin(_))) || get("arglists").is_some() {
        Kind::Function
    } else {
        Kind::Value
    };
    let arglists = get("arglists")
        .and_then(|a| crate::builtins::seq_items(&a).ok())
        .map_or_else(Vec::new, |a| a.iter().map(crate::value::pr_str).collect());
    Description {
        ns: Some(var.ns.to_string()),
        name: var.name.to_string(),
        kind,
        doc: text("doc"),
        arglists,
        private: truthy("private"),
        dynamic: var.dynamic.get(),
        file: text("file"),
        line: match get("line") {
            Some(Value::Int(n)) => usize::try_from(n).ok(),
            _ => None,
        },
    }
}
