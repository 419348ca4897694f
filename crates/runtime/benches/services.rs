//! What serving through capabilities costs end to end, on loopback: an
//! HTTP request to a route of `Host.listen` (axum, then the cell spawned
//! through its executor over Cap'n Proto) against the same cell served by
//! `wagi::serve` directly; and a Cap'n Proto call on a capability a peer
//! exported, over libp2p (TCP, Noise, Yamux), against the same call made
//! locally.

mod common;

use std::sync::Arc;

use capnp::capability::FromClientHook;
use criterion::{Criterion, criterion_group, criterion_main};
use libp2p::identity::Keypair;
use runtime::cells::CellHost;
use runtime::cells::wagi::{self, Wagi};
use runtime::membrane::{ByteStream, Epoch, HostServer, RuntimeServer};
use runtime::p2p::{LazyNetwork, Network};
use runtime::schema::host_capnp::host;
use runtime::schema::stream_capnp::byte_stream;
use runtime::web::LazyHttp;
use tokio::io::DuplexStream;

async fn node() -> (host::Client, String, String) {
    let key = Keypair::generate_ed25519();
    let network = Network::start(key.clone(), &["/ip4/127.0.0.1/tcp/0".parse().unwrap()])
        .await
        .expect("a node");
    let addr = network.listen_addrs().await.unwrap()[0].to_string();
    let id = network.peer_id().to_string();
    let http = LazyHttp::new((std::net::Ipv4Addr::LOCALHOST, 0).into());
    let host = HostServer::new(LazyNetwork::ready(network, key))
        .serving(http)
        .client();
    (host, id, addr)
}

fn services(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let local = tokio::task::LocalSet::new();
    let cells = Arc::new(CellHost::new(None).expect("a cell host"));
    let epoch = Epoch::new();

    // HTTP: the counter cell behind a route, and served directly.
    let (url, client) = local.block_on(&rt, async {
        let (a, _, _) = node().await;
        let runtime = RuntimeServer::new(cells.clone(), &epoch).client();
        let mut load = runtime.load_request();
        load.get().set_wasm(runtime::std_cells::COUNTER);
        let mut listen = a.listen_request();
        listen
            .get()
            .init_cell()
            .set_executor(load.send().pipeline.get_executor());
        listen.get().set_path("/counter");
        let listener = listen
            .send()
            .promise
            .await
            .unwrap()
            .get()
            .unwrap()
            .get_listener()
            .unwrap();
        let url = listener.url_request().send().promise.await.unwrap();
        let url = url.get().unwrap().get_url().unwrap().to_string().unwrap();
        std::mem::forget(a);
        let _ = rustls::crypto::ring::default_provider().install_default();
        (url, reqwest::Client::new())
    });
    let counter = cells
        .load(runtime::std_cells::COUNTER)
        .expect("the counter cell");
    let mut group = c.benchmark_group("http request, counter cell");
    group.bench_function(
        "through Host.listen (axum + Executor.spawn over Cap'n Proto)",
        |b| {
            b.iter(|| {
                local.block_on(&rt, async {
                    let r = client.get(format!("{url}?n=1")).send().await.unwrap();
                    assert_eq!(r.status(), 200);
                    std::hint::black_box(r.bytes().await.unwrap());
                })
            })
        },
    );
    group.bench_function("wagi::serve directly (no HTTP, no RPC)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let request = http::Request::get("/counter?n=1").body(Vec::new()).unwrap();
                let r = wagi::serve(&cells, &counter, request, &Wagi::default()).await;
                assert_eq!(r.status(), 200);
            })
        })
    });
    group.finish();

    // A call on a capability: here, and exported by a peer over libp2p.
    let (remote, here) = local.block_on(&rt, async {
        let ((a, a_id, a_addr), (b, _, _)) = (node().await, node().await);
        let (ours, _theirs) = tokio::io::duplex(64);
        std::mem::forget(_theirs);
        let stream = ByteStream::new(Some(ours), None::<DuplexStream>).client();
        let mut export = a.export_request();
        export.get().set_name("bench");
        export
            .get()
            .init_cap()
            .set_as_capability(stream.client.hook.add_ref());
        export.send().promise.await.unwrap();
        let mut connect = b.connect_request();
        connect.get().set_peer_id(&a_id);
        connect.get().init_addrs(1).set(0, &a_addr);
        connect.send().promise.await.unwrap();
        let mut dial = b.dial_request();
        dial.get().set_peer_id(&a_id);
        dial.get().set_name("bench");
        let cap = dial.send().promise.await.unwrap();
        let cap: capnp::capability::Client =
            cap.get().unwrap().get_cap().get_as_capability().unwrap();
        std::mem::forget((a, b));
        (byte_stream::Client::new(cap.hook), stream)
    });
    let mut group = c.benchmark_group("ByteStream.read(0) round trip");
    group.bench_function("local", |b| {
        b.iter_custom(|iters| local.block_on(&rt, common::reads(&here, iters)))
    });
    group.bench_function(
        "a peer's export over libp2p (loopback TCP, Noise, Yamux)",
        |b| b.iter_custom(|iters| local.block_on(&rt, common::reads(&remote, iters))),
    );
    group.finish();
}

criterion_group!(benches, services);
criterion_main!(benches);
