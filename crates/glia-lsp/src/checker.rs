//! Checking a document as it changes, without re-checking all of it.
//!
//! A full check compiles every top-level form in a fresh session (running
//! `ns`, `require`, `defmacro` and `def`s of fns, as `ww check` does),
//! which on a 5,000-line file takes longer than a keystroke should. But
//! what a form's check finds depends on the forms before it only through
//! their *interface*: the names they define, the parameter vectors of
//! their fns, the macros and namespaces they make. So each form's findings
//! and occurrences are kept, relative to the form's start, with its text
//! and interface.
//!
//! An edit changes a stretch of forms (the forms before and after it keep
//! their text). If every form of the stretch, before and after the edit,
//! is a definition or a call of a function, the stretch is checked again
//! in the session the last check left, after its old names are unmapped,
//! and so are the forms after it that refer to a name it defined or
//! defines (or, when the set of names changed, any with an unbound
//! symbol, whose "did you mean" may change); a form refers to a name
//! through a macro's expansion too. A form checked again does not
//! see the vars the forms after it define (they are unmapped while it is
//! checked), as in a full check. Any other edit (a macro, an `ns`) checks
//! the whole file afresh. A property test (`tests/incremental.rs`) holds
//! this to giving what a fresh check gives, after random edits.

use std::rc::Rc;

use glia_eval::{Fact, Finding, Glia, Limits, Loader, Source};
use glia_syntax::{Form, FormKind, Span};

use crate::analysis::{Occurrence, Target};

/// What checking a document found.
#[derive(Debug, Default)]
pub struct Checked {
    pub findings: Vec<Finding>,
    /// Sorted by start.
    pub occurrences: Vec<Occurrence>,
    /// The namespace after each top-level form, by the form's end.
    pub namespaces: Vec<(usize, String)>,
}

/// A top-level form's last check.
#[derive(Debug)]
struct Cached {
    text: String,
    interface: Interface,
    /// The namespace it was checked in, and the one it left.
    ns: String,
    ns_after: String,
    /// Spans relative to the form's start.
    findings: Vec<Finding>,
    occurrences: Vec<Occurrence>,
    /// The vars it defines: its own, and any `def` inside it.
    defines: Vec<String>,
    /// The names of every var it refers to, including those that only a
    /// macro's expansion names (which have no occurrence in its text).
    refers: Vec<String>,
}

pub struct Checker {
    glia: Glia,
    /// What a fresh session starts with.
    prelude: crate::Prelude,
    forms: Vec<Cached>,
    /// Whether the last check was complete (a first check has run).
    primed: bool,
    /// How many checks reused the session (for tests and the bench).
    pub incremental_checks: usize,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("forms", &self.forms.len())
            .finish()
    }
}

/// Limits for code that runs while checking (macros, `def`s): an endless
/// macro must not hang the editor.
fn limits() -> Limits {
    Limits {
        fuel: Some(200_000_000),
        memory: Some(512 << 20),
        timeout: Some(std::time::Duration::from_secs(2)),
        ..Limits::default()
    }
}

/// A fresh session, as `prelude` leaves it.
fn session(prelude: crate::Prelude) -> Glia {
    let mut glia = Glia::with_limits(limits());
    prelude(&mut glia);
    glia
}

impl Default for Checker {
    fn default() -> Self {
        Checker::new(|_| {})
    }
}

impl Checker {
    /// A checker whose session starts as `prelude` leaves a fresh one:
    /// with the names the embedding binds before a program runs (`ww`
    /// binds its root capabilities), so that they are not unbound.
    pub fn new(prelude: crate::Prelude) -> Checker {
        Checker {
            glia: session(prelude),
            prelude,
            forms: Vec::new(),
            primed: false,
            incremental_checks: 0,
        }
    }

    /// The session of the last check (its vars describe the document's
    /// definitions and what it requires).
    pub fn glia(&mut self) -> &mut Glia {
        &mut self.glia
    }

    /// Checks the forms of `read` (a read of `text`, named `name`); forms
    /// that hold syntax errors are skipped (the caller reports those).
    pub fn check(&mut self, name: &str, text: &str, forms: &[&Form], load: &mut Loader) -> Checked {
        let source = Rc::new(Source::new(name, text));
        let texts: Vec<&str> = forms
            .iter()
            .map(|f| &text[f.span.start..f.span.end])
            .collect();
        // The forms before and after the edited stretch, unchanged.
        let (old, new) = (self.forms.len(), forms.len());
        let prefix = (0..old.min(new))
            .take_while(|&i| self.forms[i].text == texts[i])
            .count();
        let suffix = (0..old.min(new) - prefix)
            .take_while(|&i| self.forms[old - 1 - i].text == texts[new - 1 - i])
            .count();
        let keys: Vec<Interface> = (0..new)
            .map(|i| match i {
                i if i < prefix => self.forms[i].interface.clone(),
                i if i >= new - suffix => self.forms[i + old - new].interface.clone(),
                i => interface(forms[i], texts[i], &mut self.glia),
            })
            .collect();
        // Editing definitions (and calls) only affects the forms that
        // mention the names defined; anything else (a macro, an `ns`) may
        // change how every later form reads.
        let incremental = self.primed
            && self.forms[prefix..old - suffix]
                .iter()
                .map(|c| &c.interface)
                .chain(&keys[prefix..new - suffix])
                .all(Interface::is_local);
        let mut checked = Checked::default();
        if !incremental {
            self.glia = session(self.prelude);
            self.forms.clear();
            for ((form, own), interface) in forms.iter().zip(texts).zip(keys) {
                let ns = self.glia.vm.current_ns.name.to_string();
                let cached = checked_form(&mut self.glia, &source, form, own, interface, ns, load);
                self.forms.push(cached);
            }
            self.primed = true;
            self.collect(forms, &mut checked);
            return checked;
        }
        self.incremental_checks += 1;
        let edited: Vec<Cached> = self.forms.drain(prefix..old - suffix).collect();
        // The names the edited stretch defined or defines: their vars are
        // made afresh (a name no form defines any more is forgotten, so its
        // uses are unbound as a full check finds them), and the forms after
        // it that mention one are checked again.
        let mut names: Vec<String> = edited.iter().flat_map(Cached::defined).collect();
        names.extend(
            keys[prefix..new - suffix]
                .iter()
                .filter_map(|i| i.defines.clone()),
        );
        let home = self.glia.vm.current_ns.name.to_string();
        // A session starts in `user`.
        let mut ns = match prefix {
            0 => "user".to_string(),
            p => self.forms[p - 1].ns_after.clone(),
        };
        for name in &names {
            let kept = self.forms.iter().any(|c| c.defined().any(|d| d == *name));
            if !kept {
                self.glia.unmap(&ns, name);
            }
        }
        for i in prefix..new - suffix {
            self.glia.set_ns(&ns);
            // The forms after it are the suffix (the rest of the stretch is
            // not checked yet).
            let hidden = self.hide_later(i, i);
            let cached = checked_form(
                &mut self.glia,
                &source,
                forms[i],
                texts[i],
                keys[i].clone(),
                ns.clone(),
                load,
            );
            self.restore(hidden);
            ns = cached.ns_after.clone();
            self.forms.insert(i, cached);
        }
        // A new set of names changes what "did you mean" suggests for an
        // unbound symbol anywhere after.
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v.dedup();
            v
        };
        let before = sorted(edited.iter().flat_map(Cached::defined).collect());
        let after = sorted(
            self.forms[prefix..new - suffix]
                .iter()
                .flat_map(Cached::defined)
                .collect(),
        );
        let renamed = before != after;
        for i in new - suffix..new {
            if self.forms[i].mentions(&names) || (renamed && self.forms[i].has_unbound()) {
                self.glia.set_ns(&self.forms[i].ns.clone());
                let cached = &self.forms[i];
                let (interface, ns) = (cached.interface.clone(), cached.ns.clone());
                let hidden = self.hide_later(i, i + 1);
                self.forms[i] = checked_form(
                    &mut self.glia,
                    &source,
                    forms[i],
                    texts[i],
                    interface,
                    ns,
                    load,
                );
                self.restore(hidden);
            }
        }
        self.glia.set_ns(&home);
        self.collect(forms, &mut checked);
        checked
    }

    /// Unmaps, for checking form `i` again, the vars that the forms from
    /// `later` on define and no form before `i` does: a fresh check of form
    /// `i` would not see them yet. Returns them, to [`Checker::restore`].
    fn hide_later(&mut self, i: usize, later: usize) -> Vec<(String, String, Rc<glia_eval::Var>)> {
        let earlier: std::collections::HashSet<&str> = self.forms[..i.min(self.forms.len())]
            .iter()
            .flat_map(|c| c.defines.iter().map(String::as_str))
            .collect();
        let mut hidden = Vec::new();
        for cached in self.forms.get(later..).unwrap_or_default() {
            for name in &cached.defines {
                if !earlier.contains(name.as_str())
                    && let Some(var) = self.glia.unmap(&cached.ns, name)
                {
                    hidden.push((cached.ns.clone(), name.clone(), var));
                }
            }
        }
        hidden
    }

    fn restore(&mut self, hidden: Vec<(String, String, Rc<glia_eval::Var>)>) {
        for (ns, name, var) in hidden {
            self.glia.map(&ns, &name, var);
        }
    }

    /// Every cached form's findings and facts, at the forms' places now.
    fn collect(&self, forms: &[&Form], out: &mut Checked) {
        for (form, cached) in forms.iter().zip(&self.forms) {
            let at = form.span.start;
            out.findings.extend(cached.findings.iter().map(|f| Finding {
                span: shift(f.span, at),
                ..f.clone()
            }));
            out.occurrences
                .extend(cached.occurrences.iter().map(|o| Occurrence {
                    span: shift(o.span, at),
                    target: match &o.target {
                        Target::Local(b) => Target::Local(shift(*b, at)),
                        other => other.clone(),
                    },
                    def: o.def,
                }));
            out.namespaces
                .push((form.span.end, cached.ns_after.clone()));
        }
    }
}

impl Cached {
    fn has_unbound(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.code == "glia::error::unbound-symbol")
    }

    /// The names the form defined: its own, and any `def` inside it.
    fn defined(&self) -> impl Iterator<Item = String> + '_ {
        self.defines.iter().cloned()
    }

    /// Whether the form uses one of `names`, or found one unbound.
    fn mentions(&self, names: &[String]) -> bool {
        if names.is_empty() {
            return false;
        }
        let uses = self.refers.iter().any(|r| names.contains(r));
        uses || self.findings.iter().any(|f| {
            f.code == "glia::error::unbound-symbol"
                && self
                    .text
                    .get(f.span.start..f.span.end)
                    .is_some_and(|s| names.iter().any(|n| crate::analysis::symbol_name(s) == n))
        })
    }
}

/// What a form shows the forms after it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Interface {
    /// The var a `defn` or `def` defines.
    defines: Option<String>,
    shape: String,
}

impl Interface {
    /// Whether editing the form affects only the forms that mention what
    /// it defines: a definition, or a call of a function.
    fn is_local(&self) -> bool {
        self.defines.is_some() || self.shape.is_empty()
    }
}

/// A form's interface. For a `defn` (or a `def`) that is its name and the
/// parameter vectors of its fn (a change of its body, or of a value that
/// checking does not run, changes nothing for others); for a call of a
/// function, nothing; for anything else (macros, `ns`...) its whole text.
fn interface(form: &Form, text: &str, glia: &mut Glia) -> Interface {
    let whole = || Interface {
        defines: None,
        shape: text.to_string(),
    };
    let FormKind::List(items) = &form.kind else {
        return Interface {
            defines: None,
            shape: String::new(),
        };
    };
    let Some(FormKind::Symbol(head)) = items.first().map(|f| &f.kind) else {
        return whole();
    };
    let name = items
        .get(1)
        .filter(|n| n.meta.is_none())
        .and_then(Form::as_simple_symbol);
    match (head.name.as_str(), name) {
        ("defn" | "defn-", Some(name)) if head.ns.is_none() => Interface {
            defines: Some(name.to_string()),
            shape: format!("{} {name}{}", head.name, params(&items[2..])),
        },
        ("def", Some(name)) if head.ns.is_none() && items.len() <= 4 => {
            let fn_params = match items.last().map(|f| &f.kind) {
                Some(FormKind::List(init))
                    if items.len() > 2
                        && matches!(
                            init.first().and_then(Form::as_simple_symbol),
                            Some("fn" | "fn*")
                        ) =>
                {
                    format!(" fn{}", params(&init[1..]))
                }
                _ => String::new(),
            };
            Interface {
                defines: Some(name.to_string()),
                shape: format!("def {name}{fn_params}"),
            }
        }
        _ => {
            let ns = glia.vm.current_ns.name.to_string();
            let is_fn_call = !glia_eval::special_forms().any(|s| s == head.name)
                && glia
                    .describe_in(&ns, head.ns.as_deref(), &head.name)
                    .is_some_and(|d| d.kind == glia_eval::Kind::Function);
            if is_fn_call {
                Interface {
                    defines: None,
                    shape: String::new(),
                }
            } else {
                whole()
            }
        }
    }
}

/// The parameter vectors of a fn's arities (`[x] ...` or `([x] ...)...`).
fn params(arities: &[Form]) -> String {
    let mut out = String::new();
    for f in arities {
        match &f.kind {
            FormKind::Vector(_) => out.push_str(&glia_syntax::printer::pr_str(f)),
            FormKind::List(arity) => {
                if let Some(params) = arity.first() {
                    out.push_str(&glia_syntax::printer::pr_str(params));
                }
            }
            _ => {}
        }
    }
    out
}

fn shift(span: Span, by: usize) -> Span {
    Span::new(span.start + by, span.end + by)
}

fn unshift(span: Span, by: usize) -> Span {
    Span::new(span.start.saturating_sub(by), span.end.saturating_sub(by))
}

/// Checks one top-level form (its text `own`) and keeps what it found,
/// relative to its start: the compiler's findings and facts (as
/// occurrences) and its unused bindings.
fn checked_form(
    glia: &mut Glia,
    source: &Rc<Source>,
    form: &Form,
    own: &str,
    interface: Interface,
    ns: String,
    load: &mut Loader,
) -> Cached {
    let at = form.span.start;
    let result = glia.check_form(source, form.clone(), load);
    let mut findings = result.findings;
    findings.extend(glia_eval::unused_bindings(std::slice::from_ref(form)));
    for f in &mut findings {
        f.span = unshift(f.span, at);
    }
    let facts: Vec<Fact> = result.facts.iter().map(|f| relative_fact(f, at)).collect();
    let occurrences = crate::analysis::occurrences(own, &facts);
    // What the form says it defines, if it did: a `defn` whose expansion
    // failed defines nothing, as a fresh check finds (and later forms'
    // "did you mean" must not offer it).
    let current = glia.vm.current_ns.clone();
    let mut defines: Vec<String> = interface
        .defines
        .iter()
        .filter(|name| current.lookup(name).is_some())
        .cloned()
        .collect();
    for o in &occurrences {
        if let Target::Var { name, .. } = &o.target
            && o.def
            && !defines.contains(name)
        {
            defines.push(name.clone());
        }
    }
    let mut refers: Vec<String> = facts
        .iter()
        .filter_map(|f| match f {
            Fact::VarRef { name, .. } => Some(name.to_string()),
            _ => None,
        })
        .collect();
    refers.sort();
    refers.dedup();
    Cached {
        text: own.to_string(),
        interface,
        ns,
        ns_after: glia.vm.current_ns.name.to_string(),
        findings,
        occurrences,
        defines,
        refers,
    }
}

fn relative_fact(fact: &Fact, by: usize) -> Fact {
    let f = |s: Span| unshift(s, by);
    match fact {
        Fact::Local { name, span } => Fact::Local {
            name: name.clone(),
            span: f(*span),
        },
        Fact::LocalRef { at, binding, name } => Fact::LocalRef {
            at: f(*at),
            binding: f(*binding),
            name: name.clone(),
        },
        Fact::VarRef { at, ns, name } => Fact::VarRef {
            at: f(*at),
            ns: ns.clone(),
            name: name.clone(),
        },
        Fact::VarDef { at, ns, name } => Fact::VarDef {
            at: f(*at),
            ns: ns.clone(),
            name: name.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occurrences(text: &str) -> Vec<(String, Target, bool)> {
        let read = glia_syntax::read(text);
        let forms: Vec<&Form> = read.forms.iter().collect();
        let checked = Checker::default().check("t", text, &forms, &mut |_| None);
        checked
            .occurrences
            .into_iter()
            .map(|o| (text[o.span.start..o.span.end].to_string(), o.target, o.def))
            .collect()
    }

    #[test]
    fn locals_resolve_to_their_bindings() {
        let text = "(defn f [x]\n  (let [total (inc x)]\n    (* 2 total)))";
        let found = occurrences(text);
        let total = text.find("total").unwrap();
        assert!(
            found.contains(&(
                "total".into(),
                Target::Local(Span::new(total, total + 5)),
                false
            )),
            "{found:?}"
        );
    }

    fn findings(checker: &mut Checker, text: &str) -> Vec<(String, Option<String>)> {
        let read = glia_syntax::read(text);
        let forms: Vec<&Form> = read.forms.iter().collect();
        let checked = checker.check("t", text, &forms, &mut |_| None);
        checked
            .findings
            .into_iter()
            .map(|f| (f.message, f.hint))
            .collect()
    }

    #[test]
    fn a_form_that_uses_a_name_only_through_a_macro_is_checked_again() {
        let before =
            "(defmacro twice [x] `((area 1) 2 ~x))\n(defn area [w h] (* w h))\n(def t (twice 3))\n";
        let after =
            "(defmacro twice [x] `((area 1) 2 ~x))\ndefn area [w h] (* w h))\n(def t (twice 3))\n";
        let mut incremental = Checker::default();
        findings(&mut incremental, before);
        let edited = findings(&mut incremental, after);
        assert_eq!(edited, findings(&mut Checker::default(), after));
        assert_eq!(incremental.incremental_checks, 1);
    }

    #[test]
    fn a_definition_that_fails_defines_nothing_for_later_forms() {
        let before = "(defn area [w h] (* w h))\n(defn total [x] (xarea x x))\n";
        let after = "(defn area xh)\n(defn total [x] (xarea x x))\n";
        let mut incremental = Checker::default();
        findings(&mut incremental, before);
        let edited = findings(&mut incremental, after);
        assert_eq!(edited, findings(&mut Checker::default(), after));
        assert!(
            edited
                .iter()
                .all(|(_, help)| help.as_deref() != Some("did you mean `area`?")),
            "{edited:?}"
        );
    }
}
