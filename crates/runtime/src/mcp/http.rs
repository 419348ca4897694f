//! `ww mcp` over Streamable HTTP, at `/mcp` on a node's admin plane. Each
//! MCP session is a Glia session holding the node's own capabilities
//! (through its control socket, as an attached shell's), narrowed as
//! `ww run --mcp-grant`/`--mcp-policy` say; every request must carry the
//! bearer token in `~/.ww/mcp-token`.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use subtle::ConstantTimeEq;

use super::{Options, Server, Transport, token};

/// Where the endpoint is on the admin plane.
pub const PATH: &str = "/mcp";

/// MCP sessions a node keeps at once: each holds a thread, an async
/// runtime and a connection to the node. An idle one ends after rmcp's
/// keep-alive (5 minutes), or when its client ends it.
const MAX_SESSIONS: usize = 64;

/// The token, and where it is (for what a refused client is told).
struct Token {
    value: String,
    path: String,
}

/// The `/mcp` route, for the admin plane at `admin`: sessions made with
/// `options`, behind the token in `token_path` (made if missing). Fails,
/// saying why, if the token cannot be had or `options` grant what no root
/// has, so a node with a bad policy does not boot.
pub fn router(
    options: Options,
    token_path: &Path,
    admin: SocketAddr,
) -> Result<axum::Router, String> {
    options.check()?;
    let token = Arc::new(Token {
        value: token::load_or_create(token_path)?,
        path: token_path.display().to_string(),
    });
    // Its count, less this one, is the sessions open: each session's
    // thread holds a clone until it ends.
    let open = Arc::new(());
    let factory = move || {
        if Arc::strong_count(&open) > MAX_SESSIONS {
            return Err(std::io::Error::other(format!(
                "{MAX_SESSIONS} MCP sessions are open, as many as a node keeps: end one (DELETE {PATH} with its Mcp-Session-Id) or wait for one to idle out"
            )));
        }
        Server::spawn(options.clone(), Transport::Http, None, open.clone())
    };
    let config = StreamableHttpServerConfig::default();
    // rmcp checks the Host header against loopback names, against DNS
    // rebinding. A node serving its admin plane beyond loopback is reached
    // by names it cannot know; the token guards it there.
    let config = if admin.ip().is_loopback() {
        config
    } else {
        config.disable_allowed_hosts()
    };
    let service =
        StreamableHttpService::new(factory, Arc::new(LocalSessionManager::default()), config);
    Ok(axum::Router::new()
        .route_service(PATH, service)
        .route_layer(axum::middleware::from_fn(ended_is_no_content))
        .route_layer(axum::middleware::from_fn_with_state(token, bearer)))
}

/// rmcp answers a session's end (DELETE) with 202; the Python SDK, the
/// reference client, takes only 200 or 204 for success and logs a failure
/// otherwise. The session has ended at once, so 204 is the truer answer.
async fn ended_is_no_content(request: Request, next: Next) -> Response {
    let delete = request.method() == axum::http::Method::DELETE;
    let mut response = next.run(request).await;
    if delete && response.status() == StatusCode::ACCEPTED {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    response
}

/// Lets through requests with the token; refuses others with 401 and how
/// to get it.
async fn bearer(State(token): State<Arc<Token>>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let why = match given {
        // In constant time, so the answer's timing tells nothing of it.
        Some(given) if bool::from(given.trim().as_bytes().ct_eq(token.value.as_bytes())) => {
            return next.run(request).await;
        }
        Some(_) => "the token given is not this node's",
        None => "this endpoint wants the node's MCP token",
    };
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        format!(
            "{why}: send `Authorization: Bearer <token>`, the token being what {} holds\n",
            token.path
        ),
    )
        .into_response()
}
