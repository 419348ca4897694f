//! Spawning cells: a run of a loaded cell (store, instance, `_start` or
//! `run`, teardown), and loading (compiling) one cold or from wasmtime's
//! on-disk cache.

use criterion::{Criterion, criterion_group, criterion_main};
use runtime::cells::{CellHost, Ended, Limits, Mode, Run};

/// A preview-1 module that writes "hello\n" and returns.
fn hello_module() -> Vec<u8> {
    wat::parse_str(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "hello\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    )
    .expect("the WAT parses")
}

fn spawn(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let host = CellHost::new(None).expect("the engine starts");
    let run = Run {
        mode: Some(Mode::Raw),
        limits: Limits::default(),
        ..Run::default()
    };
    let mut group = c.benchmark_group("spawn+run+teardown");
    let module = host.load(&hello_module()).expect("loads");
    group.bench_function("hello module (WASI p1)", |b| {
        b.iter(|| {
            let out = rt.block_on(host.run(&module, run.clone())).expect("runs");
            assert_eq!(out.ended, Ended::Exit(0));
        })
    });
    // The standard echo cell with no input: a Rust component that starts,
    // reads end-of-input and exits.
    let component = host.load(runtime::std_cells::ECHO).expect("loads");
    group.bench_function("echo component (WASI p2, Rust)", |b| {
        b.iter(|| {
            let out = rt
                .block_on(host.run(&component, run.clone()))
                .expect("runs");
            assert_eq!(out.ended, Ended::Exit(0));
        })
    });
    group.finish();

    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("echo component, compiled", |b| {
        b.iter(|| {
            let host = CellHost::new(None).expect("the engine starts");
            host.load(runtime::std_cells::ECHO).expect("loads");
        })
    });
    let cache = std::env::temp_dir().join(format!("ww-bench-cache-{}", std::process::id()));
    CellHost::new(Some(cache.clone()))
        .and_then(|h| h.load(runtime::std_cells::ECHO).map(|_| ()))
        .expect("warms the cache");
    group.bench_function("echo component, from the disk cache", |b| {
        b.iter(|| {
            let host = CellHost::new(Some(cache.clone())).expect("the engine starts");
            host.load(runtime::std_cells::ECHO).expect("loads");
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(cache);
}

criterion_group!(benches, spawn);
criterion_main!(benches);
