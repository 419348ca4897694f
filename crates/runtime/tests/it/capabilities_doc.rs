//! `doc/capabilities.md` lists every interface and method of the schemas in
//! `schema/`: its reference block is generated here, and the test fails
//! when the file no longer matches the schemas.
//! `UPDATE_DOCS=1 cargo test --test it capabilities_doc` rewrites the
//! block instead.
//!
//! What the schemas declare (files, interfaces, ids, ordinals, parameter
//! and result fields) is read from the `CodeGeneratorRequest` the build
//! script compiled (`schemas.bin`, which `runtime::schema` reads too), and
//! each method's Glia keyword from a Glia capability value the bindings'
//! registry makes, so the page says what Glia accepts. Comments are read
//! from the `.capnp` text: the compiler keeps doc comments, but by Cap'n
//! Proto's convention a doc comment follows its declaration, while these
//! schemas write theirs above it, so the compiler pins each one to the
//! wrong member (the first method's comment becomes the interface's).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use capnp::schema_capnp::{code_generator_request, field, node, type_};
use glia_eval::Value;
use runtime::bindings::Registry;
use runtime::membrane::Epoch;

use crate::common::repo_root;

/// The schemas as the build script compiled them.
const COMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/schemas.bin"));

const DOC: &str = "doc/capabilities.md";
const BEGIN: &str = "<!-- generated: from schema/*.capnp by crates/runtime/tests/it/capabilities_doc.rs; do not edit by hand, run `UPDATE_DOCS=1 cargo test --test it capabilities_doc` -->";
const END: &str = "<!-- end generated -->";

/// Lines of a difference shown before the rest is counted.
const HINT_LINES: usize = 40;

#[test]
fn capabilities_doc_matches_the_schemas() {
    let root = repo_root();
    let path = root.join(DOC);
    let doc = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let (before, rest) = doc
        .split_once(BEGIN)
        .unwrap_or_else(|| panic!("{DOC} has lost its marker line {BEGIN}"));
    let (old, after) = rest
        .split_once(END)
        .unwrap_or_else(|| panic!("{DOC} has lost its marker line {END}"));
    let block = format!(
        "\n\n{}\n",
        generate(&root.join("schema")).expect("the compiled schemas are readable")
    );
    if block == old {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| !v.is_empty()) {
        std::fs::write(&path, format!("{before}{BEGIN}{block}{END}{after}"))
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    panic!(
        "{DOC} does not match the schemas in schema/: run `UPDATE_DOCS=1 cargo test --test it capabilities_doc` and commit the result.\nLines only in {DOC} (-) and only in what the schemas give (+):\n{}",
        differences(old, &block)
    );
}

/// The lines of `old` that `new` lacks (`-`) and the reverse (`+`): the
/// rows of the tables are whole lines, so this names the methods that
/// changed.
fn differences(old: &str, new: &str) -> String {
    let only = |a: &str, b: &str, sign: char| -> Vec<String> {
        a.lines()
            .filter(|line| !line.is_empty() && !b.lines().any(|other| other == *line))
            .map(|line| format!("{sign} {line}"))
            .collect()
    };
    let mut lines = only(old, new, '-');
    lines.extend(only(new, old, '+'));
    let more = lines.len().saturating_sub(HINT_LINES);
    lines.truncate(HINT_LINES);
    if more > 0 {
        lines.push(format!("... and {more} more"));
    }
    lines.join("\n")
}

/// The compiled schemas' nodes, by id.
type Nodes<'a> = HashMap<u64, node::Reader<'a>>;

/// The reference block: for each schema file, its comment, then each
/// interface's id, comment, where it comes from and a table of its methods,
/// then the file's structs and enums.
fn generate(schema_dir: &Path) -> capnp::Result<String> {
    // Copied into owned segments: `include_bytes!` data is not word-aligned.
    let message = capnp::serialize::read_message(COMPILED, capnp::message::ReaderOptions::new())?;
    let request = message.get_root::<code_generator_request::Reader>()?;
    let nodes: Nodes<'_> = request
        .get_nodes()?
        .iter()
        .map(|n| (n.get_id(), n))
        .collect();
    let mut files = Vec::new();
    for file in request.get_requested_files()? {
        files.push((file.get_filename()?.to_str()?.to_owned(), file.get_id()));
    }
    files.sort();

    let mut declared = Vec::new();
    for (_, id) in &files {
        declared.push(nested(&nodes, *id)?);
    }
    let all: Vec<_> = declared.iter().flatten().copied().collect();
    let returned_by = returned_by(&nodes, &all)?;

    let mut out = String::new();
    for ((filename, _), declared) in files.iter().zip(&declared) {
        let path = schema_dir.join(filename);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let source = Source {
            filename,
            lines: text.lines().collect(),
        };
        writeln!(out, "## `{filename}`\n").unwrap();
        let file_id = source.find(0, "the file id", |l| l.trim_start().starts_with("@0x"));
        paragraphs(&mut out, &source.comment_above(file_id));

        let mut types = Vec::new();
        for node in declared {
            let name = name(node)?;
            match node.which()? {
                node::Interface(_) => {
                    let returned = returned_by.get(&node.get_id()).map(Vec::as_slice);
                    interface(&mut out, &nodes, &source, node, returned)?;
                }
                node::Struct(_) => types.push(format!(
                    "struct `{name} {}`",
                    fields(&nodes, node.get_id())?
                )),
                node::Enum(e) => {
                    let mut names = Vec::new();
                    for enumerant in e.get_enumerants()? {
                        names.push(enumerant.get_name()?.to_str()?.to_owned());
                    }
                    types.push(format!("enum `{name} ({})`", names.join(", ")));
                }
                _ => {}
            }
        }
        if !types.is_empty() {
            writeln!(out, "Types: {}.\n", types.join("; ")).unwrap();
        }
    }
    // The block ends on one newline, however the last section ended.
    out.truncate(out.trim_end().len());
    out.push('\n');
    Ok(out)
}

/// An interface's section: its comment, id, where it comes from, and a
/// row per method.
fn interface(
    out: &mut String,
    nodes: &Nodes<'_>,
    source: &Source<'_>,
    node: &node::Reader<'_>,
    returned_by: Option<&[String]>,
) -> capnp::Result<()> {
    let node::Interface(interface) = node.which()? else {
        return Ok(());
    };
    let name = name(node)?;
    let short = &name[name.rfind('.').map_or(0, |i| i + 1)..];
    let at = source.find(0, &name, |l| declares(l, "interface", short));
    writeln!(out, "### `{name}`\n").unwrap();
    paragraphs(out, &source.comment_above(at));
    let from = match returned_by {
        Some(methods) => format!("Returned by {}.", methods.join(", ")),
        None => "Returned by no method: it is held from the start, as a grant or a connection's bootstrap.".to_owned(),
    };
    writeln!(out, "Id `{:#018x}`. {from}\n", node.get_id()).unwrap();
    writeln!(
        out,
        "| @ | method | Glia | params | results | what it does |\n|---|---|---|---|---|---|"
    )
    .unwrap();
    let keywords = glia_keywords(node.get_id());
    for (ordinal, method) in interface.get_methods()?.iter().enumerate() {
        let method_name = method.get_name()?.to_str()?;
        let ordinal_text = format!("@{ordinal}");
        let line = source.find(at, &format!("{name}.{method_name}"), |l| {
            declares(l, method_name, &ordinal_text)
        });
        writeln!(
            out,
            "| {ordinal} | `{method_name}` | `{}` | `{}` | `{}` | {} |",
            keywords[ordinal],
            struct_shape(nodes, method.get_param_struct_type())?,
            struct_shape(nodes, method.get_result_struct_type())?,
            cell(&source.comment_above(line)),
        )
        .unwrap();
    }
    out.push('\n');
    Ok(())
}

/// A schema file's text, where declarations and their comments are found.
struct Source<'a> {
    filename: &'a str,
    lines: Vec<&'a str>,
}

impl Source<'_> {
    /// The first line from line `from` on that is `what`'s declaration;
    /// panics, naming `what`, without one.
    fn find(&self, from: usize, what: &str, declaration: impl Fn(&str) -> bool) -> usize {
        self.lines[from..]
            .iter()
            .position(|l| declaration(l))
            .map(|i| from + i)
            .unwrap_or_else(|| panic!("{}: cannot find the declaration of {what}", self.filename))
    }

    /// The comment lines right above line `at`, without their `#`; an
    /// empty line for a bare `#`.
    fn comment_above(&self, at: usize) -> Vec<String> {
        let mut out: Vec<String> = self.lines[..at]
            .iter()
            .rev()
            .map_while(|l| l.trim_start().strip_prefix('#'))
            .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end().to_owned())
            .collect();
        out.reverse();
        out
    }
}

/// The nodes declared in node `id` (a file), at any depth, in the order
/// of the source.
fn nested<'a>(nodes: &Nodes<'a>, id: u64) -> capnp::Result<Vec<node::Reader<'a>>> {
    let mut out = Vec::new();
    let Some(node) = nodes.get(&id) else {
        return Ok(out);
    };
    for child in node.get_nested_nodes()? {
        if let Some(child) = nodes.get(&child.get_id()) {
            out.push(*child);
            out.extend(nested(nodes, child.get_id())?);
        }
    }
    Ok(out)
}

/// For each interface, the methods (`Host.listen`) whose results hold it
/// directly or in a list: where a holder gets one.
fn returned_by(
    nodes: &Nodes<'_>,
    declared: &[node::Reader<'_>],
) -> capnp::Result<HashMap<u64, Vec<String>>> {
    let mut out: HashMap<u64, Vec<String>> = HashMap::new();
    for node in declared {
        let node::Interface(interface) = node.which()? else {
            continue;
        };
        let name = name(node)?;
        for method in interface.get_methods()? {
            let Some(results) = nodes.get(&method.get_result_struct_type()) else {
                continue;
            };
            let node::Struct(st) = results.which()? else {
                continue;
            };
            for f in st.get_fields()? {
                let field::Slot(slot) = f.which()? else {
                    continue;
                };
                let mut ty = slot.get_type()?;
                if let type_::List(list) = ty.which()? {
                    ty = list.get_element_type()?;
                }
                if let type_::Interface(i) = ty.which()? {
                    let entry = out.entry(i.get_type_id()).or_default();
                    let caller = format!("`{name}.{}`", method.get_name()?.to_str()?);
                    if !entry.contains(&caller) {
                        entry.push(caller);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The keywords Glia calls the methods of interface `id` by, in ordinal
/// order: those of the capability value Glia gets for one.
fn glia_keywords(id: u64) -> Vec<String> {
    let mut registry = Registry::new(&Epoch::new());
    // Only the value's methods are looked at, never called.
    let client = capnp_rpc::new_broken_cap(capnp::Error::failed("never called".into()));
    let Value::Cap(cap) = registry.value(client, Some(id)) else {
        panic!("the registry made a capability value that is not a capability");
    };
    cap.origin.methods.iter().map(ToString::to_string).collect()
}

/// A declaration's name within its file (`Host`, `Outer.Inner`).
fn name(node: &node::Reader<'_>) -> capnp::Result<String> {
    let display = node.get_display_name()?.to_str()?;
    Ok(display
        .split_once(':')
        .map_or(display, |(_, name)| name)
        .to_owned())
}

/// A method's parameters or results as the schema writes them: the
/// fields of the struct the compiler made for a list (`(key :Text)`), or
/// the name of a struct given instead.
fn struct_shape(nodes: &Nodes<'_>, id: u64) -> capnp::Result<String> {
    match nodes.get(&id) {
        // A struct made for a method's list is not in any scope.
        Some(node) if node.get_scope_id() == 0 => fields(nodes, id),
        Some(node) => name(node),
        None => Ok(format!("{id:#x}")),
    }
}

/// A struct's fields in declaration order: `(name :Text, cap :Capability)`.
fn fields(nodes: &Nodes<'_>, id: u64) -> capnp::Result<String> {
    let Some(node::Struct(st)) = nodes.get(&id).map(|n| n.which()).transpose()? else {
        return Ok(format!("{id:#x}"));
    };
    let mut declared: Vec<_> = st.get_fields()?.iter().collect();
    declared.sort_by_key(|f| f.get_code_order());
    let mut out = Vec::new();
    for f in declared {
        let name = f.get_name()?.to_str()?;
        out.push(match f.which()? {
            field::Slot(slot) => format!("{name} :{}", type_name(nodes, slot.get_type()?)?),
            field::Group(group) => format!("{name} {}", fields(nodes, group.get_type_id())?),
        });
    }
    Ok(format!("({})", out.join(", ")))
}

/// A type as the schema language writes it (`List(Text)`, `PeerInfo`,
/// `Capability` for any capability).
fn type_name(nodes: &Nodes<'_>, ty: type_::Reader<'_>) -> capnp::Result<String> {
    use type_::any_pointer::{Which as Pointer, unconstrained::Which as Unconstrained};
    let named = |id: u64| nodes.get(&id).map_or(Ok(format!("{id:#x}")), name);
    Ok(match ty.which()? {
        type_::Void(()) => "Void".into(),
        type_::Bool(()) => "Bool".into(),
        type_::Int8(()) => "Int8".into(),
        type_::Int16(()) => "Int16".into(),
        type_::Int32(()) => "Int32".into(),
        type_::Int64(()) => "Int64".into(),
        type_::Uint8(()) => "UInt8".into(),
        type_::Uint16(()) => "UInt16".into(),
        type_::Uint32(()) => "UInt32".into(),
        type_::Uint64(()) => "UInt64".into(),
        type_::Float32(()) => "Float32".into(),
        type_::Float64(()) => "Float64".into(),
        type_::Text(()) => "Text".into(),
        type_::Data(()) => "Data".into(),
        type_::List(list) => format!("List({})", type_name(nodes, list.get_element_type()?)?),
        type_::Enum(e) => named(e.get_type_id())?,
        type_::Struct(s) => named(s.get_type_id())?,
        type_::Interface(i) => named(i.get_type_id())?,
        type_::AnyPointer(pointer) => match pointer.which()? {
            Pointer::Unconstrained(u) => match u.which()? {
                Unconstrained::AnyKind(()) => "AnyPointer".into(),
                Unconstrained::Struct(()) => "AnyStruct".into(),
                Unconstrained::List(()) => "AnyList".into(),
                Unconstrained::Capability(()) => "Capability".into(),
            },
            // A generic parameter is, on the wire, any pointer.
            Pointer::Parameter(_) | Pointer::ImplicitMethodParameter(_) => "AnyPointer".into(),
        },
    })
}

/// Whether `line` declares `what` followed by `name`: `interface Host`,
/// or a method's `id @0` (not a field's `id @0 :Text`).
fn declares(line: &str, what: &str, name: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix(what) else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix(name) else {
        return false;
    };
    match rest.chars().next() {
        None => true,
        Some(c) if c.is_alphanumeric() || c == '_' => false,
        Some(_) => !rest.trim_start().starts_with(':'),
    }
}

/// A comment as Markdown paragraphs (the schemas' comments are Markdown
/// already), if there is one.
fn paragraphs(out: &mut String, comment: &[String]) {
    if !comment.is_empty() {
        writeln!(out, "{}\n", comment.join("\n")).unwrap();
    }
}

/// A comment in a table cell, which must be one line: a list item, a new
/// paragraph, or the text after a list (back at the comment's margin)
/// starts on a new line of the cell.
fn cell(comment: &[String]) -> String {
    let mut out = String::new();
    let mut in_list = false;
    for line in comment {
        let item = line.starts_with("- ");
        let after_list = in_list && !line.starts_with(' ');
        if !out.is_empty() {
            let new_line = line.is_empty() || item || after_list;
            out.push_str(if new_line { "<br>" } else { " " });
        }
        in_list = item || (in_list && !after_list);
        out.push_str(&line.trim_start().replace('|', "\\|"));
    }
    out
}
