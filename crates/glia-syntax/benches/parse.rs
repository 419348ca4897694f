//! Throughput of the reader on a generated 1 MB Glia file.
//!
//! Goal (issue 2): at least 50 MB/s for lexing + parsing into the lossless
//! tree (`parse`). `lex`, `read` (tree → forms) and `format` are measured
//! alongside for context. Run: `cargo bench --workspace --bench parse`.

use std::hint::black_box;

use mimalloc::MiMalloc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use glia_syntax::{format, lexer, parse, read};

// The allocator of the `ww` binary. With glibc's, the 1 MB bench frees
// ~14 MB a round and glibc hands it back to the kernel each time, so the
// numbers measure page faults as much as parsing (see doc/performance.md,
// which reports both).
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

/// A deterministic pseudo-random source of realistic Glia: functions with
/// docstrings, lets, maps, vectors, strings with escapes, comments, numbers
/// of every kind, keywords and reader macros.
fn generate(target_len: usize) -> String {
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let names = [
        "x", "acc", "items", "user-id", "total", "ns/value", "ready?", "swap!",
    ];
    let atoms = [
        "42",
        "-7",
        "0x1F",
        "3/4",
        "1.5e3",
        "##Inf",
        "1N",
        ":key",
        ":ns/key",
        "::local",
        "\"hello\\nworld\"",
        "\\a",
        "\\newline",
        "nil",
        "true",
        "#\"[a-z]+\"",
    ];
    let mut out = String::with_capacity(target_len + 1024);
    let mut i = 0;
    while out.len() < target_len {
        i += 1;
        let name = names[next(names.len() as u64) as usize];
        out.push_str(&format!(
            ";; Function number {i}, generated for the benchmark.\n\
             (defn f{i}\n  \"Computes something about {name}.\"\n  [{name} & {{:keys [a b] :or {{a 1}}}}]\n  \
             (let [m {{:id {i}, :tags #{{:a :b}}, :data [{} {} {}]}}\n        \
             v (mapv #(* % {}) (range {}))]\n    \
             (when-not (empty? v) ; guard\n      \
             (-> m (assoc :sum (reduce + 0 v)) (update :id inc) ^:private (str '{name} @state)))))\n\n",
            atoms[next(atoms.len() as u64) as usize],
            atoms[next(atoms.len() as u64) as usize],
            atoms[next(atoms.len() as u64) as usize],
            next(100),
            next(1000),
        ));
    }
    out
}

fn bench(c: &mut Criterion) {
    // bench/run's smoke pass reads a smaller file (BENCH_READER_BYTES),
    // with criterion's own sample size.
    let smaller = std::env::var("BENCH_READER_BYTES")
        .ok()
        .and_then(|b| b.parse().ok());
    let source = generate(smaller.unwrap_or(1 << 20));
    let tree = parse(&source);
    assert!(
        tree.errors().is_empty(),
        "the generated source must be valid"
    );
    let root = tree.syntax();
    eprintln!(
        "input: {} bytes, {} tokens ({} significant), {} nodes",
        source.len(),
        root.tokens().count(),
        root.tokens().filter(|t| !t.kind().is_trivia()).count(),
        root.descendants_with_tokens()
            .filter(|e| e.into_node().is_some())
            .count(),
    );
    let mut group = c.benchmark_group("reader-1MB");
    group.throughput(Throughput::Bytes(source.len() as u64));
    if smaller.is_none() {
        group.sample_size(30);
    }
    group.bench_function("lex", |b| b.iter(|| lexer::lex(black_box(&source))));
    group.bench_function("parse", |b| b.iter(|| parse(black_box(&source))));
    group.bench_function("read", |b| b.iter(|| read(black_box(&source))));
    group.bench_function("format", |b| b.iter(|| format(black_box(&source))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
