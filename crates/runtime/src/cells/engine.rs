//! The wasmtime engine cells run on, and the thread that advances its
//! epoch.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use super::run::{Cell, CellError};
use super::sandbox::{P1State, P2State, TmpPool};

/// How often the epoch advances: the granularity of CPU limits and of
/// yielding to other tasks.
pub(super) const TICK: Duration = Duration::from_millis(5);

/// The largest memory a cell may be given (the pooling allocator reserves
/// address space for this much per slot).
pub const MAX_CELL_MEMORY: usize = 1 << 30;

/// Runs cells: an engine, the WASI linkers, and the cells loaded so far.
pub struct CellHost {
    pub(super) engine: Engine,
    pub(super) p2: wasmtime::component::Linker<P2State>,
    pub(super) p1: wasmtime::Linker<P1State>,
    /// Cells by CID: each is compiled once.
    pub(super) cells: Mutex<HashMap<String, Arc<Cell>>>,
    pub(super) tmp: Arc<TmpPool>,
    /// Cells running now (see [`Running`]).
    pub(super) running: Arc<AtomicUsize>,
    ticker: Ticker,
}

impl std::fmt::Debug for CellHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CellHost").finish_non_exhaustive()
    }
}

impl CellHost {
    /// A host whose compiled code is cached on disk under `cache` (none:
    /// compiled in memory only, once per CID per process).
    pub fn new(cache: Option<PathBuf>) -> Result<CellHost, CellError> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.epoch_interruption(true);
        config.consume_fuel(true);
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(256)
            .total_core_instances(1024)
            .total_memories(256)
            .total_tables(512)
            .max_memory_size(MAX_CELL_MEMORY)
            // Reset the first pages of a reused slot with memset instead of
            // unmapping them: cheaper for the small cells most runs are.
            .linear_memory_keep_resident(256 << 10)
            .table_keep_resident(64 << 10)
            // Release freed slots' pages in batches: one TLB shootdown
            // for many runs.
            .decommit_batch_size(32);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        // `perf` cannot name JIT code by itself: with `WW_PROFILE=perfmap`
        // the engine writes `/tmp/perf-<pid>.map` for it (doc/performance.md).
        if std::env::var_os("WW_PROFILE").is_some_and(|v| v == "perfmap") {
            config.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        if let Some(dir) = cache {
            let mut cache_config = wasmtime::CacheConfig::new();
            cache_config.with_directory(dir);
            let cache = wasmtime::Cache::new(cache_config).map_err(CellError::engine)?;
            config.cache(Some(cache));
        }
        let engine = Engine::new(&config).map_err(CellError::engine)?;
        let mut p2 = wasmtime::component::Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut p2).map_err(CellError::engine)?;
        super::channel::add_to_linker(&mut p2).map_err(CellError::engine)?;
        let mut p1 = wasmtime::Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_async(&mut p1, |s: &mut P1State| &mut s.wasi)
            .map_err(CellError::engine)?;
        Ok(CellHost {
            ticker: Ticker::start(engine.clone()),
            engine,
            p2,
            p1,
            cells: Mutex::new(HashMap::new()),
            tmp: Arc::default(),
            running: Arc::default(),
        })
    }

    /// The default cache directory: `~/.ww/cache/wasm`.
    pub fn default_cache() -> Option<PathBuf> {
        Some(crate::home::ww_home().join("cache/wasm"))
    }

    /// How many cells run now: started and not yet ended, killed or
    /// dropped.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::Relaxed)
    }

    /// Whether the ticker runs (for tests).
    pub fn ticking(&self) -> bool {
        self.ticker.running()
    }
}

/// One running cell, counted in its host's [`CellHost::running`] from
/// when it is made until it is dropped (a killed cell's task drops it too).
pub(super) struct Running(Arc<AtomicUsize>);

impl Running {
    pub(super) fn new(count: &Arc<AtomicUsize>) -> Running {
        count.fetch_add(1, Ordering::Relaxed);
        Running(count.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A thread that advances the engine's epoch every [`TICK`] until dropped.
struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Ticker {
    fn start(engine: Engine) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("ww-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(TICK);
                    engine.increment_epoch();
                }
            })
            .ok();
        Ticker { stop, thread }
    }

    fn running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
