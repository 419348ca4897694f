//! [`Routes`]: which handler serves which path.

use std::sync::{Arc, RwLock};

use http::{Request, Response};
use tokio::sync::{mpsc, oneshot};

/// A request for a route's handler, and where its response goes.
#[derive(Debug)]
pub struct Exchange {
    /// The route the request matched (`/status`), for `SCRIPT_NAME`.
    pub route: String,
    pub request: Request<Vec<u8>>,
    pub respond: oneshot::Sender<Response<Vec<u8>>>,
}

/// Where a route's requests go.
pub type Handler = mpsc::Sender<Exchange>;

/// The HTTP routes of a node, shared by the server and whoever adds routes,
/// and the metrics the server counts its responses in.
#[derive(Clone, Debug, Default)]
pub struct Routes {
    table: Arc<RwLock<Vec<(String, Handler)>>>,
    pub metrics: Arc<super::Metrics>,
}

/// Checks a route's path: absolute, no query, fragment or empty, `.` or
/// `..` segment, no trailing slash (but `/` itself).
pub fn check_path(path: &str) -> Result<(), String> {
    let problem = if !path.starts_with('/') {
        Some("it does not start with /")
    } else if path.contains(['?', '#']) {
        Some("a route has no query or fragment")
    } else if path.len() > 1 && path.ends_with('/') {
        Some("a route does not end with /")
    } else if path.len() > 1
        && path[1..]
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
    {
        Some("a route has no empty, . or .. segment")
    } else if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("a route has no spaces or control characters")
    } else {
        None
    };
    match problem {
        Some(why) => Err(format!("{path:?} cannot be a route: {why}")),
        None => Ok(()),
    }
}

/// Whether `route` serves `path`: the path is the route or below it.
fn serves(route: &str, path: &str) -> bool {
    route == "/"
        || path == route
        || (path.starts_with(route) && path.as_bytes().get(route.len()) == Some(&b'/'))
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    /// Adds `path`, served by `handler`; refused if it is taken or not a
    /// valid route.
    pub fn add(&self, path: &str, handler: Handler) -> Result<(), String> {
        check_path(path)?;
        let mut routes = self
            .table
            .write()
            .expect("the route table is never poisoned");
        // A route whose handler is gone (its listener dropped) is free.
        routes.retain(|(_, h)| !h.is_closed());
        if routes.iter().any(|(p, _)| p == path) {
            return Err(format!(
                "the route {path} is taken: close its listener first"
            ));
        }
        routes.push((path.to_string(), handler));
        Ok(())
    }

    /// Removes `path`.
    pub fn remove(&self, path: &str) {
        let mut routes = self
            .table
            .write()
            .expect("the route table is never poisoned");
        routes.retain(|(p, _)| p != path);
    }

    /// The route serving `path` (the longest that does) and its handler.
    pub fn find(&self, path: &str) -> Option<(String, Handler)> {
        let routes = self
            .table
            .read()
            .expect("the route table is never poisoned");
        routes
            .iter()
            .filter(|(route, handler)| serves(route, path) && !handler.is_closed())
            .max_by_key(|(route, _)| route.len())
            .map(|(r, h)| (r.clone(), h.clone()))
    }

    /// The paths served, sorted.
    pub fn paths(&self) -> Vec<String> {
        let routes = self
            .table
            .read()
            .expect("the route table is never poisoned");
        let mut paths: Vec<String> = routes.iter().map(|(p, _)| p.clone()).collect();
        paths.sort();
        paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handler() -> Handler {
        // The receiver is leaked so the handler stays open.
        let (tx, rx) = mpsc::channel(1);
        std::mem::forget(rx);
        tx
    }

    #[test]
    fn the_longest_route_on_a_segment_boundary_wins() {
        let routes = Routes::new();
        routes.add("/", handler()).unwrap();
        routes.add("/status", handler()).unwrap();
        routes.add("/status/deep", handler()).unwrap();
        let route = |p: &str| routes.find(p).map(|(r, _)| r);
        assert_eq!(route("/status").as_deref(), Some("/status"));
        assert_eq!(route("/status/x").as_deref(), Some("/status"));
        assert_eq!(route("/status/deep/er").as_deref(), Some("/status/deep"));
        assert_eq!(route("/statusx").as_deref(), Some("/"));
        routes.remove("/");
        assert_eq!(route("/statusx"), None);
    }

    #[test]
    fn taken_and_malformed_routes_are_refused() {
        let routes = Routes::new();
        routes.add("/a", handler()).unwrap();
        assert!(routes.add("/a", handler()).unwrap_err().contains("taken"));
        for bad in ["a", "/a/", "/a?b", "/a//b", "/a/../b", "/a b", ""] {
            assert!(routes.add(bad, handler()).is_err(), "{bad:?}");
        }
        // A route whose handler is gone is free again.
        let (tx, rx) = mpsc::channel(1);
        routes.add("/b", tx).unwrap();
        drop(rx);
        assert!(routes.find("/b").is_none());
        routes.add("/b", handler()).unwrap();
        assert_eq!(routes.paths(), ["/a", "/b"]);
    }
}
