//! The admin plane: what operators and their tools ask a node, on its own
//! address (127.0.0.1:2026 by default), apart from the routes cells serve.
//!
//! - `/healthz`: 200 while the process serves.
//! - `/readyz`: 200 once the init scripts have run, 503 before.
//! - `/metrics`: the node's metrics (OpenMetrics text, for Prometheus).
//! - `/host/id`, `/host/addrs`: the peer id, the libp2p addresses (JSON).
//! - `/version`: `ww`'s version and the kernel that runs: the CID of each
//!   init script it ran, or of its pid0 cell.
//!
//! and whatever routes the node is booted with besides (`ww run`'s MCP
//! endpoint, `/mcp`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::p2p::Network;
use crate::web::{Metrics, Routes};

/// What the admin plane reads.
#[derive(Clone, Debug)]
pub struct Admin {
    pub network: Network,
    pub routes: Routes,
    pub metrics: Arc<Metrics>,
    /// Set once the init scripts have run.
    pub ready: Arc<AtomicBool>,
    pub kernel: Arc<Kernel>,
    pub booted: Instant,
}

/// The kernel a node runs, each file named with its CID.
#[derive(Clone, Debug)]
pub enum Kernel {
    /// The Glia kernel: the init scripts, and their CIDs.
    Glia(Vec<(String, String)>),
    /// A pid0 cell: its path in the image, and its CID.
    Cell(String, String),
}

fn json(value: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], value + "\n").into_response()
}

/// `s` as a JSON string.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(admin): State<Admin>) -> Response {
    if admin.ready.load(Ordering::Acquire) {
        "ready\n".into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "booting\n").into_response()
    }
}

async fn metrics(State(admin): State<Admin>) -> Response {
    let m = &admin.metrics;
    if let Ok(peers) = admin.network.peers().await {
        m.peers.set(peers.len() as i64);
    }
    m.routes.set(admin.routes.paths().len() as i64);
    m.uptime_seconds
        .set(admin.booted.elapsed().as_secs() as i64);
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        m.encode(),
    )
        .into_response()
}

async fn host_id(State(admin): State<Admin>) -> String {
    format!("{}\n", admin.network.peer_id())
}

async fn host_addrs(State(admin): State<Admin>) -> Response {
    match admin.network.listen_addrs().await {
        Ok(addrs) => {
            let list: Vec<String> = addrs.iter().map(|a| quote(&a.to_string())).collect();
            json(format!("[{}]", list.join(",")))
        }
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response(),
    }
}

async fn version(State(admin): State<Admin>) -> Response {
    let kernel = match &*admin.kernel {
        Kernel::Glia(scripts) => {
            let scripts: Vec<String> = scripts
                .iter()
                .map(|(path, cid)| format!("{}:{}", quote(path), quote(cid)))
                .collect();
            format!(r#"{{"kind":"glia","init":{{{}}}}}"#, scripts.join(","))
        }
        Kernel::Cell(path, cid) => format!(
            r#"{{"kind":"cell","path":{},"cid":{}}}"#,
            quote(path),
            quote(cid)
        ),
    };
    json(format!(
        r#"{{"version":{},"kernel":{kernel}}}"#,
        quote(env!("CARGO_PKG_VERSION"))
    ))
}

/// Serves the admin plane, and `more` beside it, on `addr` for as long as
/// the runtime runs; returns the address bound.
pub async fn serve(addr: SocketAddr, admin: Admin, more: Router) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/host/id", get(host_id))
        .route("/host/addrs", get(host_addrs))
        .route("/version", get(version))
        .with_state(admin)
        .merge(more);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("ww: the admin server on {bound} stopped: {e}");
        }
    });
    Ok(bound)
}
