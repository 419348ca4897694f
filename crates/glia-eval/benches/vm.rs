//! The evaluator on the benchmarks, the same programs that
//! bench/run runs side by side with CPython, Lua, Clojure, nbb and Rhai
//! (bench/lang/eval/glia/*.glia, each defining `run`).
//!
//! Goals (issue 3): fib(30) under 100 ms; every benchmark faster than
//! CPython and Lua. Run: `cargo bench --workspace --bench vm`. Results and
//! the comparison are in doc/performance.md.
//!
//! Under `cargo test` (a debug build, each bench run once as a smoke test)
//! the programs run on smaller inputs.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use glia_eval::Glia;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// (program, the call timed in release builds, the smoke-test call)
const CASES: &[(&str, &str, &str)] = &[
    ("fib", "(run)", "(fib 15)"),
    ("tak", "(run)", "(tak 12 8 4)"),
    (
        "loop",
        "(run)",
        "(loop [i 0 acc 0] (if (< i 10000) (recur (inc i) (+ acc i)) acc))",
    ),
    (
        "map",
        "(run)",
        "(count (reduce (fn [m i] (assoc m i i)) {} (range 1000)))",
    ),
    ("closure", "(run)", "(let [f (make-adder)] (f 1))"),
];

fn program(name: &str) -> String {
    let path = format!(
        "{}/../../bench/lang/eval/glia/{name}.glia",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn vm(c: &mut Criterion) {
    let mut group = c.benchmark_group("vm");
    group.sample_size(10);
    for (name, call, smoke) in CASES {
        let mut glia = Glia::new();
        glia.eval_str(name, &program(name))
            .expect("the program loads");
        let call = if cfg!(debug_assertions) { smoke } else { call };
        group.bench_function(*name, |b| {
            b.iter(|| black_box(glia.eval_str("bench", call).expect("the benchmark runs")))
        });
    }
    group.finish();
    c.bench_function("startup (core library)", |b| {
        b.iter(|| black_box(Glia::new()))
    });
}

criterion_group!(benches, vm);
criterion_main!(benches);
