//! Memory per idle cell: spawns `--cells` standard echo cells (a Rust
//! component, WASI 0.2), each answering one line and then waiting on its
//! stdin, and reports how much this process's resident memory grew per
//! cell. bench/run's cells section runs it.

use std::time::{Duration, Instant};

use clap::Parser;
use runtime::cells::{CellHost, Limits, Mode, Run};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Debug, Parser)]
struct Args {
    /// Cells kept idle at once (besides a first one), at most 255.
    #[arg(long, default_value_t = 200)]
    cells: usize,
}

/// This process's resident memory, KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    let host = CellHost::new(None).expect("the engine starts");
    let cell = host
        .load(runtime::std_cells::ECHO)
        .expect("the echo cell loads");
    let run = Run {
        mode: Some(Mode::Raw),
        limits: Limits {
            cpu: Limits::FOREVER,
            timeout: Limits::FOREVER,
            ..Limits::default()
        },
        ..Run::default()
    };
    // One cell first, so what every cell shares (the engine's code, the
    // runtime's threads) is counted before.
    let mut cells = Vec::with_capacity(args.cells + 1);
    let spawn = async || {
        let mut process = host.spawn(cell.clone(), run.clone());
        let mut echoed = [0u8; 5];
        let answered = match process.stdin.write_all(b"ping\n").await {
            Ok(()) => process.stdout.read_exact(&mut echoed).await.map(drop),
            Err(e) => Err(e),
        };
        answered.map(|()| process)
    };
    // A cell that ends before it answers is reported, not waited on: past
    // the pooling allocator's slots (256 components) a spawn fails.
    let failed = |n: usize, e: std::io::Error| -> ! {
        eprintln!(
            "idle_cells: cell {n} ended before it answered ({e}); a host runs at most 256 components at once"
        );
        std::process::exit(1)
    };
    cells.push(spawn().await.unwrap_or_else(|e| failed(0, e)));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = rss_kib();
    let start = Instant::now();
    for n in 1..=args.cells {
        cells.push(spawn().await.unwrap_or_else(|e| failed(n, e)));
    }
    let took = start.elapsed();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = rss_kib();
    println!(
        "idle cells {} rss_before_kib {before} rss_after_kib {after} per_cell_kib {:.1} spawn_and_first_echo_us {:.0}",
        args.cells,
        (after.saturating_sub(before)) as f64 / args.cells as f64,
        took.as_secs_f64() * 1e6 / args.cells as f64
    );
    drop(cells);
}
