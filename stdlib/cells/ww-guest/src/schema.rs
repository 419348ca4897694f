//! The Rust code generated (by the build script) from the Cap'n Proto
//! schemas in `schema/` at the repository's root, the same the host speaks.
//! Each file becomes a module named after it, here (the build script
//! sets that as the generated code's parent module, so the schemas'
//! cross-references resolve).

#![allow(missing_debug_implementations, clippy::all, clippy::pedantic)]

pub mod greeter_capnp {
    include!(concat!(env!("OUT_DIR"), "/greeter_capnp.rs"));
}

pub mod host_capnp {
    include!(concat!(env!("OUT_DIR"), "/host_capnp.rs"));
}

pub mod http_capnp {
    include!(concat!(env!("OUT_DIR"), "/http_capnp.rs"));
}

pub mod identity_capnp {
    include!(concat!(env!("OUT_DIR"), "/identity_capnp.rs"));
}

pub mod membrane_capnp {
    include!(concat!(env!("OUT_DIR"), "/membrane_capnp.rs"));
}

pub mod oracle_capnp {
    include!(concat!(env!("OUT_DIR"), "/oracle_capnp.rs"));
}

pub mod routing_capnp {
    include!(concat!(env!("OUT_DIR"), "/routing_capnp.rs"));
}

pub mod runtime_capnp {
    include!(concat!(env!("OUT_DIR"), "/runtime_capnp.rs"));
}

pub mod stream_capnp {
    include!(concat!(env!("OUT_DIR"), "/stream_capnp.rs"));
}
