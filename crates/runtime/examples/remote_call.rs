//! Round trips of calls across peers, on loopback: two nodes in two
//! threads (each its own runtime, as two processes would be), the caller
//! timing each call alone, then the percentiles. Three measures:
//!
//! - `ByteStream.read(0)` on a capability the other node exported (the
//!   transport: Cap'n Proto over a libp2p stream, TCP + Noise + Yamux);
//! - `Greeter.greet` on the greeter cell the other node runs for this
//!   connection (the transport, then the host's RPC with the cell);
//! - a fresh dial of the greeter and its first greet (a new stream and a
//!   new cell).
//!
//! `bench/run` (its capabilities section) builds and runs it in release.

use std::sync::Arc;
use std::time::{Duration, Instant};

use capnp::capability::{Client, FromClientHook};
use clap::Parser;
use libp2p::identity::Keypair;
use runtime::cells::CellHost;
use runtime::membrane::{ByteStream, Epoch, HostServer, RuntimeServer};
use runtime::p2p::{LazyNetwork, Network};
use runtime::schema::greeter_capnp::greeter;
use runtime::schema::host_capnp::host;
use runtime::schema::stream_capnp::byte_stream;

#[derive(Debug, Parser)]
struct Args {
    /// Calls timed per measure (after as many again to warm up).
    #[arg(long, default_value_t = 10_000)]
    calls: usize,
    /// Fresh dials timed.
    #[arg(long, default_value_t = 200)]
    dials: usize,
}

fn local() -> (tokio::runtime::Runtime, tokio::task::LocalSet) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    (rt, tokio::task::LocalSet::new())
}

async fn node() -> (host::Client, String, String) {
    let key = Keypair::generate_ed25519();
    let network = Network::start(key.clone(), &["/ip4/127.0.0.1/tcp/0".parse().unwrap()])
        .await
        .expect("a node");
    let addr = network.listen_addrs().await.expect("addresses")[0].to_string();
    let id = network.peer_id().to_string();
    (
        HostServer::new(LazyNetwork::ready(network, key)).client(),
        id,
        addr,
    )
}

/// The exporting node, in a thread of its own: exports a `ByteStream` as
/// "bench" and serves a greeter cell per connection as "greeter". Sends
/// its peer id and address, then serves until the process ends.
fn exporter(ready: std::sync::mpsc::Sender<(String, String)>) {
    let (rt, local) = local();
    local.block_on(&rt, async move {
        let (host, id, addr) = node().await;
        let (ours, theirs) = tokio::io::duplex(64);
        let stream = ByteStream::new(Some(ours), None::<tokio::io::DuplexStream>).client();
        let mut export = host.export_request();
        export.get().set_name("bench");
        export
            .get()
            .init_cap()
            .set_as_capability(stream.client.hook);
        export.send().promise.await.expect("export");

        let cells = Arc::new(CellHost::new(None).expect("a cell host"));
        let runtime = RuntimeServer::new(cells, &Epoch::new()).client();
        let mut load = runtime.load_request();
        load.get().set_wasm(runtime::std_cells::GREETER);
        let mut listen = host.listen_request();
        listen
            .get()
            .init_cell()
            .set_executor(load.send().pipeline.get_executor());
        listen.get().set_path("/ww/0.1.0/vat/greeter");
        let _listener = listen.send().promise.await.expect("listen");

        ready.send((id, addr)).expect("the caller waits");
        let _keep = (host, theirs);
        std::future::pending::<()>().await;
    });
}

async fn dial(host: &host::Client, peer: &str, name: &str) -> Client {
    let mut dial = host.dial_request();
    dial.get().set_peer_id(peer);
    dial.get().set_name(name);
    let response = dial.send().promise.await.expect("dial");
    response
        .get()
        .unwrap()
        .get_cap()
        .get_as_capability()
        .unwrap()
}

async fn read0(stream: &byte_stream::Client) {
    let mut request = stream.read_request();
    request.get().set_max(0);
    request.send().promise.await.expect("read");
}

async fn greet(greeter: &greeter::Client) {
    let mut request = greeter.greet_request();
    request.get().set_name("ada");
    let response = request.send().promise.await.expect("greet");
    std::hint::black_box(response.get().unwrap().get_count());
}

/// Times `n` calls of `call`, each alone.
async fn time<F: AsyncFnMut()>(n: usize, mut call: F) -> Vec<Duration> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        call().await;
        times.push(start.elapsed());
    }
    times.sort();
    times
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(what: &str, times: &[Duration]) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let total: Duration = times.iter().sum();
    println!(
        "| {what} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
        times.len(),
        us(percentile(times, 0.5)),
        us(percentile(times, 0.9)),
        us(percentile(times, 0.99)),
        us(*times.last().unwrap()),
        times.len() as f64 / total.as_secs_f64(),
    );
}

fn main() {
    let args = Args::parse();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || exporter(tx));
    let (peer, addr) = rx.recv().expect("the exporter starts");
    let (rt, local) = local();
    local.block_on(&rt, async {
        let (host, _, _) = node().await;
        let mut connect = host.connect_request();
        connect.get().set_peer_id(&peer);
        connect.get().init_addrs(1).set(0, &addr);
        connect.send().promise.await.expect("connect");

        println!(
            "| call, over loopback libp2p | calls | p50 µs | p90 µs | p99 µs | max µs | calls/s |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|");
        let stream = byte_stream::Client::new(dial(&host, &peer, "bench").await.hook);
        time(args.calls, async || read0(&stream).await).await;
        report(
            "`ByteStream.read(0)` on an exported capability",
            &time(args.calls, async || read0(&stream).await).await,
        );
        let g = greeter::Client::new(dial(&host, &peer, "greeter").await.hook);
        time(args.calls, async || greet(&g).await).await;
        report(
            "`Greeter.greet` on the peer's greeter cell for this connection",
            &time(args.calls, async || greet(&g).await).await,
        );
        report(
            "dial `greeter` + first `greet` (a new stream, a new cell)",
            &time(args.dials, async || {
                let g = greeter::Client::new(dial(&host, &peer, "greeter").await.hook);
                greet(&g).await;
            })
            .await,
        );
    });
}
