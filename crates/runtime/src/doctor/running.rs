//! The nodes running here (the state files in `~/.ww/run` whose sockets
//! answer), and whether each has run its init scripts.

use std::time::Duration;

use runtime::node::state::State;

use super::Finding;

const WHAT: &str = "local node";

pub fn check(rt: &tokio::runtime::Runtime, nodes: &[State]) -> Finding {
    if nodes.is_empty() {
        return Finding::note(
            WHAT,
            "none runs here",
            "`ww run` boots one; `ww shell` then attaches to it",
        );
    }
    let described: Vec<String> = nodes.iter().map(|node| describe(rt, node)).collect();
    Finding::ok(WHAT, described.join("; "))
}

fn describe(rt: &tokio::runtime::Runtime, node: &State) -> String {
    let readiness = match &node.admin {
        Some(admin) => match rt.block_on(ready(admin)) {
            Ok(true) => "ready".to_string(),
            Ok(false) => "still running its init scripts".to_string(),
            Err(why) => format!("its admin plane does not answer: {why}"),
        },
        None => "admin plane off".to_string(),
    };
    format!(
        "pid {}, peer id {}, HTTP on {}, {readiness}",
        node.pid, node.peer_id, node.http
    )
}

/// Whether the node's `/readyz` says its init scripts have run.
async fn ready(admin: &str) -> Result<bool, String> {
    let client = runtime::outbound_http::http_client()
        .timeout(Duration::from_secs(2))
        .build()
        .map_err(|e| runtime::outbound_http::with_causes(&e))?;
    let response = client
        .get(format!("http://{admin}/readyz"))
        .send()
        .await
        .map_err(|e| runtime::outbound_http::with_causes(&e))?;
    Ok(response.status().is_success())
}
