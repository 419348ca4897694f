//! The Rust code generated from the Cap'n Proto schemas in `schema/` (by the
//! build script). Each file becomes a module named after it; the schemas'
//! `$Rust.parentModule("schema")` makes their cross-references resolve
//! here.

#![allow(missing_debug_implementations, clippy::all, clippy::pedantic)]

pub mod membrane_capnp {
    include!(concat!(env!("OUT_DIR"), "/membrane_capnp.rs"));
}

pub mod stream_capnp {
    include!(concat!(env!("OUT_DIR"), "/stream_capnp.rs"));
}
