//! Services over libp2p streams: serving `/ww/0.1.0/vat/<name>` and
//! `/ww/0.1.0/stream/<name>` (with a capability, or a cell per stream),
//! and reaching what peers serve there.

use capnp::capability::Client;
use capnp_rpc::rpc_twoparty_capnp::Side;
use capnp_rpc::{RpcSystem, twoparty};
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use libp2p::PeerId;
use tokio_util::compat::FuturesAsyncReadCompatExt;

use super::{ByteStream, CellSpec};
use crate::schema::runtime_capnp::{Mode, process};
use crate::schema::stream_capnp::byte_stream;

/// The largest chunk moved at once between a stream and a process.
const CHUNK: u32 = 64 << 10;

/// Accepts the streams of `incoming`, each handed to `serve` as a task of
/// the `LocalSet`; stops when aborted (the handle) or the node does.
pub(crate) fn accept<F, Fut>(
    mut incoming: libp2p_stream::IncomingStreams,
    serve: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(PeerId, libp2p::Stream) -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    tokio::task::spawn_local(async move {
        while let Some((peer, stream)) = incoming.next().await {
            tokio::task::spawn_local(serve(peer, stream));
        }
    })
}

/// A byte stream Cap'n Proto can run over: a libp2p stream, or a Unix
/// socket (through `tokio_util`'s compat).
pub(crate) trait Duplex: futures::AsyncRead + futures::AsyncWrite + Unpin + 'static {}

impl<S: futures::AsyncRead + futures::AsyncWrite + Unpin + 'static> Duplex for S {}

/// A Cap'n Proto connection over `stream`, this side offering `export`
/// (or nothing); returns the other side's bootstrap capability and the
/// connection to run.
fn connect(stream: impl Duplex, side: Side, export: Option<Client>) -> (Client, RpcSystem<Side>) {
    let (reader, writer) = stream.split();
    let network = twoparty::VatNetwork::new(reader, writer, side, Default::default());
    let mut system = RpcSystem::new(Box::new(network), export);
    let theirs = match side {
        Side::Server => Side::Client,
        Side::Client => Side::Server,
    };
    let bootstrap = system.bootstrap(theirs);
    (bootstrap, system)
}

/// Serves `cap` over `stream` until `peer` hangs up.
pub(crate) async fn serve_capability(
    peer: impl std::fmt::Display,
    stream: impl Duplex,
    cap: Client,
) {
    let (_, system) = connect(stream, Side::Server, Some(cap));
    if let Err(e) = system.await {
        eprintln!("ww: the vat connection with {peer} failed: {e}");
    }
}

/// Serves one peer's stream with a fresh process of `cell`: in `vat` mode
/// the process's capability is the connection's bootstrap; in `raw` mode
/// the stream is its stdio. The process is stopped when the stream ends,
/// and has no wall-clock timeout unless the cell says so: it lives as long
/// as its connection (its CPU limit still holds).
pub(super) async fn serve_cell(peer: PeerId, stream: libp2p::Stream, cell: &CellSpec, mode: Mode) {
    let forever = crate::cells::Limits::FOREVER.as_millis() as u64;
    let process = cell.spawn(mode, Vec::new(), forever);
    let served = match mode {
        Mode::Vat => {
            let export = Client::new(
                process
                    .bootstrap_request()
                    .send()
                    .pipeline
                    .get_cap()
                    .as_cap(),
            );
            let (_, system) = connect(stream, Side::Server, Some(export));
            system.await
        }
        _ => pump(stream, &process).await,
    };
    if let Err(e) = served {
        eprintln!("ww: serving {peer} with a cell failed: {e}");
    }
    // Dropping the last reference stops it too; this says so at once.
    let _ = process.kill_request().send().promise.await;
}

/// Copies `stream` to the process's stdin and its stdout to `stream`, both
/// ways at once, until both ends are done.
async fn pump(stream: libp2p::Stream, process: &process::Client) -> Result<(), capnp::Error> {
    let stdin = process.stdin_request().send().pipeline.get_stream();
    let stdout = process.stdout_request().send().pipeline.get_stream();
    let (mut reader, mut writer) = stream.split();
    let inbound = async {
        let mut buf = vec![0; CHUNK as usize];
        loop {
            let n = reader
                .read(&mut buf)
                .await
                .map_err(|e| capnp::Error::disconnected(e.to_string()))?;
            if n == 0 {
                break;
            }
            let mut write = stdin.write_request();
            write.get().set_data(&buf[..n]);
            write.send().promise.await?;
        }
        stdin.close_request().send().promise.await?;
        Ok::<_, capnp::Error>(())
    };
    let outbound = async {
        loop {
            let mut read = stdout.read_request();
            read.get().set_max(CHUNK);
            let response = read.send().promise.await?;
            let data = response.get()?.get_data()?;
            if data.is_empty() {
                break;
            }
            writer
                .write_all(data)
                .await
                .map_err(|e| capnp::Error::disconnected(e.to_string()))?;
        }
        writer
            .close()
            .await
            .map_err(|e| capnp::Error::disconnected(e.to_string()))
    };
    // A peer that stops sending may still read the answer, and a cell
    // that stops reading may still answer: each way ends on its own.
    let (inbound, outbound) = futures::join!(inbound, outbound);
    outbound.and(inbound)
}

/// The capability a peer serves on `stream` (a vat protocol): the
/// connection runs as a task of the `LocalSet` while it is used.
pub(crate) fn dial(stream: impl Duplex) -> Client {
    let (cap, system) = connect(stream, Side::Client, None);
    tokio::task::spawn_local(async move {
        let _ = system.await;
    });
    cap
}

/// `stream` (a stream protocol) as a `ByteStream`.
pub(super) fn byte_stream(stream: libp2p::Stream) -> byte_stream::Client {
    let (reader, writer) = stream.split();
    let reader = reader.compat();
    let writer = tokio_util::compat::FuturesAsyncWriteCompatExt::compat_write(writer);
    ByteStream::new(Some(reader), Some(writer)).client()
}
