//! pid0: an image's `boot/main.wasm`, run as the node's kernel instead of
//! the Glia init scripts. It runs in kernel mode (no `WW_CELL_MODE`), the
//! node's root capabilities granted on its membrane channel, its stdout the
//! node's, with no CPU or wall-clock limit. The node stops when it ends, as
//! a machine does when init exits.

use capnp::capability::Client;

use crate::cells::{CellHost, Limits, Mode, Outcome, Process, Run};
use crate::membrane::Epoch;

/// Where an image keeps its kernel cell.
pub const PATH: &str = "boot/main.wasm";

/// Runs `bytes` as pid0 with `clients` granted under their names (in
/// `epoch`), on `host`, seeing `image` as `/`; returns how it ended. Call
/// inside a `LocalSet`.
pub async fn run(
    host: &CellHost,
    bytes: &[u8],
    clients: &[(String, Client)],
    epoch: &Epoch,
    image: &std::path::Path,
) -> Result<Outcome, String> {
    let cell = host
        .load(bytes)
        .map_err(|e| format!("{PATH} is not a cell: {e}"))?;
    let run = Run {
        mode: Some(Mode::Kernel),
        limits: Limits {
            cpu: Limits::FOREVER,
            timeout: Limits::FOREVER,
            ..Limits::default()
        },
        channel: true,
        image: Some(image.to_path_buf()),
        ..Run::default()
    };
    let Process {
        stdin,
        mut stdout,
        channel,
        exit,
    } = host.spawn(cell, run);
    // The kernel reads no input: its stdin ends at once.
    drop(stdin);
    let ends = channel.expect("a channel was asked for");
    let grants = crate::bindings::grants_of(clients);
    // What the kernel exports on its membrane, if anything, nobody asks
    // for; the connection runs on so its calls on the roots are answered.
    crate::membrane::process::connect(ends.writer, ends.reader, grants, epoch, false)
        .map_err(|e| format!("cannot hand pid0 its capabilities: {e}"))?;
    let output = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut stdout, &mut tokio::io::stdout()).await;
    });
    let outcome = exit
        .wait()
        .await
        .map_err(|e| format!("pid0 could not run: {e}"))?;
    let _ = output.await;
    Ok(outcome)
}
