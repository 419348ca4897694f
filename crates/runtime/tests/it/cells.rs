//! The cell host on core modules written in WebAssembly text: output,
//! exit codes, and every limit ending a run while the host stays healthy.
//! (Components and the standard cells have tests of their own.)

use std::time::Duration;

use runtime::cells::{CellError, CellHost, Ended, Limits, Mode, Run};

use crate::common;

fn module(body: &str) -> Vec<u8> {
    common::module(body, &[])
}

fn host() -> CellHost {
    CellHost::new(None).expect("the engine starts")
}

fn run_with(limits: Limits) -> Run {
    Run {
        mode: Some(Mode::Raw),
        limits,
        ..Run::default()
    }
}

async fn outcome(host: &CellHost, body: &str, limits: Limits) -> runtime::cells::Outcome {
    let cell = host.load(&module(body)).expect("the cell loads");
    host.run(&cell, run_with(limits))
        .await
        .expect("the cell starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_and_exit_codes() {
    let host = host();
    let out = outcome(
        &host,
        "(call $write (i32.const 64) (i32.const 6))",
        Limits::default(),
    )
    .await;
    assert_eq!(out.ended, Ended::Exit(0));
    assert_eq!(out.stdout, b"hello\n");
    let out = outcome(
        &host,
        "(call $write (i32.const 64) (i32.const 6)) (call $exit (i32.const 3))",
        Limits::default(),
    )
    .await;
    assert_eq!(out.ended, Ended::Exit(3));
    assert_eq!(out.stdout, b"hello\n");
    let out = outcome(&host, "unreachable", Limits::default()).await;
    assert!(
        matches!(out.ended, Ended::Trap(ref t) if t.contains("unreachable")),
        "{:?}",
        out.ended
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_limit_ends_the_run_and_the_host_stays_healthy() {
    let host = host();
    let spin = "(loop $l (br $l))";
    let grow = "(loop $l (if (i32.eq (memory.grow (i32.const 16)) (i32.const -1)) (then unreachable)) (br $l))";
    let flood = "(loop $l (call $write (i32.const 64) (i32.const 6)) (br $l))";
    let cases = [
        (
            spin,
            Limits {
                cpu: Duration::from_millis(50),
                ..Limits::default()
            },
            Ended::Cpu,
        ),
        (
            spin,
            Limits {
                cpu: Duration::from_secs(30),
                timeout: Duration::from_millis(100),
                ..Limits::default()
            },
            Ended::Timeout,
        ),
        (
            spin,
            Limits {
                fuel: Some(100_000),
                ..Limits::default()
            },
            Ended::Fuel,
        ),
        (
            grow,
            Limits {
                memory: 4 << 20,
                ..Limits::default()
            },
            Ended::Memory,
        ),
        (
            flood,
            Limits {
                stdout: 4096,
                cpu: Duration::from_millis(200),
                ..Limits::default()
            },
            Ended::Output,
        ),
    ];
    for (body, limits, expected) in cases {
        let out = outcome(&host, body, limits).await;
        assert_eq!(out.ended, expected, "{body}");
    }
    // Still healthy: a plain cell runs as before.
    let out = outcome(
        &host,
        "(call $write (i32.const 64) (i32.const 6))",
        Limits::default(),
    )
    .await;
    assert_eq!(
        (out.ended, out.stdout),
        (Ended::Exit(0), b"hello\n".to_vec())
    );
    assert!(host.ticking());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_go_on_side_by_side() {
    let host = std::sync::Arc::new(host());
    let cell = host
        .load(&module("(call $write (i32.const 64) (i32.const 6))"))
        .unwrap();
    let spinner = host.load(&module("(loop $l (br $l))")).unwrap();
    // A spinning cell does not hold up the others (it yields every tick).
    let slow = {
        let (host, spinner) = (host.clone(), spinner.clone());
        tokio::spawn(async move {
            let limits = Limits {
                timeout: Duration::from_millis(500),
                ..Limits::default()
            };
            host.run(&spinner, run_with(limits)).await.unwrap()
        })
    };
    let mut quick = Vec::new();
    for _ in 0..20 {
        let (host, cell) = (host.clone(), cell.clone());
        quick.push(tokio::spawn(async move {
            host.run(&cell, run_with(Limits::default())).await.unwrap()
        }));
    }
    for q in quick {
        assert_eq!(q.await.unwrap().stdout, b"hello\n");
    }
    assert_eq!(slow.await.unwrap().ended, Ended::Timeout);
}

#[test]
fn loading_compiles_once_per_cid_and_refuses_what_is_not_wasm() {
    let host = host();
    let bytes = module("nop");
    let a = host.load(&bytes).unwrap();
    let b = host.load(&bytes).unwrap();
    assert!(std::sync::Arc::ptr_eq(&a, &b));
    assert_eq!(a.cid, runtime::cid::cid_string(&bytes));
    assert!(matches!(host.load(b"#!/bin/sh\n"), Err(CellError::NotWasm)));
    assert!(matches!(
        host.load(b"\0asm\x01\0\0\0garbage"),
        Err(CellError::Compile(_))
    ));
    // A module that imports what no cell is given does not link.
    let wants_more =
        wat::parse_str(r#"(module (import "host" "secret" (func)) (func (export "_start")))"#)
            .unwrap();
    assert!(matches!(host.load(&wants_more), Err(CellError::Link(_))));
}
