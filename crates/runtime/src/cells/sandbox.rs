//! What a cell's store holds: its WASI context (built from nothing: no
//! inherited environment, directories or network) and the limiter that
//! holds it to its memory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// The store of a component (WASI preview 2).
pub struct P2State {
    pub ctx: WasiCtx,
    pub table: ResourceTable,
    pub limiter: Limiter,
}

impl WasiView for P2State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

/// The store of a core module (WASI preview 1).
pub struct P1State {
    pub wasi: WasiP1Ctx,
    pub limiter: Limiter,
}

/// Holds a store to `memory` bytes of linear memory (and tables to a
/// generous size), and remembers whether the cell asked for more, so that
/// the trap that follows is reported as the limit it is.
#[derive(Debug)]
pub struct Limiter {
    pub memory: usize,
    pub hit: bool,
}

/// Table elements a cell may have (a Rust cell has a few hundred).
const MAX_TABLE_ELEMENTS: usize = 1 << 20;

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory {
            self.hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}

/// A directory the cell sees as `/tmp`, deleted with it.
#[derive(Debug)]
pub struct PrivateTmp(PathBuf);

impl PrivateTmp {
    pub fn new() -> std::io::Result<PrivateTmp> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "ww-cell-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path)?;
        Ok(PrivateTmp(path))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for PrivateTmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The pipes a run reads its output from.
pub struct Pipes {
    pub stdout: MemoryOutputPipe,
    pub stderr: MemoryOutputPipe,
    pub stdout_limit: usize,
}

/// At most this much stderr is kept for the host's log.
pub const STDERR_LIMIT: usize = 64 << 10;

/// A WASI context with exactly these arguments and variables, `stdin` as
/// its input, output captured (stdout up to `stdout_limit` bytes), `tmp`
/// as `/tmp` and `image`, if any, as `/`, read-only; nothing inherited
/// from the host. Sockets and name lookup are denied.
pub fn context(
    args: &[String],
    env: &[(String, String)],
    stdin: Vec<u8>,
    stdout_limit: usize,
    tmp: &PrivateTmp,
    image: Option<&Path>,
) -> std::io::Result<(WasiCtxBuilder, Pipes)> {
    let pipes = Pipes {
        stdout: MemoryOutputPipe::new(stdout_limit),
        stderr: MemoryOutputPipe::new(STDERR_LIMIT),
        stdout_limit,
    };
    let mut builder = WasiCtxBuilder::new();
    builder
        .args(args)
        .envs(env)
        .stdin(MemoryInputPipe::new(stdin))
        .stdout(pipes.stdout.clone())
        .stderr(pipes.stderr.clone())
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false);
    if let Some(image) = image {
        builder
            .preopened_dir(image, "/", FsPerms::ReadOnly)
            .map_err(std::io::Error::other)?;
    }
    builder
        .preopened_dir(tmp.path(), "/tmp", FsPerms::ReadWrite)
        .map_err(std::io::Error::other)?;
    Ok((builder, pipes))
}
