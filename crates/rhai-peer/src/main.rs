//! `rhai-time FILE`: bench/run's embedded Rust scripting peer. Compiles
//! FILE, a Rhai script defining `fn run()`, calls it BENCH_RUNS times
//! (default 5) and prints `ms <milliseconds> result <value>` for each call,
//! as every language's harness in bench/ does.
//!
//! Rhai functions see no global variables, so a program's input cannot be
//! made once at the top as in the other languages: a script may define
//! `fn setup()`, called once, untimed, whose value `run` gets as `this`
//! (by reference: a plain argument would be copied at each call).

use std::process::ExitCode;
use std::time::Instant;

/// Rhai's evaluator recurses on the native stack: a chain of 1,229
/// closures (handler_sieve) needs more than a main thread's 8 MiB.
const STACK: usize = 1 << 30;

fn main() -> ExitCode {
    match std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(time)
        .map(std::thread::JoinHandle::join)
    {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("rhai-time: cannot start its thread: {e}");
            ExitCode::FAILURE
        }
    }
}

fn time() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: rhai-time FILE.rhai");
        return ExitCode::FAILURE;
    };
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mut engine = rhai::Engine::new();
    // The benchmarks recurse (fib, tak) and build large maps; Rhai's
    // defaults are sized for short embedded scripts.
    engine.set_max_call_levels(100_000);
    engine.set_max_expr_depths(0, 0);
    let ast = match engine.compile_file(path.clone().into()) {
        Ok(ast) => ast,
        Err(e) => {
            eprintln!("rhai-time: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut scope = rhai::Scope::new();
    let mut this = rhai::Dynamic::UNIT;
    if ast.iter_functions().any(|f| f.name == "setup") {
        match engine.call_fn::<rhai::Dynamic>(&mut scope, &ast, "setup", ()) {
            Ok(value) => this = value,
            Err(e) => {
                eprintln!("rhai-time: {path}: setup: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let options = rhai::CallFnOptions::new().bind_this_ptr(&mut this);
        match engine.call_fn_with_options::<rhai::Dynamic>(options, &mut scope, &ast, "run", ()) {
            Ok(value) => println!(
                "ms {:.3} result {value}",
                start.elapsed().as_secs_f64() * 1000.0
            ),
            Err(e) => {
                eprintln!("rhai-time: {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
