//! Load on a real node's `/status`: boots `ww run` on loopback (a HOME of
//! its own), sends `--requests` GETs from `--concurrency` connections, and
//! reports errors, requests per second, latency percentiles and the node's
//! resident memory. Two rounds, so memory that grows with the requests
//! served shows. Exits 1 if any request failed. `bench/run` (its cells
//! section) builds and runs it in release.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;

#[derive(Debug, Parser)]
struct Args {
    /// The `ww` binary to boot.
    #[arg(long, default_value = "target/release/ww")]
    ww: std::path::PathBuf,
    /// Requests per round.
    #[arg(long, default_value_t = 10_000)]
    requests: usize,
    /// Requests in flight at once (one connection each).
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// The route to load.
    #[arg(long, default_value = "/status")]
    path: String,
    /// Rounds after the warm-up.
    #[arg(long, default_value_t = 2)]
    rounds: usize,
    /// Image layers for the node (`ww run IMAGE...`), to load a route
    /// other init scripts set up.
    #[arg(long, value_name = "DIR")]
    image: Vec<std::path::PathBuf>,
}

/// The node under load; killed when dropped.
struct Node {
    child: Child,
    http: String,
    _home: tempdir::Home,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

mod tempdir {
    /// A directory removed when dropped.
    pub struct Home(pub std::path::PathBuf);

    impl Home {
        pub fn new() -> std::io::Result<Home> {
            let path = std::env::temp_dir().join(format!("ww-load-{}", std::process::id()));
            std::fs::create_dir_all(&path)?;
            Ok(Home(path))
        }
    }

    impl Drop for Home {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn boot(ww: &std::path::Path, images: &[std::path::PathBuf]) -> Result<Node, String> {
    let home = tempdir::Home::new().map_err(|e| format!("cannot make a HOME: {e}"))?;
    let mut child = Command::new(ww)
        .args([
            "run",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--http-listen",
            "127.0.0.1:0",
            "--with-http-admin",
            "off",
        ])
        .args(images)
        .env("HOME", &home.0)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot run {}: {e} (build it: cargo build --release)",
                ww.display()
            )
        })?;
    let mut lines = BufReader::new(child.stderr.take().expect("piped")).lines();
    let mut http = None;
    for line in lines.by_ref() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(addr) = line.strip_prefix("ww: http on http://") {
            http = Some(addr.to_string());
        }
        if line == "ww: ready" {
            break;
        }
    }
    // The node's later lines are drained so it never blocks on stderr.
    std::thread::spawn(move || lines.for_each(drop));
    let http = http.ok_or("the node stopped before it was ready")?;
    Ok(Node {
        child,
        http,
        _home: home,
    })
}

/// The node's resident set size, in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One round's results.
struct Round {
    elapsed: Duration,
    latencies: Vec<Duration>,
    errors: Vec<String>,
    peak_rss: u64,
}

async fn round(url: &str, requests: usize, concurrency: usize, pid: u32) -> Round {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (next, url) = (next.clone(), url.to_string());
        tasks.push(tokio::spawn(async move {
            // A client per task: one keep-alive connection each, as `wrk -c`.
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("a client builds");
            let (mut latencies, mut errors) = (Vec::new(), Vec::new());
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                let sent = Instant::now();
                match client.get(&url).send().await {
                    Ok(r) if r.status() == 200 => match r.bytes().await {
                        Ok(_) => latencies.push(sent.elapsed()),
                        Err(e) => errors.push(e.to_string()),
                    },
                    Ok(r) => errors.push(format!("status {}", r.status())),
                    Err(e) => errors.push(e.to_string()),
                }
            }
            (latencies, errors)
        }));
    }
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kib(pid).unwrap_or(0), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let (mut latencies, mut errors) = (Vec::new(), Vec::new());
    for task in tasks {
        let (l, e) = task.await.expect("a load task does not panic");
        latencies.extend(l);
        errors.extend(e);
    }
    let elapsed = start.elapsed();
    sampler.abort();
    let peak_rss = peak.load(Ordering::Relaxed).max(rss_kib(pid).unwrap_or(0));
    latencies.sort();
    Round {
        elapsed,
        latencies,
        errors,
        peak_rss,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    // reqwest is built without a TLS provider of its own (the node picks
    // ring); plain HTTP still asks for one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let node = match boot(&args.ww, &args.image) {
        Ok(node) => node,
        Err(e) => {
            eprintln!("status_load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let pid = node.child.id();
    let url = format!("http://{}{}", node.http, args.path);
    println!(
        "{} x {} requests of {url} at concurrency {}",
        args.rounds, args.requests, args.concurrency
    );
    // Warm-up: the cell compiled, connections open.
    let warm = round(&url, 500, args.concurrency, pid).await;
    println!(
        "warm-up: {} errors; RSS {} KiB",
        warm.errors.len(),
        rss_kib(pid).unwrap_or(0)
    );
    let mut failed = !warm.errors.is_empty();
    for n in 1..=args.rounds {
        let r = round(&url, args.requests, args.concurrency, pid).await;
        let ok = r.latencies.len();
        println!(
            "round {n}: {ok} ok, {} errors in {:.2} s: {:.0} req/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; RSS {} KiB",
            r.errors.len(),
            r.elapsed.as_secs_f64(),
            ok as f64 / r.elapsed.as_secs_f64(),
            percentile(&r.latencies, 0.50).as_secs_f64() * 1e3,
            percentile(&r.latencies, 0.99).as_secs_f64() * 1e3,
            r.latencies
                .last()
                .copied()
                .unwrap_or_default()
                .as_secs_f64()
                * 1e3,
            r.peak_rss,
        );
        if let Some(e) = r.errors.first() {
            println!("  first error: {e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
