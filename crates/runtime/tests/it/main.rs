//! The runtime's integration tests, in one binary: each module is one
//! area (cells, the membrane, the node, the CLI...). One binary rather than
//! one per file because every test binary links wasmtime and libp2p: as
//! separate crates they took about 100 MB of disk and a link each.

mod common;

mod capabilities_doc;
mod cells;
mod cid;
mod cli;
mod cli_doc;
mod doctor;
mod examples;
mod glia_caps;
mod glia_network;
mod http_client;
mod install;
mod interop;
mod listener;
mod lsp;
mod mcp;
mod membrane;
mod node;
mod p2p;
mod readme;
mod services;
mod shell;
mod shell_doc;
mod std_cells;
mod stdlib;
mod store;
mod vat;
mod wagi;
