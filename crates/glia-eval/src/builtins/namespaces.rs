//! Namespaces as the program sees them: `require`'s primitives (loading
//! a module's source form by form, aliases, refers), `resolve`,
//! `ns-publics` and friends. A namespace is named by a symbol.

use std::rc::Rc;

use glia_syntax::Form;

use super::{Builtin, expected, pure, string_arg, with_vm};
use crate::error::{Error, ErrorType};
use crate::eval::{Compiled, compile_step};
use crate::namespace::Var;
use crate::value::{Map, Value};
use crate::vm::Vm;

/// A module being loaded: its forms not compiled yet, the next last.
#[derive(Debug)]
pub struct Load {
    source: Rc<crate::Source>,
    forms: Vec<Form>,
}

/// The modules of the standard library, embedded in the binary: their
/// namespace, file name and text.
const STDLIB: &[(&str, &str, &str)] = &[
    (
        "glia.set",
        "glia/set.glia",
        include_str!("../../../../stdlib/glia/set.glia"),
    ),
    (
        "glia.test",
        "glia/test.glia",
        include_str!("../../../../stdlib/glia/test.glia"),
    ),
    (
        "glia.json",
        "glia/json.glia",
        include_str!("../../../../stdlib/glia/json.glia"),
    ),
    (
        "glia.policy",
        "glia/policy.glia",
        include_str!("../../../../stdlib/glia/policy.glia"),
    ),
];

/// The embedded modules loaded by `require` (not the core's parts).
pub fn stdlib_modules() -> &'static [(&'static str, &'static str, &'static str)] {
    STDLIB
}

fn ns_symbol(v: &Value, fname: &str) -> Result<Rc<str>, Error> {
    match v {
        Value::Symbol(s) if s.ns.is_none() => Ok(crate::namespace::canonical(&s.name)),
        other => Err(expected("a namespace name (a symbol)", fname, other)),
    }
}

/// `(--stdlib-source 'glia.set)`: an embedded module's text, or nil.
fn stdlib_source(a: &mut [Value]) -> Result<Value, Error> {
    let name = ns_symbol(&a[0], "--stdlib-source")?;
    Ok(STDLIB
        .iter()
        .find(|(n, _, _)| **n == *name)
        .map_or(Value::Nil, |(_, _, text)| Value::str(*text)))
}

/// Where `offset` is in `text`, as `line:column`.
fn position(text: &str, offset: usize) -> String {
    let (line, column) = crate::report::line_col(text, offset);
    format!("{line}:{column}")
}

/// `(--load-begin "name" text)`: reads a module; returns a handle for
/// `--load-next`.
fn load_begin(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    let name = string_arg(&a[0], "load")?;
    let bytes;
    let body = match &a[1] {
        Value::Bytes(b) => {
            bytes = String::from_utf8(b.to_vec())
                .map_err(|_| Error::illegal_argument(format!("{name} is not UTF-8 text")))?;
            bytes.as_str()
        }
        other => string_arg(other, "load")?,
    };
    let read = glia_syntax::read(body);
    if let Some(e) = read.errors.first() {
        return Err(Error::new(
            ErrorType::Syntax,
            format!("{name}:{}: {}", position(body, e.span.start), e.message),
        ));
    }
    let mut forms = read.forms;
    forms.reverse();
    let load = Load {
        source: Rc::new(crate::Source::new(name, body)),
        forms,
    };
    Ok(Value::Int(vm.begin_load(load)))
}

/// `(--load-next handle)`: the module's next top-level form, compiled to
/// a fn of no arguments; nil at the end.
fn load_next(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    let Value::Int(id) = a[0] else {
        return Err(expected("a load handle", "--load-next", &a[0]));
    };
    loop {
        let Some(load) = vm.load_mut(id) else {
            return Ok(Value::Nil);
        };
        let Some(form) = load.forms.pop() else {
            vm.end_load(id);
            return Ok(Value::Nil);
        };
        let source = load.source.clone();
        let mut budget = crate::compiler::MAX_EXPANSIONS;
        match compile_step(vm, &source, form, &mut budget) {
            Ok(Compiled::Run(c, _)) => return Ok(Value::Fn(c)),
            Ok(Compiled::Split(items)) => {
                if let Some(load) = vm.load_mut(id) {
                    load.forms.extend(items.into_iter().rev());
                }
            }
            Err(mut e) => {
                vm.end_load(id);
                if let Some(span) = e.span.take() {
                    e.message = format!(
                        "{}:{}: {}",
                        source.name,
                        position(&source.text, span.start),
                        e.message
                    );
                }
                return Err(e);
            }
        }
    }
}

/// `(--compile form)`: `form` (data) compiled, in the current namespace,
/// into a fn of no arguments; `eval` calls it.
fn compile(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    let source = Rc::new(crate::Source::new("eval", ""));
    let form =
        crate::convert::value_to_form(&a[0], glia_syntax::Span::default(), &Default::default())?;
    let mut budget = crate::compiler::MAX_EXPANSIONS;
    let mut compiler = crate::compiler::Compiler::new(vm, source.clone());
    let form = compiler
        .macroexpand_all(&form, &mut budget)?
        .unwrap_or(form);
    crate::compiler::Compiler::new(vm, source)
        .compile_toplevel(&form)
        .map(Value::Fn)
}

fn find_ns(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    let name = ns_symbol(&a[0], "find-ns")?;
    Ok(match vm.namespaces.get(&name) {
        Some(_) => Value::symbol(None, &name),
        None => Value::Nil,
    })
}

fn create_ns(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    let name = ns_symbol(&a[0], "create-ns")?;
    vm.namespaces.get_or_create(&name);
    Ok(Value::symbol(None, &name))
}

fn all_ns(vm: &mut Vm, _: Vec<Value>) -> Result<Value, Error> {
    let mut names: Vec<&Rc<str>> = vm.namespaces.table.keys().collect();
    names.sort();
    Ok(Value::list(
        names
            .into_iter()
            .map(|n| Value::symbol(None, n))
            .collect::<Vec<_>>(),
    ))
}

fn ns_name(a: &mut [Value]) -> Result<Value, Error> {
    Ok(Value::symbol(None, &ns_symbol(&a[0], "ns-name")?))
}

/// A namespace's own vars, as a map from symbol to var; `all`: private
/// ones too.
fn interns(vm: &mut Vm, v: &Value, fname: &str, all: bool) -> Result<Value, Error> {
    let name = ns_symbol(v, fname)?;
    vm.load_namespace(&name)?;
    let ns = vm
        .namespaces
        .get(&name)
        .ok_or_else(|| no_namespace(&name))?;
    let mut out = Map::default();
    for (sym, var) in ns.mappings.borrow().iter() {
        if *var.ns == *name && (all || !is_private(var)) {
            out.insert(Value::symbol(None, sym), Value::Var(var.clone()));
        }
    }
    Ok(Value::Map(Rc::new(out)))
}

fn is_private(var: &Var) -> bool {
    match &*var.meta.borrow() {
        Some(Value::Map(m)) => m
            .get(&Value::keyword(None, "private"))
            .is_some_and(Value::is_truthy),
        _ => false,
    }
}

fn no_namespace(name: &str) -> Error {
    Error::new(
        ErrorType::IllegalArgument,
        format!("no namespace `{name}` is loaded"),
    )
    .with_hint(format!("load it first: (require '{name})"))
}

fn ns_publics(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    interns(vm, &a[0], "ns-publics", false)
}

fn ns_interns(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    interns(vm, &a[0], "ns-interns", true)
}

fn ns_aliases(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    let name = ns_symbol(&a[0], "ns-aliases")?;
    let ns = vm
        .namespaces
        .get(&name)
        .ok_or_else(|| no_namespace(&name))?;
    let mut out = Map::default();
    for (alias, target) in ns.aliases.borrow().iter() {
        out.insert(Value::symbol(None, alias), Value::symbol(None, target));
    }
    Ok(Value::Map(Rc::new(out)))
}

/// `(resolve 'sym)`: the var `sym` names in the current namespace, or nil.
fn resolve(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    match &a[0] {
        Value::Symbol(s) => match vm.resolve_var(s.ns.as_deref(), &s.name) {
            Some(var) => {
                vm.ensure_loaded(&var)?;
                Ok(Value::Var(var))
            }
            None => Ok(Value::Nil),
        },
        other => Err(expected("a symbol", "resolve", other)),
    }
}

/// `(--alias 'str 'glia.string)`: `str/x` names `glia.string/x` in the
/// current namespace.
fn alias(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    let alias = ns_symbol(&a[0], "alias")?;
    let target = ns_symbol(&a[1], "alias")?;
    if vm.namespaces.get(&target).is_none() {
        return Err(no_namespace(&target));
    }
    vm.current_ns.aliases.borrow_mut().insert(alias, target);
    Ok(Value::Nil)
}

/// `(--refer 'glia.set names)`: the named public vars of a namespace (all
/// of them for `:all`) become plain names in the current one.
fn refer(vm: &mut Vm, a: Vec<Value>) -> Result<Value, Error> {
    let name = ns_symbol(&a[0], "refer")?;
    let ns = vm
        .namespaces
        .get(&name)
        .ok_or_else(|| no_namespace(&name))?;
    let wanted: Option<Vec<Rc<str>>> = match &a[1] {
        Value::Keyword(k) if k.name() == "all" => None,
        names => Some(
            super::seq_items(names)?
                .iter()
                .map(|n| match n {
                    Value::Symbol(s) if s.ns.is_none() => Ok(s.name.clone()),
                    other => Err(expected("symbols to refer", "refer", other)),
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    let mappings = ns.mappings.borrow();
    let own = |v: &Rc<Var>| *v.ns == *name && !is_private(v);
    let chosen: Vec<(Rc<str>, Rc<Var>)> = match wanted {
        None => mappings
            .iter()
            .filter(|(_, v)| own(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        Some(names) => names
            .into_iter()
            .map(|n| match mappings.get(&n).filter(|v| own(v)) {
                Some(v) => Ok((n, v.clone())),
                None => Err(Error::new(
                    ErrorType::IllegalArgument,
                    format!("`{n}` is not a public var of `{name}`"),
                )
                .with_hint(format!("see what it has: (keys (ns-publics '{name}))"))),
            })
            .collect::<Result<_, _>>()?,
    };
    drop(mappings);
    let mut here = vm.current_ns.mappings.borrow_mut();
    for (n, v) in chosen {
        here.insert(n, v);
    }
    Ok(Value::Nil)
}

pub static BUILTINS: &[Builtin] = &[
    pure("--stdlib-source", 1, 1, stdlib_source),
    with_vm("--load-begin", 2, 2, load_begin),
    with_vm("--load-next", 1, 1, load_next),
    with_vm("--compile", 1, 1, compile).realizing(super::realize::all_deep),
    with_vm("--alias", 2, 2, alias),
    with_vm("--refer", 2, 2, refer),
    with_vm("find-ns", 1, 1, find_ns),
    with_vm("create-ns", 1, 1, create_ns),
    with_vm("all-ns", 0, 0, all_ns),
    pure("ns-name", 1, 1, ns_name),
    with_vm("ns-publics", 1, 1, ns_publics),
    with_vm("ns-interns", 1, 1, ns_interns),
    with_vm("ns-aliases", 1, 1, ns_aliases),
    with_vm("resolve", 1, 1, resolve),
];
