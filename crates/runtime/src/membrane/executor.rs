//! `Runtime` and `Executor`: loading cells and spawning processes of them
//! over Cap'n Proto.

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use capnp::capability::Client;

use super::process::ProcessServer;
use super::{Epoch, Grant};
use crate::cells::{Cell, CellHost, Limits, Mode, Run};
use crate::schema::runtime_capnp::{executor, limits, runtime};

/// Loads cells: the `Runtime` capability.
pub struct RuntimeServer {
    host: std::cell::OnceCell<Arc<CellHost>>,
    /// Where a host made on first use caches compiled cells.
    cache: Option<std::path::PathBuf>,
    epoch: Epoch,
    /// The directory its cells see, read-only, as `/`.
    image: Option<Arc<std::path::Path>>,
}

impl std::fmt::Debug for RuntimeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeServer").finish_non_exhaustive()
    }
}

impl RuntimeServer {
    /// Loads cells on `host`; the membranes of the processes it spawns
    /// issue their grants under `epoch`.
    pub fn new(host: Arc<CellHost>, epoch: &Epoch) -> RuntimeServer {
        RuntimeServer {
            host: std::cell::OnceCell::from(host),
            cache: None,
            epoch: epoch.clone(),
            image: None,
        }
    }

    /// A runtime whose cell host (wasmtime's engine, its memory pool and
    /// epoch thread) is made when the first cell is loaded, caching
    /// compiled cells in `cache`: an evaluation that never loads one does
    /// not pay for it.
    pub fn lazy(cache: Option<std::path::PathBuf>, epoch: &Epoch) -> RuntimeServer {
        RuntimeServer {
            host: std::cell::OnceCell::new(),
            cache,
            epoch: epoch.clone(),
            image: None,
        }
    }

    /// This runtime, its cells seeing `dir` (a node's image), read-only,
    /// as `/`.
    pub fn with_image(mut self, dir: &std::path::Path) -> RuntimeServer {
        self.image = Some(Arc::from(dir));
        self
    }

    fn host(&self) -> Result<Arc<CellHost>, capnp::Error> {
        if let Some(host) = self.host.get() {
            return Ok(host.clone());
        }
        let host = Arc::new(
            CellHost::new(self.cache.clone())
                .map_err(|e| capnp::Error::failed(format!("cannot run cells here: {e}")))?,
        );
        Ok(self.host.get_or_init(|| host).clone())
    }

    pub fn client(self) -> runtime::Client {
        capnp_rpc::new_client(self)
    }
}

impl runtime::Server for RuntimeServer {
    async fn load(
        self: Rc<Self>,
        params: runtime::LoadParams,
        mut results: runtime::LoadResults,
    ) -> Result<(), capnp::Error> {
        let wasm = params.get()?.get_wasm()?.to_vec();
        let host = self.host()?;
        // Compiling takes milliseconds to seconds: not on the RPC thread.
        let cell = tokio::task::spawn_blocking(move || host.load(&wasm))
            .await
            .map_err(|e| capnp::Error::failed(format!("loading the cell failed: {e}")))?
            .map_err(|e| capnp::Error::failed(format!("the bytes are not a cell: {e}")))?;
        let executor = ExecutorServer {
            host: self.host()?,
            cell,
            epoch: self.epoch.clone(),
            image: self.image.clone(),
        };
        results.get().set_executor(capnp_rpc::new_client(executor));
        Ok(())
    }
}

/// Spawns processes of one loaded cell: the `Executor` capability.
struct ExecutorServer {
    host: Arc<CellHost>,
    cell: Arc<Cell>,
    epoch: Epoch,
    image: Option<Arc<std::path::Path>>,
}

fn millis(ms: u64, default: Duration) -> Duration {
    if ms == 0 {
        default
    } else {
        Duration::from_millis(ms)
    }
}

/// The limits asked for, zeros meaning the defaults.
fn limits_of(asked: limits::Reader<'_>) -> Result<Limits, capnp::Error> {
    let default = Limits::default();
    let memory = match asked.get_memory_bytes() {
        0 => default.memory,
        n => usize::try_from(n)
            .map_err(|_| capnp::Error::failed(format!("memoryBytes {n} is too large")))?,
    };
    Ok(Limits {
        memory,
        cpu: millis(asked.get_cpu_millis(), default.cpu),
        timeout: millis(asked.get_timeout_millis(), default.timeout),
        fuel: match asked.get_fuel() {
            0 => default.fuel,
            n => Some(n),
        },
        stdout: default.stdout,
    })
}

impl executor::Server for ExecutorServer {
    async fn cid(
        self: Rc<Self>,
        _: executor::CidParams,
        mut results: executor::CidResults,
    ) -> Result<(), capnp::Error> {
        results.get().set_cid(&self.cell.cid);
        Ok(())
    }

    async fn spawn(
        self: Rc<Self>,
        params: executor::SpawnParams,
        mut results: executor::SpawnResults,
    ) -> Result<(), capnp::Error> {
        use crate::schema::runtime_capnp::Mode as Wire;
        let params = params.get()?;
        let mode = match params.get_mode()? {
            Wire::Vat => Mode::Vat,
            Wire::Raw => Mode::Raw,
            Wire::Http => Mode::Http,
        };
        let args = params
            .get_args()?
            .iter()
            .map(|a| Ok(a?.to_string()?))
            .collect::<Result<Vec<_>, capnp::Error>>()?;
        let mut env = Vec::new();
        for var in params.get_env()? {
            let name = var.get_name()?.to_string()?;
            if name.is_empty() || name.contains('=') || name == "WW_CELL_MODE" {
                return Err(capnp::Error::failed(format!(
                    "`{name}` cannot be an environment variable's name (empty, has `=`, or is the host's WW_CELL_MODE)"
                )));
            }
            env.push((name, var.get_value()?.to_string()?));
        }
        let mut grants = Vec::new();
        for export in params.get_grants()? {
            let cap: Client = export.get_cap().get_as_capability()?;
            grants.push(Grant::new(export.get_name()?.to_string()?, cap));
        }
        let limits = if params.has_limits() {
            limits_of(params.get_limits()?)?
        } else {
            Limits::default()
        };
        let run = Run {
            mode: Some(mode),
            args,
            env,
            limits,
            // Outside vat mode, grants travel on a channel of their own.
            channel: mode != Mode::Vat && !grants.is_empty(),
            image: self.image.as_deref().map(std::path::Path::to_path_buf),
            ..Run::default()
        };
        let process = self.host.spawn(self.cell.clone(), run);
        let server = ProcessServer::start(process, mode, grants, &self.epoch)?;
        results.get().set_process(capnp_rpc::new_client(server));
        Ok(())
    }
}
