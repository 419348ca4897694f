//! Times a Glia benchmark program for bench/run: loads FILE, which
//! defines a zero-argument `run`, calls `(run)` BENCH_RUNS times (default
//! 5) and prints `ms <milliseconds> result <value>` for each call, as every
//! language's harness in bench/ does.

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
    let mut glia = Glia::new();
    if let Err(e) = glia.eval_str(&path, &text) {
        eprint!("{}", e.report().render_plain());
        return std::process::ExitCode::FAILURE;
    }
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        match glia.eval_str("run", "(run)") {
            Ok(v) => println!(
                "ms {:.3} result {}",
                start.elapsed().as_secs_f64() * 1000.0,
                pr_str(&v)
            ),
            Err(e) => {
                eprint!("{}", e.report().render_plain());
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
