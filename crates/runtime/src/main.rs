//! `ww`: the Wetware command-line tool.
//!
//! Each subcommand of design.md's table arrives with the issue that builds
//! it; until then `ww` knows only what exists, and says so.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mimalloc::MiMalloc;

// A node parses, compiles and serves for a long time, allocating and freeing
// large buffers; glibc's allocator returns freed memory to the kernel so
// eagerly that re-parsing a 1 MB file spends a third of its time in page
// faults (doc/performance.md). mimalloc keeps and reuses it.
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "ww",
    version,
    about = "Wetware: run code you did not write, wired together by Glia",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Boot a node on the embedded defaults.
    ///
    /// The node (libp2p, WAGI HTTP, admin plane, init.d) is not built yet:
    /// for now this reports the version of every layer that exists and exits.
    Run,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Run => {
            println!("ww {}", env!("CARGO_PKG_VERSION"));
            println!("layers: glia-syntax (reader, printer, formatter)");
            eprintln!("ww run: the node is not built yet; nothing to boot");
            ExitCode::SUCCESS
        }
    }
}
