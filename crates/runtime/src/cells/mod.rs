//! Cells: WebAssembly processes with zero ambient authority, run on
//! wasmtime.
//!
//! A [`CellHost`] owns the engine (pooling allocator, epoch interruption,
//! wasmtime's on-disk cache of compiled code) and the linkers. Loading a
//! cell's bytes ([`CellHost::load`]) compiles it once per CID and
//! pre-instantiates it; running it ([`CellHost::run`]) gives it a fresh
//! store with exactly what [`Run`] names: its arguments, `WW_CELL_MODE` and
//! the variables of its mode, stdin from memory, stdout captured up to a
//! limit, stderr captured for the host's log, a private `/tmp` that is
//! deleted when it ends, and the [`Limits`] on memory, CPU and wall-clock
//! time. No host environment, no host directory, no socket, no name
//! lookup.
//!
//! - `channel.rs`: the membrane channel, a second pair of streams for the
//!   RPC connection of a spawned cell whose stdio its mode takes.
//! - `engine.rs`: the engine's configuration and its epoch ticker.
//! - `sandbox.rs`: the per-run state (WASI context, resource limiter).
//! - `run.rs`: loading, running and how a run ended.
//! - `process.rs`: a spawned cell whose stdio the host holds as streams
//!   ([`CellHost::spawn`]), for the `vat` and `raw` modes.
//! - [`wagi`]: serving an HTTP request with a cell in `http` mode.

mod channel;
mod engine;
mod process;
mod run;
mod sandbox;
pub mod wagi;

pub use channel::HostEnds;
pub use engine::CellHost;
pub use process::{Exit, KillSwitch, Process};
pub use run::{Cell, CellError, Ended, Limits, Mode, Outcome, Run};
