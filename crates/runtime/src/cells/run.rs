//! Loading a cell and running it once.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wasmtime::component::Component;
use wasmtime::{CallHook, Engine, Module, Store, UpdateDeadline};
use wasmtime_wasi::I32Exit;
use wasmtime_wasi::p2::bindings::CommandPre;

use super::engine::{CellHost, MAX_CELL_MEMORY, Running};
use super::sandbox::{self, Limiter, P1State, P2State, PrivateTmp, Stdio, TmpPool};

/// Why a cell could not be loaded or started.
#[derive(Debug, thiserror::Error)]
pub enum CellError {
    #[error("the cell engine could not start: {0}")]
    Engine(String),
    #[error("not a WebAssembly module or component (it does not start with `\\0asm`)")]
    NotWasm,
    #[error("the cell does not compile: {0}")]
    Compile(String),
    #[error("the cell needs imports no cell is given: {0}")]
    Link(String),
    #[error("the cell's sandbox could not be made: {0}")]
    Sandbox(String),
    #[error("a limit is out of range: {0}")]
    Limit(String),
}

impl CellError {
    pub(super) fn engine(e: impl std::fmt::Display) -> CellError {
        CellError::Engine(format!("{e:#}"))
    }
}

/// How the cell's standard streams are used, announced in `WW_CELL_MODE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Stdio carries Cap'n Proto RPC.
    Vat,
    /// Stdio is a byte stream.
    Raw,
    /// WAGI: a CGI request on stdin and in the environment, the response
    /// on stdout.
    Http,
    /// The kernel: no `WW_CELL_MODE`.
    Kernel,
}

impl Mode {
    fn env(self) -> Option<&'static str> {
        match self {
            Mode::Vat => Some("vat"),
            Mode::Raw => Some("raw"),
            Mode::Http => Some("http"),
            Mode::Kernel => None,
        }
    }
}

/// What a run may use.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Bytes of linear memory (at most 1 GiB).
    pub memory: usize,
    /// Time the cell may spend running its own code (not waiting on the
    /// host), checked every epoch tick.
    pub cpu: Duration,
    /// Wall-clock time from start to end, waiting included.
    pub timeout: Duration,
    /// Instructions (wasmtime fuel), if counted.
    pub fuel: Option<u64>,
    /// Bytes of stdout kept; a cell writing more is stopped.
    pub stdout: usize,
}

impl Limits {
    /// "No limit" for CPU or wall-clock time: a century, which the host's
    /// time arithmetic still holds.
    pub const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: 64 << 20,
            cpu: Duration::from_secs(5),
            timeout: Duration::from_secs(10),
            fuel: None,
            stdout: 16 << 20,
        }
    }
}

/// One run of a cell.
#[derive(Clone, Debug, Default)]
pub struct Run {
    pub mode: Option<Mode>,
    /// `argv[1..]` (`argv[0]` is the cell's CID).
    pub args: Vec<String>,
    /// Variables besides `WW_CELL_MODE` (a WAGI request's).
    pub env: Vec<(String, String)>,
    pub stdin: Vec<u8>,
    pub limits: Limits,
    /// A directory the cell sees, read-only, as `/` (its image's files).
    pub image: Option<std::path::PathBuf>,
    /// Whether a spawned cell gets a membrane channel (`channel.rs`), whose
    /// host ends its [`super::Process`] holds. [`CellHost::run`] gives none.
    pub channel: bool,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The cell exited with this code (0 when `main` returned).
    Exit(i32),
    /// The cell asked for more memory than its limit.
    Memory,
    /// The cell computed longer than its CPU limit.
    Cpu,
    /// The run took longer than its wall-clock timeout.
    Timeout,
    /// The cell ran out of fuel.
    Fuel,
    /// The cell wrote more to stdout than its limit.
    Output,
    /// The cell trapped (a crash: an out-of-bounds access, `unreachable`...).
    Trap(String),
    /// The host stopped it ([`super::Exit::kill`], or its handle was
    /// dropped).
    Killed,
}

impl Ended {
    /// One word for how it ended: `exit`, `memory`, `cpu`, `timeout`,
    /// `fuel`, `output`, `trap` or `killed` (as `Process.wait` says it).
    pub fn kind(&self) -> &'static str {
        match self {
            Ended::Exit(_) => "exit",
            Ended::Memory => "memory",
            Ended::Cpu => "cpu",
            Ended::Timeout => "timeout",
            Ended::Fuel => "fuel",
            Ended::Output => "output",
            Ended::Trap(_) => "trap",
            Ended::Killed => "killed",
        }
    }
}

impl Ended {
    /// How a run ended, from what `Process.wait` says of it: its
    /// [`kind`](Ended::kind), exit code and reason (a trap's, or a kind
    /// this host does not know).
    pub fn from_wire(kind: &str, code: i32, reason: &str) -> Ended {
        match kind {
            "exit" => Ended::Exit(code),
            "memory" => Ended::Memory,
            "cpu" => Ended::Cpu,
            "timeout" => Ended::Timeout,
            "fuel" => Ended::Fuel,
            "output" => Ended::Output,
            "killed" => Ended::Killed,
            _ => Ended::Trap(reason.to_string()),
        }
    }
}

impl std::fmt::Display for Ended {
    /// How the run ended, as the end of "the cell ...".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ended::Exit(code) => write!(f, "exited with code {code}"),
            Ended::Memory => f.write_str("needed more memory than it may use"),
            Ended::Cpu => f.write_str("used up its CPU time"),
            Ended::Timeout => f.write_str("ran past its timeout"),
            Ended::Fuel => f.write_str("ran out of fuel"),
            Ended::Output => f.write_str("wrote more output than it may"),
            Ended::Trap(t) => write!(f, "crashed ({t})"),
            Ended::Killed => f.write_str("was stopped by the host"),
        }
    }
}

/// What a run produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub ended: Ended,
    /// What it wrote to stdout, when that was captured ([`CellHost::run`];
    /// empty for a spawned [`super::Process`], whose stdout is a stream).
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// A compiled, pre-instantiated cell.
pub struct Cell {
    /// The IPFS CID of its bytes.
    pub cid: String,
    pub(super) pre: Pre,
}

pub(super) enum Pre {
    Component(CommandPre<P2State>),
    Module(wasmtime::InstancePre<P1State>),
}

impl std::fmt::Debug for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cell")
            .field("cid", &self.cid)
            .finish_non_exhaustive()
    }
}

/// Whether `bytes` are a component (its layer field is 1) rather than a
/// core module. Read from the header by hand: the preamble is 8 fixed
/// bytes, and the check must not parse the rest.
fn is_component(bytes: &[u8]) -> Result<bool, CellError> {
    match bytes {
        [0, b'a', b's', b'm', _, _, 1, 0, ..] => Ok(true),
        [0, b'a', b's', b'm', _, _, 0, 0, ..] => Ok(false),
        _ => Err(CellError::NotWasm),
    }
}

impl CellHost {
    /// The cell whose bytes these are: compiled (or taken from wasmtime's
    /// on-disk cache) and pre-instantiated the first time its CID is seen.
    pub fn load(&self, bytes: &[u8]) -> Result<Arc<Cell>, CellError> {
        let cid = crate::cid::cid_string(bytes);
        if let Some(cell) = self.cells.lock().map_err(CellError::engine)?.get(&cid) {
            return Ok(cell.clone());
        }
        let pre = if is_component(bytes)? {
            let component = Component::new(&self.engine, bytes)
                .map_err(|e| CellError::Compile(format!("{e:#}")))?;
            let pre = self
                .p2
                .instantiate_pre(&component)
                .map_err(|e| CellError::Link(format!("{e:#}")))?;
            Pre::Component(CommandPre::new(pre).map_err(|e| CellError::Link(format!("{e:#}")))?)
        } else {
            let module = Module::new(&self.engine, bytes)
                .map_err(|e| CellError::Compile(format!("{e:#}")))?;
            Pre::Module(
                self.p1
                    .instantiate_pre(&module)
                    .map_err(|e| CellError::Link(format!("{e:#}")))?,
            )
        };
        let cell = Arc::new(Cell {
            cid: cid.clone(),
            pre,
        });
        self.cells
            .lock()
            .map_err(CellError::engine)?
            .insert(cid, cell.clone());
        Ok(cell)
    }

    /// Runs `cell` once, as `run` says, with its stdout captured. Errors
    /// are only for what stopped it from starting; whatever the cell does
    /// is in the [`Outcome`].
    pub async fn run(&self, cell: &Cell, mut run: Run) -> Result<Outcome, CellError> {
        let stdio = Stdio::Buffered {
            stdin: std::mem::take(&mut run.stdin),
            stdout_limit: run.limits.stdout,
        };
        let _running = Running::new(&self.running);
        execute(&self.engine, &self.tmp, cell, run, stdio, None).await
    }
}

/// Runs `cell` in a fresh store with `stdio` as its standard streams
/// (`run.stdin` is not read: the caller put it in `stdio`).
pub(super) async fn execute(
    engine: &Engine,
    tmp_pool: &Arc<TmpPool>,
    cell: &Cell,
    run: Run,
    stdio: Stdio,
    channel: Option<super::channel::CellEnds>,
) -> Result<Outcome, CellError> {
    let limits = run.limits;
    if limits.memory > MAX_CELL_MEMORY {
        return Err(CellError::Limit(format!(
            "memory {} is above the largest a cell may have ({MAX_CELL_MEMORY} bytes)",
            limits.memory
        )));
    }
    let tmp = PrivateTmp::new(tmp_pool).map_err(|e| CellError::Sandbox(e.to_string()))?;
    let mut args = vec![cell.cid.clone()];
    args.extend(run.args);
    let mut env = Vec::new();
    if let Some(mode) = run.mode.and_then(Mode::env) {
        env.push(("WW_CELL_MODE".to_string(), mode.to_string()));
    }
    env.extend(run.env);
    let (mut builder, captured) = sandbox::context(&args, &env, stdio, &tmp, run.image.as_deref())
        .map_err(|e| CellError::Sandbox(e.to_string()))?;
    let limiter = Limiter {
        memory: limits.memory,
        hit: false,
    };
    let (ended, memory_hit) = match &cell.pre {
        Pre::Component(pre) => {
            let state = P2State {
                ctx: builder.build(),
                table: wasmtime::component::ResourceTable::new(),
                limiter,
                channel,
            };
            let mut store = Store::new(engine, state);
            prepare(&mut store, &limits, |s| &mut s.limiter)?;
            let result = tokio::time::timeout(limits.timeout, async {
                let command = pre.instantiate_async(&mut store).await?;
                // `wasi:cli/run` says only success or failure; a cell that
                // means another code calls `exit-with-code`, which ends
                // the run with an `I32Exit` error instead.
                let code = match command.wasi_cli_run().call_run(&mut store).await? {
                    Ok(()) => 0,
                    Err(()) => 1,
                };
                Ok(code)
            })
            .await;
            (ended_of(result), store.data().limiter.hit)
        }
        Pre::Module(pre) => {
            let state = P1State {
                wasi: builder.build_p1(),
                limiter,
            };
            let mut store = Store::new(engine, state);
            prepare(&mut store, &limits, |s| &mut s.limiter)?;
            let result = tokio::time::timeout(limits.timeout, async {
                let instance = pre.instantiate_async(&mut store).await?;
                let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
                start.call_async(&mut store, ()).await?;
                Ok(0)
            })
            .await;
            (ended_of(result), store.data().limiter.hit)
        }
    };
    // A cell that asked for more memory than it may have usually crashes
    // on the failed allocation, and one whose stdout is full crashes on the
    // failed write or, if it ignores that, runs into another limit: report
    // the limit it met first.
    let stdout = captured
        .stdout
        .map(|(pipe, limit)| (pipe.contents(), limit));
    let stdout_full = stdout
        .as_ref()
        .is_some_and(|(contents, limit)| contents.len() >= *limit);
    let ended = match ended {
        Ended::Exit(0) => Ended::Exit(0),
        Ended::Trap(_) | Ended::Exit(_) if memory_hit => Ended::Memory,
        Ended::Exit(_) | Ended::Trap(_) | Ended::Cpu | Ended::Timeout if stdout_full => {
            Ended::Output
        }
        other => other,
    };
    drop(tmp);
    Ok(Outcome {
        ended,
        stdout: stdout
            .map(|(contents, _)| contents.to_vec())
            .unwrap_or_default(),
        stderr: captured.stderr.contents().to_vec(),
    })
}

/// The time a cell spends in its own code: from entering wasm (a call
/// in, or a host call returning) to leaving it (a host call, or a
/// return). A host call that waits (for a stream, a timer) is not counted,
/// so a cell serving a long connection spends only what it computes.
#[derive(Debug, Default)]
struct CpuClock {
    spent: Duration,
    /// When the cell entered its code, while it is in it.
    since: Option<Instant>,
}

impl CpuClock {
    fn now(&self) -> Duration {
        self.spent + self.since.map_or(Duration::ZERO, |t| t.elapsed())
    }
}

/// Gives a fresh store its limits: memory through the limiter, fuel if
/// counted, a CPU clock (wasmtime's call hook) and an epoch deadline whose
/// callback yields every tick (so a spinning cell cannot starve the
/// executor or outlive its timeout) and stops the cell once its clock
/// passes its CPU limit.
fn prepare<T: Send + 'static>(
    store: &mut Store<T>,
    limits: &Limits,
    limiter: fn(&mut T) -> &mut Limiter,
) -> Result<(), CellError> {
    store.limiter(move |s| limiter(s) as &mut dyn wasmtime::ResourceLimiter);
    store
        .set_fuel(limits.fuel.unwrap_or(u64::MAX))
        .map_err(CellError::engine)?;
    // Shared by two callbacks wasmtime wants `Send + Sync`; only the
    // store's thread of the moment takes it, so it is never contended.
    let clock = Arc::new(Mutex::new(CpuClock::default()));
    let hook = clock.clone();
    store.call_hook(move |_, transition| {
        let mut clock = hook.lock().unwrap_or_else(|e| e.into_inner());
        match transition {
            CallHook::CallingWasm | CallHook::ReturningFromHost => {
                clock.since = Some(Instant::now());
            }
            CallHook::CallingHost | CallHook::ReturningFromWasm => {
                if let Some(t) = clock.since.take() {
                    clock.spent += t.elapsed();
                }
            }
        }
        Ok(())
    });
    store.set_epoch_deadline(1);
    let cpu = limits.cpu;
    store.epoch_deadline_callback(move |_| {
        let spent = clock.lock().unwrap_or_else(|e| e.into_inner()).now();
        if spent > cpu {
            return Err(wasmtime::Error::new(CpuSpent));
        }
        Ok(UpdateDeadline::Yield(1))
    });
    Ok(())
}

/// The error the epoch callback stops a cell with.
#[derive(Debug)]
struct CpuSpent;

impl std::fmt::Display for CpuSpent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the cell used up its CPU time")
    }
}

impl std::error::Error for CpuSpent {}

/// How a run ended: its exit code, the timeout, or the error it stopped
/// with.
fn ended_of(result: Result<wasmtime::Result<i32>, tokio::time::error::Elapsed>) -> Ended {
    match result {
        Err(_) => Ended::Timeout,
        Ok(Ok(code)) => Ended::Exit(code),
        Ok(Err(e)) => ended_by(&e),
    }
}

/// How a run that returned an error ended.
fn ended_by(e: &wasmtime::Error) -> Ended {
    if let Some(exit) = e.downcast_ref::<I32Exit>() {
        return Ended::Exit(exit.0);
    }
    if e.downcast_ref::<CpuSpent>().is_some() {
        return Ended::Cpu;
    }
    if e.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::OutOfFuel) {
        return Ended::Fuel;
    }
    match e.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => Ended::Trap(trap.to_string()),
        None => Ended::Trap(format!("{e:#}")),
    }
}
