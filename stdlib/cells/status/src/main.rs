//! `status`: the standard health cell, a WAGI handler (`WW_CELL_MODE=http`)
//! mounted at `/status` by `etc/init.d/05-status.glia`.
//!
//! `GET` (or `HEAD`) answers `200` with JSON:
//!
//! ```json
//! {"status":"ok","cell":"status","version":"0.1.0","mode":"http"}
//! ```
//!
//! - `version` is the node's: taken from `SERVER_SOFTWARE` when the host sets
//!   it to `ww/<version>`, else this cell's own crate version.
//! - `mode` is `WW_CELL_MODE` as the cell saw it (`null` if unset).
//!
//! The node facts the upstream cell also reports (`peer_id`, `listen_addrs`,
//! `peer_count`) need the `host` capability, which cells receive over Cap'n
//! Proto (vat mode) in a later issue; until then they are left out rather than
//! faked. Any other method answers `405` with `Allow: GET, HEAD`.

use ww_guest::json::Object;
use ww_guest::wagi::{Request, Response};

fn main() {
    let req = Request::from_env();
    let resp = respond(&req, ww_guest::mode().as_value());
    if let Err(e) = resp.send() {
        eprintln!("status: cannot write the response: {e}");
        std::process::exit(1);
    }
}

fn respond(req: &Request, mode: Option<&str>) -> Response {
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
    let body = Object::new()
        .str("status", "ok")
        .str("cell", "status")
        .str("version", version)
        .opt_str("mode", mode)
        .build();
    Response::json(200, body + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(vars: &[(&str, &str)], mode: Option<&str>) -> String {
        let req = Request::from_vars(vars.iter().copied());
        String::from_utf8(respond(&req, mode).to_bytes().unwrap()).unwrap()
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
