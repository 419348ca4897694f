//! The membrane channel (`wit/membrane.wit`): the connection to the host
//! of a cell whose stdio its mode takes.

#[allow(unsafe_code, missing_debug_implementations, clippy::all)]
mod bindings {
    // Generated glue for the one imported function; its streams are
    // `wasip2`'s own types, so they plug into the adapters of
    // `streams.rs`.
    wit_bindgen::generate!({
        path: "wit",
        world: "wetware:cell/guest",
        with: {
            "wasi:io/error@0.2.12": wasip2::io::error,
            "wasi:io/poll@0.2.12": wasip2::io::poll,
            "wasi:io/streams@0.2.12": wasip2::io::streams,
        },
    });
}

use super::streams::{Input, Output};

/// The channel's streams, from the host. Must be called inside
/// `wstd::runtime::block_on`, once. A cell given no channel gets an
/// `Unimplemented` error: the host offers it nothing to graft.
pub(crate) fn connect() -> Result<(Input, Output), capnp::Error> {
    let (input, output) =
        bindings::wetware::cell::membrane::connect().map_err(capnp::Error::unimplemented)?;
    Ok((Input::new(input), Output::new(output)))
}
