//! What a cell's store holds: its WASI context (built from nothing: no
//! inherited environment, directories or network) and the limiter that
//! holds it to its memory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::cli::{AsyncStdinStream, AsyncStdoutStream};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::{MemoryInputPipe, MemoryOutputPipe};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// The store of a component (WASI preview 2).
pub struct P2State {
    pub ctx: WasiCtx,
    pub table: ResourceTable,
    pub limiter: Limiter,
    /// The cell's ends of its membrane channel, until it connects.
    pub channel: Option<super::channel::CellEnds>,
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

/// A directory the cell sees as `/tmp`, its own for the run. Creating and
/// deleting a directory per run was 40% of a spawn (the filesystem's
/// journal and discards), so directories a run left empty are kept in a
/// pool for the next; one left with files is deleted.
#[derive(Debug)]
pub struct PrivateTmp {
    path: PathBuf,
    pool: std::sync::Arc<TmpPool>,
}

/// Empty private directories ready for a run.
#[derive(Debug, Default)]
pub struct TmpPool {
    free: std::sync::Mutex<Vec<PathBuf>>,
}

/// At most this many empty directories are kept.
const POOL_SIZE: usize = 64;

impl PrivateTmp {
    pub fn new(pool: &std::sync::Arc<TmpPool>) -> std::io::Result<PrivateTmp> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let reused = pool.free.lock().ok().and_then(|mut free| free.pop());
        let path = match reused {
            Some(path) => path,
            None => {
                let path = std::env::temp_dir().join(format!(
                    "ww-cell-{}-{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed)
                ));
                // Readable by this user only: other local users have no
                // business in a cell's files.
                std::os::unix::fs::DirBuilderExt::mode(
                    std::fs::DirBuilder::new().recursive(true),
                    0o700,
                )
                .create(&path)?;
                path
            }
        };
        Ok(PrivateTmp {
            path,
            pool: pool.clone(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PrivateTmp {
    fn drop(&mut self) {
        let empty = std::fs::read_dir(&self.path).is_ok_and(|mut d| d.next().is_none());
        if empty
            && let Ok(mut free) = self.pool.free.lock()
            && free.len() < POOL_SIZE
        {
            free.push(std::mem::take(&mut self.path));
            return;
        }
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

impl Drop for TmpPool {
    fn drop(&mut self) {
        if let Ok(free) = self.free.get_mut() {
            for path in free.drain(..) {
                let _ = std::fs::remove_dir_all(path);
            }
        }
    }
}

/// Where a run's standard input and output go.
pub enum Stdio {
    /// Input from memory; output captured, up to `stdout_limit` bytes.
    Buffered { stdin: Vec<u8>, stdout_limit: usize },
    /// Streams whose other ends the host holds (a [`super::Process`]).
    Streamed {
        stdin: Box<dyn tokio::io::AsyncRead + Send + Sync + Unpin>,
        stdout: tokio::io::DuplexStream,
    },
}

/// What a run's output is kept in: its stdout when buffered, its stderr
/// always (for the host's log).
pub struct Captured {
    pub stdout: Option<(MemoryOutputPipe, usize)>,
    pub stderr: MemoryOutputPipe,
}

/// At most this much stderr is kept for the host's log.
pub const STDERR_LIMIT: usize = 64 << 10;

/// Bytes of a streamed stdout WASI buffers before the cell waits for the
/// host to read.
const STREAM_BUDGET: usize = 64 << 10;

/// A WASI context with exactly these arguments and variables, `stdio` as
/// its standard streams, stderr captured, `tmp` as `/tmp` and `image`, if
/// any, as `/`, read-only; nothing inherited from the host. Sockets and
/// name lookup are denied.
pub fn context(
    args: &[String],
    env: &[(String, String)],
    stdio: Stdio,
    tmp: &PrivateTmp,
    image: Option<&Path>,
) -> std::io::Result<(WasiCtxBuilder, Captured)> {
    let stderr = MemoryOutputPipe::new(STDERR_LIMIT);
    let mut builder = WasiCtxBuilder::new();
    builder
        .args(args)
        .envs(env)
        .stderr(stderr.clone())
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false);
    let stdout = match stdio {
        Stdio::Buffered {
            stdin,
            stdout_limit,
        } => {
            let stdout = MemoryOutputPipe::new(stdout_limit);
            builder
                .stdin(MemoryInputPipe::new(stdin))
                .stdout(stdout.clone());
            Some((stdout, stdout_limit))
        }
        Stdio::Streamed { stdin, stdout } => {
            builder
                .stdin(AsyncStdinStream::new(stdin))
                .stdout(AsyncStdoutStream::new(STREAM_BUDGET, stdout));
            None
        }
    };
    if let Some(image) = image {
        builder
            .preopened_dir(image, "/", FsPerms::ReadOnly)
            .map_err(std::io::Error::other)?;
    }
    builder
        .preopened_dir(tmp.path(), "/tmp", FsPerms::ReadWrite)
        .map_err(std::io::Error::other)?;
    Ok((builder, Captured { stdout, stderr }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_tmp_with_files_is_deleted_and_an_empty_one_reused() {
        let pool = std::sync::Arc::new(TmpPool::default());
        let used = PrivateTmp::new(&pool).unwrap();
        let path = used.path().to_path_buf();
        std::fs::write(path.join("secret"), "x").unwrap();
        drop(used);
        assert!(!path.exists(), "a directory a cell wrote in is deleted");
        let empty = PrivateTmp::new(&pool).unwrap();
        let path = empty.path().to_path_buf();
        drop(empty);
        let again = PrivateTmp::new(&pool).unwrap();
        assert_eq!(again.path(), path, "an empty one is reused");
        assert_eq!(std::fs::read_dir(again.path()).unwrap().count(), 0);
        drop(again);
        drop(pool);
        assert!(!path.exists(), "the pool deletes what it keeps");
    }
}
