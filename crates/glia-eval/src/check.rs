//! Static diagnostics for `ww check`: what can be found without running
//! the program.
//!
//! Each top-level form is macro-expanded and compiled, not run, so the
//! compiler's own errors surface (unbound symbols, `recur` outside tail
//! position, malformed special forms), and while compiling it notes calls
//! whose argument count no arity of the called fn accepts. Three kinds of
//! form do run, because later forms cannot be understood without them:
//! `ns`/`require`/`in-ns` (namespaces and aliases), `defmacro` (macros
//! expand later forms), and a `def` of a `fn` (so calls to it can be
//! checked; making a closure has no effect). Then `perform`s of keyword
//! effects that no handler in the file takes and the host does not serve
//! are reported, and local bindings whose name the code never uses
//! (`glia::check::unused-binding`: by name, so a binding only shadowed
//! counts as used; names starting with `_` are exempt).

use std::rc::Rc;

use glia_syntax::{Form, FormKind, Span};

use crate::compiler::MAX_EXPANSIONS;
use crate::eval::{Compiled, compile_step};
use crate::value::Value;
use crate::vm::{Answer, Exit};
use crate::{Glia, Source};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One thing `ww check` reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// A stable code: `glia::check::arity`, `glia::error::unbound-symbol`...
    pub code: String,
    pub message: String,
    pub span: Span,
    pub hint: Option<String>,
}

/// Forms that run during a check (see the module's doc).
fn runs_while_checking(form: &Form) -> bool {
    let FormKind::List(items) = &form.kind else {
        return false;
    };
    // Macros expand to qualified names (`glia.core/require`).
    let head = match items.first().map(|f| &f.kind) {
        Some(FormKind::Symbol(s)) if s.ns.is_none() || s.ns.as_deref() == Some(crate::CORE_NS) => {
            Some(s.name.as_str())
        }
        _ => None,
    };
    match head {
        Some("ns" | "require" | "in-ns" | "defmacro" | "use" | "alias" | "refer") => true,
        Some("def") => matches!(
            items.get(2).map(|f| &f.kind),
            Some(FormKind::List(init))
                if matches!(init.first().and_then(Form::as_simple_symbol), Some("fn" | "fn*"))
        ),
        _ => false,
    }
}

/// What the compiler found a symbol of the checked text to mean, or a
/// binding it made: the analysis an editor needs (goto definition,
/// references, rename) with macros expanded as the compiler sees them.
/// Spans are the source's; a fact whose span does not hold the name as
/// written (a binding a macro made up) is the caller's to skip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    /// A local (a `let` name, a parameter, a fn's own name...) is bound here.
    Local { name: Rc<str>, span: Span },
    /// A use of the local `name` bound at `binding`.
    LocalRef {
        at: Span,
        binding: Span,
        name: Rc<str>,
    },
    /// A use of a var (a call, a value, a macro, `#'x`).
    VarRef {
        at: Span,
        ns: Rc<str>,
        name: Rc<str>,
    },
    /// A `def`, `defn`, `defmacro`... of a var.
    VarDef {
        at: Span,
        ns: Rc<str>,
        name: Rc<str>,
    },
}

/// What checking one top-level form found.
#[derive(Debug, Default)]
pub struct FormCheck {
    pub findings: Vec<Finding>,
    pub facts: Vec<Fact>,
}

/// Answers the `:load` effect while checking: the text of a module, by the
/// path `require` asks for (`my/lib.glia`), or `None` if there is none.
pub type Loader<'a> = dyn FnMut(&str) -> Option<String> + 'a;

impl Glia {
    /// The findings for `text`, in source order. `host_effects` are the
    /// keyword effects the embedding serves (a `perform` of one needs no
    /// handler in the file). Forms with syntax errors are reported as such;
    /// the others are still checked. `require`s load modules through `load`.
    pub fn check(
        &mut self,
        name: &str,
        text: &str,
        host_effects: &[&str],
        load: &mut Loader,
    ) -> Vec<Finding> {
        let read = glia_syntax::read(text);
        let syntax = syntax_findings(&read);
        let mut findings = syntax.clone();
        let source = Rc::new(Source::new(name, text));
        let sound: Vec<Form> = read
            .forms
            .iter()
            .filter(|f| !has_error(f.span, &syntax))
            .cloned()
            .collect();
        for form in &sound {
            let checked = self.check_form(&source, form.clone(), load);
            findings.extend(checked.findings);
        }
        findings.extend(file_lints(&sound, host_effects));
        findings.sort_by_key(|f| (f.span.start, f.span.end));
        findings.dedup();
        findings
    }

    /// Checks one top-level form of `source` (after the ones before it):
    /// it is expanded and compiled, and run if it is one of the forms that
    /// run while checking (see the module's doc), `require`s loading
    /// modules through `load`.
    pub fn check_form(&mut self, source: &Rc<Source>, form: Form, load: &mut Loader) -> FormCheck {
        self.vm.start_evaluation();
        self.vm.lints = Some(Vec::new());
        self.vm.facts = Some(Vec::new());
        let mut findings = Vec::new();
        let mut forms = vec![form];
        while let Some(form) = forms.pop() {
            let span = form.span;
            let mut budget = MAX_EXPANSIONS;
            match compile_step(&mut self.vm, source, form, &mut budget) {
                Err(e) => findings.push(finding_of(&e, span)),
                Ok(Compiled::Split(items)) => forms.extend(items.into_iter().rev()),
                Ok(Compiled::Run(closure, expanded)) if runs_while_checking(&expanded) => {
                    // Running may compile more (a module's forms): only
                    // this text's facts are kept.
                    let facts = self.vm.facts.take();
                    let lints = self.vm.lints.take();
                    let mut missing = None;
                    if let Err(message) = self.run_checking(&Value::Fn(closure), load, &mut missing)
                    {
                        findings.push(match missing {
                            Some(path) => Finding {
                                severity: Severity::Error,
                                code: "glia::check::unknown-namespace".into(),
                                message: format!(
                                    "no such namespace: there is no file {path} to load it from"
                                ),
                                span: expanded.span,
                                hint: Some(format!(
                                    "create {path} (under the project's root), or fix the namespace's name"
                                )),
                            },
                            None => Finding {
                                severity: Severity::Warning,
                                code: "glia::check::not-loaded".into(),
                                message: format!("this form failed while checking: {message}"),
                                span: expanded.span,
                                hint: Some(
                                    "checking runs ns, require and defmacro forms; later findings may be missing"
                                        .into(),
                                ),
                            },
                        });
                    }
                    self.vm.facts = facts;
                    self.vm.lints = lints;
                }
                Ok(Compiled::Run(..)) => {}
            }
        }
        findings.extend(self.vm.lints.take().unwrap_or_default());
        FormCheck {
            findings,
            facts: self.vm.facts.take().unwrap_or_default(),
        }
    }

    /// Runs `f`, answering `:load` through `load` and no other effect;
    /// `missing` is set to a path `load` had no text for.
    fn run_checking(
        &mut self,
        f: &Value,
        load: &mut Loader,
        missing: &mut Option<String>,
    ) -> Result<(), String> {
        let mut exit = self.vm.call_host(f, Vec::new());
        loop {
            match exit.map_err(|ex| ex.message())? {
                Exit::Done(_) => return Ok(()),
                Exit::Effect { target, data } => {
                    let answer = match (&target, &data) {
                        (Value::Keyword(k), Value::Str(path))
                            if k.ns().is_none() && k.name() == "load" =>
                        {
                            match load(path) {
                                Some(text) => Answer::Value(Value::str(text)),
                                None => {
                                    *missing = Some(path.to_string());
                                    Answer::Unhandled
                                }
                            }
                        }
                        _ => Answer::Unhandled,
                    };
                    exit = self.vm.answer_host(answer);
                }
            }
        }
    }
}

/// The reader's errors as findings.
pub fn syntax_findings(read: &glia_syntax::Read) -> Vec<Finding> {
    read.errors
        .iter()
        .map(|e| Finding {
            severity: Severity::Error,
            code: e.kind.code().to_string(),
            message: e.message.clone(),
            span: e.span,
            hint: e.hint.clone(),
        })
        .collect()
}

/// Whether a form at `span` holds a syntax error (it is not compiled: its
/// repaired text is not what the user wrote).
pub fn has_error(span: Span, syntax: &[Finding]) -> bool {
    syntax.iter().any(|e| {
        e.span.start < span.end.max(span.start + 1) && span.start < e.span.end.max(e.span.start + 1)
    })
}

/// The lints over a whole file's forms: unhandled effects and unused
/// bindings.
pub fn file_lints(forms: &[Form], host_effects: &[&str]) -> Vec<Finding> {
    let mut findings = unhandled_effects(forms, host_effects);
    findings.extend(unused_bindings(forms));
    findings
}

pub(crate) fn finding_of(e: &crate::Error, fallback: Span) -> Finding {
    Finding {
        severity: Severity::Error,
        code: format!("glia::error::{}", e.ty.name()),
        message: e.message.clone(),
        span: e.span.unwrap_or(fallback),
        hint: e.hint.clone(),
    }
}

/// `perform`s of keyword effects that nothing in the file handles and the
/// host does not serve.
pub fn unhandled_effects(forms: &[Form], host_effects: &[&str]) -> Vec<Finding> {
    let mut performed: Vec<(String, Span)> = Vec::new();
    let mut handled: Vec<String> = Vec::new();
    for f in every_form(forms) {
        let FormKind::List(items) = &f.kind else {
            continue;
        };
        match items.first().and_then(Form::as_simple_symbol) {
            Some("perform") => {
                if let Some(k) = items.get(1).and_then(keyword_name) {
                    performed.push((k, items[1].span));
                }
            }
            Some("with-effect-handler") => handled.extend(items.get(1).and_then(keyword_name)),
            Some("handle") => {
                if let Some(FormKind::Vector(pairs)) = items.get(1).map(|x| &x.kind) {
                    handled.extend(pairs.iter().step_by(2).filter_map(keyword_name));
                }
            }
            _ => {}
        }
    }
    performed
        .into_iter()
        .filter(|(k, _)| {
            !handled.contains(k) && !host_effects.contains(&k.as_str()) && k != "glia.exception"
        })
        .map(|(k, span)| Finding {
            severity: Severity::Warning,
            code: "glia::check::unhandled-effect".into(),
            message: format!("nothing handles the effect :{k}"),
            span,
            hint: Some(format!(
                "install a handler around the code that performs it: (with-effect-handler :{k} (fn [data k] (k ...)) ...)"
            )),
        })
        .collect()
}

/// The names a binding pattern binds, with their spans: a symbol, or the
/// symbols inside a vector or map destructuring (`:keys [a b]`, `:as x`).
fn bound_names<'f>(pattern: &'f Form, out: &mut Vec<(&'f str, Span)>) {
    match &pattern.kind {
        FormKind::Symbol(s) if s.ns.is_none() && s.name != "&" => out.push((&s.name, pattern.span)),
        FormKind::Vector(items) => items.iter().for_each(|p| bound_names(p, out)),
        FormKind::Map(pairs) => {
            for (k, v) in pairs {
                match (&k.kind, &v.kind) {
                    // {:keys [a b]}, {:strs [...]}, {:syms [...]}
                    (FormKind::Keyword(_), FormKind::Vector(names)) => {
                        names.iter().for_each(|p| bound_names(p, out))
                    }
                    // {:as all}
                    (FormKind::Keyword(kw), _) if kw.name == "as" => bound_names(v, out),
                    // {:or {...}} binds nothing new
                    (FormKind::Keyword(_), _) => {}
                    // {a :a, [x y] :pair}
                    _ => bound_names(k, out),
                }
            }
        }
        _ => {}
    }
}

/// Every form in `roots`, at any depth (metadata included).
fn every_form<'f>(roots: impl IntoIterator<Item = &'f Form>) -> Vec<&'f Form> {
    let mut todo: Vec<&Form> = roots.into_iter().collect();
    let mut out = Vec::new();
    while let Some(f) = todo.pop() {
        out.push(f);
        match &f.kind {
            FormKind::List(items) | FormKind::Vector(items) | FormKind::Set(items) => {
                todo.extend(items.iter())
            }
            FormKind::Map(pairs) => {
                for (k, v) in pairs {
                    todo.push(k);
                    todo.push(v);
                }
            }
            _ => {}
        }
        if let Some(m) = &f.meta {
            todo.push(m);
        }
    }
    out
}

/// A keyword's name as an effect: `ns/name` or `name` (`::auto` ones are
/// not compared).
fn keyword_name(f: &Form) -> Option<String> {
    match &f.kind {
        FormKind::Keyword(k) if !k.auto_resolve => Some(match &k.ns {
            Some(ns) => format!("{ns}/{}", k.name),
            None => k.name.clone(),
        }),
        _ => None,
    }
}

fn unused(names: &[(&str, Span)], scope: &[&Form]) -> Vec<Finding> {
    let used: Vec<&str> = every_form(scope.iter().copied())
        .into_iter()
        .filter_map(|f| match &f.kind {
            FormKind::Symbol(s) => Some(&*s.name),
            _ => None,
        })
        .collect();
    names
        .iter()
        .filter(|(n, _)| !n.starts_with('_') && !used.contains(n))
        .map(|(n, span)| Finding {
            severity: Severity::Warning,
            code: "glia::check::unused-binding".into(),
            message: format!("`{n}` is bound but never used"),
            span: *span,
            hint: Some(format!(
                "remove it, or name it `_{n}` to say it is unused on purpose"
            )),
        })
        .collect()
}

/// Local bindings (`let`, `loop`, `if-let`..., `for`, `doseq`, fn
/// parameters) whose names the code in their scope never mentions.
pub fn unused_bindings(forms: &[Form]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for f in every_form(forms) {
        let FormKind::List(items) = &f.kind else {
            continue;
        };
        match items.first().and_then(Form::as_simple_symbol) {
            Some(
                "let" | "let*" | "loop" | "loop*" | "when-let" | "if-let" | "when-some" | "if-some"
                | "for" | "doseq" | "dotimes" | "when-first",
            ) => {
                if let Some(FormKind::Vector(bs)) = items.get(1).map(|x| &x.kind) {
                    // Each binding's scope: the inits after it and the body.
                    for (i, pair) in bs.chunks(2).enumerate() {
                        if matches!(pair[0].kind, FormKind::Keyword(_)) {
                            continue; // :when, :let, :while
                        }
                        let mut names = Vec::new();
                        bound_names(&pair[0], &mut names);
                        // (An odd binding vector's last name has no init.)
                        let later = bs.get(2 * i + 2..).unwrap_or(&[]);
                        let scope: Vec<&Form> = later.iter().chain(&items[2..]).collect();
                        findings.extend(unused(&names, &scope));
                    }
                }
            }
            Some("fn" | "fn*" | "defn" | "defn-") => {
                let mut rest: &[Form] = &items[1..];
                // The name, docstring and attr-map before the arities.
                while let Some(first) = rest.first()
                    && matches!(
                        first.kind,
                        FormKind::Symbol(_) | FormKind::Str(_) | FormKind::Map(_)
                    )
                {
                    rest = &rest[1..];
                }
                let arities: Vec<&[Form]> = match rest.first().map(|x| &x.kind) {
                    Some(FormKind::Vector(_)) => vec![rest],
                    _ => rest
                        .iter()
                        .filter_map(|a| match &a.kind {
                            FormKind::List(arity) => Some(arity.as_slice()),
                            _ => None,
                        })
                        .collect(),
                };
                for arity in arities {
                    if let Some(params) = arity.first() {
                        let mut names = Vec::new();
                        bound_names(params, &mut names);
                        let scope: Vec<&Form> = arity[1..].iter().collect();
                        findings.extend(unused(&names, &scope));
                    }
                }
            }
            _ => {}
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks `text`'s forms, in order, in one fresh session: each form's
    /// facts.
    fn facts(text: &str) -> Vec<Vec<Fact>> {
        let mut glia = crate::Glia::new();
        let source = Rc::new(Source::new("t.glia", text));
        glia_syntax::read(text)
            .forms
            .into_iter()
            .map(|form| glia.check_form(&source, form, &mut |_| None).facts)
            .collect()
    }

    #[test]
    fn a_library_definition_loaded_by_a_check_leaves_no_facts_in_it() {
        // `defn` is compiled from core.glia the first time a form uses it:
        // its definition's facts (spans in core.glia) are not this text's.
        let first = &facts("(defn f [x] x)")[0];
        assert!(
            first.iter().all(|f| !matches!(
                f,
                Fact::VarDef { name, .. } | Fact::Local { name, .. } if &**name == "defn" || &**name == "&form"
            )),
            "{first:?}"
        );
        // The same form checked after `defn` is loaded: the same facts.
        assert_eq!(first.len(), facts("(defn g [x] x) (defn f [x] x)")[1].len());
    }
}
