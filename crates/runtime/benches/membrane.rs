//! Cap'n Proto calls in one process: the round trip of a local call, and
//! what the membrane's guard adds to it, once and stacked twice, for a
//! method whose results cannot hold a capability (forwarded untouched) and
//! for one whose results can (copied, capabilities wrapped).

mod common;

use std::rc::Rc;
use std::time::{Duration, Instant};

use capnp::traits::HasTypeId;
use criterion::{Criterion, criterion_group, criterion_main};
use runtime::membrane::{ByteStream, Epoch, Grant, Membrane, Policy, guard};
use runtime::schema::membrane_capnp::membrane;
use runtime::schema::stream_capnp::byte_stream;
use tokio::io::DuplexStream;

/// Times `iters` sequential `graft` calls.
async fn grafts(cap: &membrane::Client, iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let response = cap.graft_request().send().promise.await.expect("graft");
        std::hint::black_box(
            response
                .get()
                .expect("results")
                .get_exports()
                .expect("list")
                .len(),
        );
    }
    start.elapsed()
}

fn calls(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let local = tokio::task::LocalSet::new();
    let epoch = Epoch::new();
    let (ours, _theirs) = tokio::io::duplex(64);
    let stream = ByteStream::new(Some(ours), None::<DuplexStream>).client();
    let reads_only =
        Rc::new(Policy::named(byte_stream::Client::TYPE_ID, &["read"]).expect("a policy"));
    let stream_once = guard(stream.clone(), reads_only.clone(), &epoch);
    let stream_twice = guard(stream_once.clone(), reads_only.clone(), &epoch);

    let mut group =
        c.benchmark_group("local call, results without capabilities (ByteStream.read 0)");
    for (name, cap) in [
        ("direct", &stream),
        ("one guard", &stream_once),
        ("two guards", &stream_twice),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| rt.block_on(local.run_until(common::reads(cap, iters))))
        });
    }
    group.finish();

    // `graft`'s results can hold capabilities: the guard copies them.
    let (ours, _theirs2) = tokio::io::duplex(64);
    let granted = ByteStream::new(Some(ours), None::<DuplexStream>).client();
    let empty = Membrane::new(&epoch, []).expect("no grants").client();
    let one = Membrane::new(&epoch, [Grant::new("s", granted)])
        .expect("a grant")
        .client();
    let empty_once = guard(empty.clone(), reads_only.clone(), &epoch);
    let one_once = guard(one.clone(), reads_only, &epoch);
    let mut group =
        c.benchmark_group("local call, results that can hold capabilities (Membrane.graft)");
    for (name, cap) in [
        ("direct, none returned", &empty),
        ("one guard, none returned", &empty_once),
        ("direct, one returned", &one),
        ("one guard, one returned and wrapped", &one_once),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| rt.block_on(local.run_until(grafts(cap, iters))))
        });
    }
    group.finish();
}

criterion_group!(benches, calls);
criterion_main!(benches);
