//! Times a Glia benchmark program for bench/compare: loads FILE, which
//! defines a zero-argument `run`, calls `(run)` BENCH_RUNS times (default
//! 5) and prints `NAME <best-ms> <result>`.

use std::time::Instant;

use glia_eval::{Glia, value::pr_str};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: glia-time FILE.glia");
        return std::process::ExitCode::FAILURE;
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("glia-time: cannot read {path}: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let name = std::path::Path::new(&path)
        .file_stem()
        .map_or("bench".into(), |s| s.to_string_lossy().to_string());
    let mut glia = Glia::new();
    if let Err(e) = glia.eval_str(&path, &text) {
        eprint!("{}", e.report().render_plain());
        return std::process::ExitCode::FAILURE;
    }
    let mut best = f64::INFINITY;
    let mut result = String::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        match glia.eval_str("run", "(run)") {
            Ok(v) => result = pr_str(&v),
            Err(e) => {
                eprint!("{}", e.report().render_plain());
                return std::process::ExitCode::FAILURE;
            }
        }
        best = best.min(start.elapsed().as_secs_f64() * 1000.0);
    }
    println!("{name} {best:.2} {result}");
    std::process::ExitCode::SUCCESS
}
