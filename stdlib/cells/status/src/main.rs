//! `status`: the standard health cell, a WAGI handler (`WW_CELL_MODE=http`)
//! mounted at `/status` by `etc/init.d/05-status.glia`.
//!
//! `GET` (or `HEAD`) answers `200` with JSON:
//!
//! ```json
//! {"status":"ok","cell":"status","version":"0.1.0","mode":"http",
//!  "peer_id":"12D3KooW...","listen_addrs":["/ip4/127.0.0.1/tcp/2025"],"peer_count":0}
//! ```
//!
//! - `version` is the node's: taken from `SERVER_SOFTWARE` when the host sets
//!   it to `ww/<version>`, else this cell's own crate version.
//! - `mode` is `WW_CELL_MODE` as the cell saw it (`null` if unset).
//! - `peer_id`, `listen_addrs` and `peer_count` come from the `host`
//!   capability (its `id`, `addrs` and `peers`), grafted over the membrane
//!   channel, when the cell is granted one as `host`; a cell granted none
//!   leaves them out rather than fake them. A host that fails to answer
//!   makes the answer `503` with `{"status":"error","error":...}`.
//!
//! Any other method answers `405` with `Allow: GET, HEAD`.

use ww_guest::json::{Array, Object};
use ww_guest::schema::host_capnp::host;
use ww_guest::wagi::{Request, Response};

/// What the node says of itself through the `host` grant.
struct Node {
    peer_id: String,
    listen_addrs: Vec<String>,
    peer_count: u32,
}

/// The node's facts, if the cell was granted `host`.
fn node() -> Result<Option<Node>, capnp::Error> {
    let facts = ww_guest::vat::run(|grants| async move {
        if !grants.names().any(|n| n == "host") {
            return Ok(None);
        }
        let host: host::Client = grants.get("host")?;
        let (id, addrs, peers) = futures::try_join!(
            host.id_request().send().promise,
            host.addrs_request().send().promise,
            host.peers_request().send().promise,
        )?;
        let mut listen_addrs = Vec::new();
        for addr in addrs.get()?.get_addrs()? {
            listen_addrs.push(addr?.to_string()?);
        }
        Ok(Some(Node {
            peer_id: id.get()?.get_peer_id()?.to_string()?,
            listen_addrs,
            peer_count: peers.get()?.get_peers()?.len(),
        }))
    });
    match facts {
        // No membrane channel: the cell was granted nothing.
        Err(e) if e.kind == capnp::ErrorKind::Unimplemented => Ok(None),
        other => other,
    }
}

fn main() {
    let req = Request::from_env();
    let mode = ww_guest::mode();
    let resp = match req.method.as_str() {
        "GET" | "HEAD" => match node() {
            Ok(node) => respond(&req, mode.as_value(), node),
            Err(e) => {
                let body = Object::new()
                    .str("status", "error")
                    .str("error", &format!("the host did not answer: {e}"))
                    .build();
                Response::json(503, body + "\n")
            }
        },
        _ => respond(&req, mode.as_value(), None),
    };
    if let Err(e) = resp.send() {
        eprintln!("status: cannot write the response: {e}");
        std::process::exit(1);
    }
}

fn respond(req: &Request, mode: Option<&str>, node: Option<Node>) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        let body = Object::new()
            .str("status", "error")
            .str("error", &format!("method {} not allowed", req.method))
            .build();
        return Response::json(405, body + "\n").header("Allow", "GET, HEAD");
    }
    let version = req
        .server_software
        .as_deref()
        .and_then(|s| s.strip_prefix("ww/"))
        .map(|v| v.split_whitespace().next().unwrap_or(v))
        .filter(|v| !v.is_empty())
        .unwrap_or(env!("CARGO_PKG_VERSION"));
    let mut body = Object::new()
        .str("status", "ok")
        .str("cell", "status")
        .str("version", version)
        .opt_str("mode", mode);
    if let Some(node) = node {
        let addrs = node
            .listen_addrs
            .iter()
            .fold(Array::new(), |a, addr| a.str(addr))
            .build();
        body = body
            .str("peer_id", &node.peer_id)
            .raw("listen_addrs", &addrs)
            .num("peer_count", node.peer_count);
    }
    Response::json(200, body.build() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(vars: &[(&str, &str)], mode: Option<&str>) -> String {
        let req = Request::from_vars(vars.iter().copied());
        String::from_utf8(respond(&req, mode, None).to_bytes().unwrap()).unwrap()
    }

    #[test]
    fn the_node_facts_come_after_the_cells() {
        let req = Request::from_vars([("REQUEST_METHOD", "GET")]);
        let node = Node {
            peer_id: "12D3KooWx".into(),
            listen_addrs: vec!["/ip4/127.0.0.1/tcp/2025".into(), "/ip6/::1/tcp/2025".into()],
            peer_count: 2,
        };
        let out =
            String::from_utf8(respond(&req, Some("http"), Some(node)).to_bytes().unwrap()).unwrap();
        assert!(
            out.ends_with(
                ",\"mode\":\"http\",\"peer_id\":\"12D3KooWx\",\"listen_addrs\":[\"/ip4/127.0.0.1/tcp/2025\",\"/ip6/::1/tcp/2025\"],\"peer_count\":2}\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn get_answers_ok() {
        assert_eq!(
            answer(
                &[
                    ("REQUEST_METHOD", "GET"),
                    ("SERVER_SOFTWARE", "ww/1.2.3 (linux)")
                ],
                Some("http")
            ),
            "Status: 200 OK\ncontent-type: application/json\n\n\
             {\"status\":\"ok\",\"cell\":\"status\",\"version\":\"1.2.3\",\"mode\":\"http\"}\n"
        );
        assert!(
            answer(&[("SERVER_SOFTWARE", "nginx")], None).contains(&format!(
                "{{\"status\":\"ok\",\"cell\":\"status\",\"version\":\"{}\",\"mode\":null}}",
                env!("CARGO_PKG_VERSION")
            ))
        );
    }

    #[test]
    fn other_methods_are_refused() {
        let out = answer(&[("REQUEST_METHOD", "POST")], Some("http"));
        assert!(out.starts_with("Status: 405 Method Not Allowed\n"), "{out}");
        assert!(out.contains("\nAllow: GET, HEAD\n"), "{out}");
    }
}
