//! The HTTP server in front of [`Routes`]: every request goes to the
//! handler of the longest route serving its path.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use http::StatusCode;
use tokio::sync::oneshot;

use super::{Exchange, Routes};

/// The largest request body the server reads.
pub const MAX_BODY: usize = 16 << 20;

fn text(status: StatusCode, message: String) -> Response {
    Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "text/plain")
        .body(Body::from(message + "\n"))
        .expect("a valid response")
}

async fn dispatch(State(routes): State<Routes>, request: Request) -> Response {
    let response = respond(&routes, request).await;
    routes.metrics.http_response(response.status().as_u16());
    response
}

async fn respond(routes: &Routes, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let Some((route, handler)) = routes.find(&path) else {
        return text(StatusCode::NOT_FOUND, format!("no route serves {path}"));
    };
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b.to_vec(),
        Err(_) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than {} MiB", MAX_BODY >> 20),
            );
        }
    };
    let (respond, response) = oneshot::channel();
    let exchange = Exchange {
        route,
        request: http::Request::from_parts(parts, body),
        respond,
    };
    if handler.send(exchange).await.is_err() {
        return text(StatusCode::NOT_FOUND, format!("no route serves {path}"));
    }
    match response.await {
        Ok(r) => r.map(Body::from),
        Err(_) => text(
            StatusCode::BAD_GATEWAY,
            "the route's handler stopped before answering".into(),
        ),
    }
}

/// Binds `addr` and serves `routes` there until the returned task is
/// aborted; returns the address bound (with the real port for port 0).
pub async fn start(
    addr: SocketAddr,
    routes: Routes,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = axum::Router::new().fallback(dispatch).with_state(routes);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("ww: the HTTP server on {bound} stopped: {e}");
        }
    });
    Ok((bound, task))
}
