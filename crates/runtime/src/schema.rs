//! The Rust code generated from the Cap'n Proto schemas in `schema/` (by the
//! build script), and the schemas' interfaces and methods by name.
//!
//! Each file becomes a module named after it, here (the build script
//! sets that as the generated code's parent module, so the schemas'
//! cross-references resolve). Generated code knows interfaces by id and
//! methods by ordinal only; [`interfaces`] reads their names from the
//! compiled schemas the build script keeps, so that Glia can say
//! `:find-providers` and a denial can say `Routing.findProviders`.

use std::collections::HashMap;
use std::sync::OnceLock;

#[allow(missing_debug_implementations, clippy::all, clippy::pedantic)]
pub mod greeter_capnp {
    include!(concat!(env!("OUT_DIR"), "/greeter_capnp.rs"));
}

#[allow(missing_debug_implementations, clippy::all, clippy::pedantic)]
pub mod host_capnp {
    include!(concat!(env!("OUT_DIR"), "/host_capnp.rs"));
}

#[allow(missing_debug_implementations, clippy::all, clippy::pedantic)]
pub mod http_capnp {
    include!(concat!(env!("OUT_DIR"), "/http_capnp.rs"));
}

#[allow(missing_debug_implementations, clippy::all, clippy::pedantic)]
pub mod identity_capnp {
    include!(concat!(env!("OUT_DIR"), "/identity_capnp.rs"));
}

#[allow(missing_debug_implementations, clippy::all, clippy::pedantic)]
pub mod membrane_capnp {
    include!(concat!(env!("OUT_DIR"), "/membrane_capnp.rs"));
}

#[allow(missing_debug_implementations, clippy::all, clippy::pedantic)]
pub mod oracle_capnp {
    include!(concat!(env!("OUT_DIR"), "/oracle_capnp.rs"));
}

#[allow(missing_debug_implementations, clippy::all, clippy::pedantic)]
pub mod routing_capnp {
    include!(concat!(env!("OUT_DIR"), "/routing_capnp.rs"));
}

#[allow(missing_debug_implementations, clippy::all, clippy::pedantic)]
pub mod runtime_capnp {
    include!(concat!(env!("OUT_DIR"), "/runtime_capnp.rs"));
}

#[allow(missing_debug_implementations, clippy::all, clippy::pedantic)]
pub mod stream_capnp {
    include!(concat!(env!("OUT_DIR"), "/stream_capnp.rs"));
}

/// The `CodeGeneratorRequest` the schema compiler produced at build time.
const COMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/schemas.bin"));

/// An interface of the schemas: its name and its methods' names, by
/// ordinal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    pub id: u64,
    /// As declared (`ByteStream`).
    pub name: String,
    /// As declared (`findProviders`), at their ordinals.
    pub methods: Vec<String>,
    /// Whether each method's results can hold a capability (a field of
    /// an interface type or `AnyPointer`, at any depth), by ordinal. A
    /// membrane forwards results that cannot without looking at them.
    pub results_hold_caps: Vec<bool>,
}

impl Interface {
    /// The ordinal of the method called `name`, given as declared
    /// (`findProviders`) or in kebab case (`find-providers`).
    pub fn method(&self, name: &str) -> Option<u16> {
        let name = camel_case(name);
        self.methods
            .iter()
            .position(|m| *m == name)
            .and_then(|i| u16::try_from(i).ok())
    }

    /// The name of method `ordinal`, as `Interface.method` (or with the
    /// ordinal if the schema has no such method).
    pub fn describe(&self, ordinal: u16) -> String {
        match self.methods.get(usize::from(ordinal)) {
            Some(m) => format!("{}.{m}", self.name),
            None => format!("{}.@{ordinal}", self.name),
        }
    }
}

/// `find-providers` → `findProviders`; a name without `-` is unchanged.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `findProviders` → `find-providers`.
pub fn kebab_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_uppercase() {
            out.push('-');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The interfaces of the schemas, by id.
pub fn interfaces() -> &'static HashMap<u64, Interface> {
    static INTERFACES: OnceLock<HashMap<u64, Interface>> = OnceLock::new();
    INTERFACES.get_or_init(|| {
        read_interfaces(COMPILED).expect("the schemas compiled at build time are readable")
    })
}

/// The interface of the schemas called `name` (`ByteStream`).
pub fn interface_named(name: &str) -> Option<&'static Interface> {
    interfaces().values().find(|i| i.name == name)
}

fn read_interfaces(compiled: &[u8]) -> capnp::Result<HashMap<u64, Interface>> {
    use capnp::schema_capnp::{code_generator_request, node};
    // Copied into owned segments: `include_bytes!` data is not word-aligned.
    let message = capnp::serialize::read_message(compiled, capnp::message::ReaderOptions::new())?;
    let request = message.get_root::<code_generator_request::Reader>()?;
    let nodes: HashMap<u64, node::Reader<'_>> = request
        .get_nodes()?
        .iter()
        .map(|n| (n.get_id(), n))
        .collect();
    let mut interfaces = HashMap::new();
    for node in nodes.values() {
        let node::Interface(interface) = node.which()? else {
            continue;
        };
        let display = node.get_display_name()?.to_str()?;
        let name = &display[node.get_display_name_prefix_length() as usize..];
        let mut methods = Vec::new();
        let mut results_hold_caps = Vec::new();
        for method in interface.get_methods()? {
            methods.push(method.get_name()?.to_str()?.to_owned());
            let mut seen = std::collections::HashSet::new();
            results_hold_caps.push(struct_holds_caps(
                &nodes,
                method.get_result_struct_type(),
                &mut seen,
            )?);
        }
        interfaces.insert(
            node.get_id(),
            Interface {
                id: node.get_id(),
                name: name.to_owned(),
                methods,
                results_hold_caps,
            },
        );
    }
    Ok(interfaces)
}

/// Whether a struct of the schemas can hold a capability. A struct the
/// schemas do not have (one imported from elsewhere) is assumed to.
fn struct_holds_caps(
    nodes: &HashMap<u64, capnp::schema_capnp::node::Reader<'_>>,
    id: u64,
    seen: &mut std::collections::HashSet<u64>,
) -> capnp::Result<bool> {
    use capnp::schema_capnp::{field, node};
    if !seen.insert(id) {
        // Already being looked at higher up: it answers there.
        return Ok(false);
    }
    let Some(node) = nodes.get(&id) else {
        return Ok(true);
    };
    let node::Struct(st) = node.which()? else {
        return Ok(true);
    };
    for f in st.get_fields()? {
        let holds = match f.which()? {
            field::Slot(slot) => type_holds_caps(nodes, slot.get_type()?, seen)?,
            field::Group(group) => struct_holds_caps(nodes, group.get_type_id(), seen)?,
        };
        if holds {
            return Ok(true);
        }
    }
    Ok(false)
}

fn type_holds_caps(
    nodes: &HashMap<u64, capnp::schema_capnp::node::Reader<'_>>,
    ty: capnp::schema_capnp::type_::Reader<'_>,
    seen: &mut std::collections::HashSet<u64>,
) -> capnp::Result<bool> {
    use capnp::schema_capnp::type_;
    Ok(match ty.which()? {
        type_::Interface(_) | type_::AnyPointer(_) => true,
        type_::Struct(st) => struct_holds_caps(nodes, st.get_type_id(), seen)?,
        type_::List(list) => type_holds_caps(nodes, list.get_element_type()?, seen)?,
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use capnp::traits::HasTypeId;

    #[test]
    fn interfaces_are_known_by_id_with_their_methods_in_order() {
        let stream = &interfaces()[&stream_capnp::byte_stream::Client::TYPE_ID];
        assert_eq!(stream.name, "ByteStream");
        assert_eq!(stream.methods, ["write", "read", "close"]);
        assert_eq!(stream.method("close"), Some(2));
        assert_eq!(stream.method("flush"), None);
        assert_eq!(stream.describe(1), "ByteStream.read");
        assert_eq!(stream.describe(9), "ByteStream.@9");
        assert_eq!(stream.results_hold_caps, [false, false, false]);
        let membrane = &interfaces()[&membrane_capnp::membrane::Client::TYPE_ID];
        assert_eq!(membrane.results_hold_caps, [true], "exports hold caps");
        let process = interface_named("Process").unwrap();
        assert_eq!(
            process.results_hold_caps,
            [true, true, true, false, false, true]
        );
        assert_eq!(
            interface_named("Membrane").map(|i| i.id),
            Some(membrane_capnp::membrane::Client::TYPE_ID)
        );
    }

    #[test]
    fn method_names_convert_between_kebab_and_camel_case() {
        assert_eq!(camel_case("find-providers"), "findProviders");
        assert_eq!(camel_case("id"), "id");
        assert_eq!(kebab_case("findProviders"), "find-providers");
        for name in ["findProviders", "id", "addrs", "bootstrapVat"] {
            assert_eq!(camel_case(&kebab_case(name)), name);
        }
    }
}
