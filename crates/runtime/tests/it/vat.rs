//! Spawned cells whose stdio the host holds as streams, and `vat` mode:
//! Cap'n Proto RPC with a cell over its stdio, the cell grafting its
//! membrane and serving a capability back.

use crate::common::sink;

use std::time::Duration;

use capnp::traits::HasTypeId;
use runtime::cells::{CellHost, Ended, Limits, Mode, Run};
use runtime::membrane::{DENIED, Epoch, Grant, Membrane, Policy, Vat};
use runtime::schema::stream_capnp::byte_stream;
use runtime::std_cells::{self, fixtures};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

fn host() -> CellHost {
    CellHost::new(None).expect("the engine starts")
}

fn run(mode: Mode) -> Run {
    Run {
        mode: Some(mode),
        ..Run::default()
    }
}

async fn write(stream: &byte_stream::Client, data: &[u8]) -> Result<(), capnp::Error> {
    let mut request = stream.write_request();
    request.get().set_data(data);
    request.send().promise.await.map(drop)
}

async fn read_to_end(mut from: DuplexStream) -> Vec<u8> {
    let mut all = Vec::new();
    from.read_to_end(&mut all).await.unwrap();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spawned_cell_streams_while_it_runs() {
    let host = host();
    let cell = host.load(std_cells::ECHO).unwrap();
    let mut process = host.spawn(
        cell,
        Run {
            stdin: b"first ".to_vec(),
            ..run(Mode::Raw)
        },
    );
    // Each write comes back before the next is sent: a stream, not a batch.
    let mut seen = vec![0u8; 6];
    process.stdout.read_exact(&mut seen).await.unwrap();
    assert_eq!(seen, b"first ");
    for line in [&b"ping\n"[..], b"pong\n"] {
        process.stdin.write_all(line).await.unwrap();
        let mut back = vec![0u8; line.len()];
        process.stdout.read_exact(&mut back).await.unwrap();
        assert_eq!(back, line);
    }
    drop(process.stdin);
    let out = process.exit.wait().await.unwrap();
    assert_eq!(out.ended, Ended::Exit(0));
    assert!(out.stdout.is_empty(), "a stream's bytes are not also kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spawned_cell_can_be_killed_and_keeps_its_limits() {
    let host = host();
    let cell = host.load(fixtures::ESCAPE).unwrap();
    let process = host.spawn(
        cell.clone(),
        Run {
            args: vec!["spin".into()],
            ..run(Mode::Raw)
        },
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    process.exit.kill();
    assert_eq!(process.exit.wait().await.unwrap().ended, Ended::Killed);

    let limited = host.spawn(
        cell,
        Run {
            args: vec!["spin".into()],
            limits: Limits {
                cpu: Duration::from_millis(100),
                ..Limits::default()
            },
            ..run(Mode::Raw)
        },
    );
    assert_eq!(limited.exit.wait().await.unwrap().ended, Ended::Cpu);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cell_is_charged_for_computing_not_for_waiting() {
    // An echo cell answering a line every 10 ms for 1.5 s, with 100 ms of
    // CPU: it computes far less than that, though it runs during most
    // 5 ms ticks (which an accounting by ticks would all charge).
    let host = host();
    let cell = host.load(std_cells::ECHO).unwrap();
    let mut process = host.spawn(
        cell,
        Run {
            limits: Limits {
                cpu: Duration::from_millis(100),
                ..Limits::default()
            },
            ..run(Mode::Raw)
        },
    );
    for _ in 0..150 {
        process.stdin.write_all(b"tick\n").await.unwrap();
        let mut back = [0u8; 5];
        process.stdout.read_exact(&mut back).await.unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(process.stdin);
    assert_eq!(process.exit.wait().await.unwrap().ended, Ended::Exit(0));
}

/// Spawns `shout` in vat mode with `grants`, connects to it, and runs
/// `talk` with its export while the connection is carried on this thread.
async fn with_shout<F, Fut>(grants: Vec<Grant>, talk: F) -> runtime::cells::Outcome
where
    F: FnOnce(byte_stream::Client) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let host = host();
    let cell = host.load(fixtures::SHOUT).unwrap();
    let process = host.spawn(cell, run(Mode::Vat));
    let membrane = Membrane::new(&Epoch::new(), grants).unwrap().client();
    let mut vat = Vat::connect(process.stdin, process.stdout, membrane);
    let export: byte_stream::Client = vat.export();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async move {
            // The host hangs up by dropping the connection once `talk` is
            // done. (Not with capnp-rpc's disconnector: if the cell has
            // exited already, its end of input racing the disconnect
            // panics inside capnp-rpc 0.27, "message loop outlived
            // connection state?".)
            let connection = vat.run();
            let talk = talk(export);
            tokio::pin!(connection, talk);
            tokio::select! {
                () = &mut talk => {}
                ended = &mut connection => {
                    ended.unwrap();
                    talk.await;
                }
            }
        })
        .await;
    process.exit.wait().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vat_cell_grafts_its_grants_and_serves_a_capability() {
    let (out, collected) = sink();
    let outcome = with_shout(vec![Grant::new("out", out)], |shout| async move {
        write(&shout, b"quiet words, ").await.unwrap();
        // Pipelined: sent without waiting for the first to come back.
        let second = write(&shout, b"said twice");
        let third = write(&shout, b"\n");
        second.await.unwrap();
        third.await.unwrap();
        shout.close_request().send().promise.await.unwrap();
        let e = match shout.read_request().send().promise.await {
            Ok(_) => panic!("shout serves no reads"),
            Err(e) => e,
        };
        assert_eq!(e.kind, capnp::ErrorKind::Unimplemented, "{e}");
    })
    .await;
    assert_eq!(
        outcome.ended,
        Ended::Exit(0),
        "{}",
        String::from_utf8_lossy(&outcome.stderr)
    );
    assert_eq!(
        String::from_utf8(read_to_end(collected).await).unwrap(),
        "hello from a vat cell\nQUIET WORDS, SAID TWICE\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vat_cell_without_its_grant_fails_and_says_why() {
    let (other, _collected) = sink();
    let outcome = with_shout(vec![Grant::new("log", other)], |shout| async move {
        let e = write(&shout, b"anyone there?").await.unwrap_err();
        assert!(
            e.to_string().contains("no capability is granted as `out`"),
            "{e}"
        );
    })
    .await;
    assert_eq!(outcome.ended, Ended::Exit(1));
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    assert!(stderr.contains("granted: log"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vat_cell_is_held_to_its_attenuated_grant() {
    let (out, collected) = sink();
    let write_only = Policy::named(byte_stream::Client::TYPE_ID, &["write"]).unwrap();
    let grant = Grant::new("out", out).only(&write_only);
    let outcome = with_shout(vec![grant], |shout| async move {
        // Inside the cell, `out.write` is granted...
        write(&shout, b"allowed\n").await.unwrap();
        // ...and `out.close` is not: the cell's call is refused by the
        // host's membrane, and the cell passes the refusal on.
        let Err(e) = shout.close_request().send().promise.await else {
            panic!("a denied close went through");
        };
        assert!(
            e.to_string()
                .contains(&format!("{DENIED}: ByteStream.close")),
            "{e}"
        );
    })
    .await;
    assert_eq!(outcome.ended, Ended::Exit(0));
    assert_eq!(
        String::from_utf8(read_to_end(collected).await).unwrap(),
        "hello from a vat cell\nALLOWED\n"
    );
}

#[test]
fn a_membrane_refuses_two_grants_under_one_name() {
    let (a, _) = sink();
    let (b, _) = sink();
    let e = Membrane::new(
        &Epoch::new(),
        vec![Grant::new("out", a), Grant::new("out", b)],
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "`out` is granted twice; give each grant its own name"
    );
}
