//! HTTP listeners: a route of the node's HTTP server served by a cell
//! spawned through its `Executor` in `http` mode, once per request (WAGI
//! over Cap'n Proto, so an attenuated or remote executor serves as well
//! as a local one).

use std::rc::Rc;

use capnp::capability::Client;
use http::StatusCode;
use tokio::sync::mpsc;

use crate::cells::Ended;
use crate::cells::wagi::{self, Wagi};
use crate::schema::host_capnp::listener;
use crate::schema::runtime_capnp::{Mode, cell, executor};
use crate::schema::stream_capnp::byte_stream;
use crate::web::{Exchange, Routes};

/// How many requests may wait for a route's handler.
const QUEUE: usize = 256;
/// The most a cell may write as its response.
const MAX_RESPONSE: usize = 16 << 20;

/// A cell as a listener runs it: the `Cell` struct, owned.
#[derive(Clone)]
pub(super) struct CellSpec {
    executor: executor::Client,
    args: Vec<String>,
    env: Vec<(String, String)>,
    /// What each process is granted (it grafts them over its membrane
    /// channel).
    grants: Vec<(String, Client)>,
    limits: [u64; 4],
}

impl CellSpec {
    /// The CID of the cell, asked of its executor.
    pub(super) async fn cid(&self) -> Result<String, capnp::Error> {
        let response = self.executor.cid_request().send().promise.await?;
        Ok(response.get()?.get_cid()?.to_string()?)
    }

    pub(super) fn read(cell: cell::Reader<'_>) -> Result<CellSpec, capnp::Error> {
        let mut grants = Vec::new();
        for export in cell.get_grants()? {
            grants.push((
                export.get_name()?.to_string()?,
                export.get_cap().get_as_capability()?,
            ));
        }
        let mut env = Vec::new();
        for var in cell.get_env()? {
            env.push((var.get_name()?.to_string()?, var.get_value()?.to_string()?));
        }
        let limits = if cell.has_limits() {
            let l = cell.get_limits()?;
            [
                l.get_memory_bytes(),
                l.get_cpu_millis(),
                l.get_timeout_millis(),
                l.get_fuel(),
            ]
        } else {
            [0; 4]
        };
        Ok(CellSpec {
            executor: cell.get_executor()?,
            args: cell
                .get_args()?
                .iter()
                .map(|a| Ok(a?.to_string()?))
                .collect::<Result<_, capnp::Error>>()?,
            env,
            grants,
            limits,
        })
    }
}

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
    let mut env = wagi::environment(&exchange.request, body.len(), &exchange.route, wagi);
    env.extend(cell.env.iter().cloned());

    let mut spawn = cell.executor.spawn_request();
    {
        let mut p = spawn.get();
        p.set_mode(Mode::Http);
        let mut args = p.reborrow().init_args(cell.args.len() as u32);
        for (i, a) in cell.args.iter().enumerate() {
            args.set(i as u32, a);
        }
        let mut vars = p.reborrow().init_env(env.len() as u32);
        for (i, (name, value)) in env.iter().enumerate() {
            let mut v = vars.reborrow().get(i as u32);
            v.set_name(name);
            v.set_value(value);
        }
        let mut grants = p.reborrow().init_grants(cell.grants.len() as u32);
        for (i, (name, cap)) in cell.grants.iter().enumerate() {
            let mut export = grants.reborrow().get(i as u32);
            export.set_name(name);
            export.init_cap().set_as_capability(cap.hook.add_ref());
        }
        let [memory, cpu, timeout, fuel] = cell.limits;
        let mut l = p.init_limits();
        l.set_memory_bytes(memory);
        l.set_cpu_millis(cpu);
        // A request waits for its answer: the route's timeout, not a
        // process's.
        l.set_timeout_millis(if timeout == 0 {
            wagi.limits.timeout.as_millis() as u64
        } else {
            timeout
        });
        l.set_fuel(fuel);
    }
    // Pipelined: stdin and stdout are asked for before spawn returns.
    let process = spawn.send().pipeline.get_process();
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
async fn read_all(stream: &byte_stream::Client) -> Result<Option<Vec<u8>>, capnp::Error> {
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

async fn read_stderr(
    process: &crate::schema::runtime_capnp::process::Client,
) -> Result<Vec<u8>, capnp::Error> {
    let stream = process.stderr_request().send().pipeline.get_stream();
    Ok(read_all(&stream).await?.unwrap_or_default())
}

/// The `Listener` of one route.
pub(super) struct ListenerServer {
    pub(super) routes: Routes,
    pub(super) path: String,
    pub(super) url: String,
}

impl listener::Server for ListenerServer {
    async fn url(
        self: Rc<Self>,
        _: listener::UrlParams,
        mut results: listener::UrlResults,
    ) -> Result<(), capnp::Error> {
        results.get().set_url(&self.url);
        Ok(())
    }

    async fn close(
        self: Rc<Self>,
        _: listener::CloseParams,
        _: listener::CloseResults,
    ) -> Result<(), capnp::Error> {
        self.routes.remove(&self.path);
        Ok(())
    }
}
