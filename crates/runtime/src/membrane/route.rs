//! HTTP routes served by cells: each request to a route of the node's HTTP
//! server is served by a process of the route's cell, spawned through its
//! `Executor` in `http` mode (WAGI over Cap'n Proto, so an attenuated or
//! remote executor serves as well as a local one).

use std::rc::Rc;

use http::StatusCode;
use tokio::sync::mpsc;

use super::CellSpec;
use crate::cells::Ended;
use crate::cells::wagi::{self, Wagi};
use crate::schema::runtime_capnp::{Mode, process};
use crate::schema::stream_capnp::byte_stream;
use crate::web::Exchange;

/// How many requests may wait for a route's handler.
const QUEUE: usize = 256;
/// The most a cell may write as its response.
const MAX_RESPONSE: usize = 16 << 20;

/// Serves the requests of one route of the server at `server` with `cell`
/// (whose CID is `cid`) until the route is removed. Runs on a `LocalSet`.
pub(super) fn serve_route(
    cell: CellSpec,
    cid: String,
    server: std::net::SocketAddr,
) -> mpsc::Sender<Exchange> {
    let (handler, mut requests) = mpsc::channel::<Exchange>(QUEUE);
    let wagi = Rc::new(Wagi {
        server_name: server.ip().to_string(),
        server_port: server.port(),
        ..Wagi::default()
    });
    tokio::task::spawn_local(async move {
        let cell = Rc::new(cell);
        let cid: Rc<str> = cid.into();
        while let Some(exchange) = requests.recv().await {
            let (cell, cid, wagi) = (cell.clone(), cid.clone(), wagi.clone());
            tokio::task::spawn_local(async move {
                let response = match answer(&cell, &cid, &wagi, &exchange).await {
                    Ok(r) => r,
                    Err(e) => wagi::error(
                        &cid,
                        StatusCode::BAD_GATEWAY,
                        &format!("the cell could not serve the request: {e}"),
                    ),
                };
                let _ = exchange.respond.send(response);
            });
        }
    });
    handler
}

/// One request served by a fresh process of `cell`.
async fn answer(
    cell: &CellSpec,
    cid: &str,
    wagi: &Wagi,
    exchange: &Exchange,
) -> Result<http::Response<Vec<u8>>, capnp::Error> {
    let body = exchange.request.body();
    if body.len() > wagi.max_body {
        return Ok(wagi::too_large(cid));
    }
    let env = wagi::environment(&exchange.request, body.len(), &exchange.route, wagi);
    // A request waits for its answer: the route's timeout, not a process's.
    let process = cell.spawn(Mode::Http, env, wagi.limits.timeout.as_millis() as u64);
    // Pipelined: stdin and stdout are asked for before spawn returns.
    let stdin = process.stdin_request().send().pipeline.get_stream();
    let stdout = process.stdout_request().send().pipeline.get_stream();
    let write = async {
        if !body.is_empty() {
            let mut w = stdin.write_request();
            w.get().set_data(body);
            w.send().promise.await?;
        }
        stdin.close_request().send().promise.await?;
        Ok::<_, capnp::Error>(())
    };
    // The body is written while the response is read: a cell may answer
    // before it has read everything, and one that exits without reading
    // it all has not failed by that alone (a failure shows in how it
    // ended), so a failed write is not an error here.
    let (_, output) = futures::join!(write, read_all(&stdout));
    let output = output?;
    let waited = process.wait_request().send().promise.await?;
    let w = waited.get()?;
    let ended = Ended::from_wire(
        w.get_ended()?.to_str()?,
        w.get_exit_code(),
        w.get_reason()?.to_str()?,
    );
    if let Ok(stderr) = read_stderr(&process).await {
        wagi::log_stderr(cid, &stderr);
    }
    match output {
        None => Ok(wagi::error(
            cid,
            StatusCode::BAD_GATEWAY,
            &format!(
                "the cell's response is larger than {} MiB",
                MAX_RESPONSE >> 20
            ),
        )),
        Some(stdout) => Ok(wagi::response(cid, &ended, &stdout)),
    }
}

/// Everything `stream` gives, or `None` past [`MAX_RESPONSE`].
pub(super) async fn read_all(
    stream: &byte_stream::Client,
) -> Result<Option<Vec<u8>>, capnp::Error> {
    let mut out = Vec::new();
    loop {
        let mut read = stream.read_request();
        read.get().set_max(64 << 10);
        let response = read.send().promise.await?;
        let data = response.get()?.get_data()?;
        if data.is_empty() {
            return Ok(Some(out));
        }
        if out.len() + data.len() > MAX_RESPONSE {
            return Ok(None);
        }
        out.extend_from_slice(data);
    }
}

async fn read_stderr(process: &process::Client) -> Result<Vec<u8>, capnp::Error> {
    let stream = process.stderr_request().send().pipeline.get_stream();
    Ok(read_all(&stream).await?.unwrap_or_default())
}
