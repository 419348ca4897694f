//! examples/status: the default image's /status, and the same cell
//! granted less at /status/bare and /status/id-only.

use super::node;
use crate::common::get;

#[test]
fn each_status_view_says_what_its_grant_allows() {
    let (_home, node) = node("status", Some("examples/status"), None);
    assert!(node.log.contains("10-views.glia: ok"), "{}", node.log);
    let json = |path: &str| {
        let (status, body) = get(&node.http, path);
        let value: serde_json::Value =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
        (status, value)
    };

    let (status, whole) = json("/status");
    assert_eq!(status, 200, "{whole}");
    assert_eq!(whole["status"], "ok");
    assert_eq!(whole["peer_id"], node.peer_id.as_str());
    assert!(
        whole["listen_addrs"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == node.libp2p.as_str())),
        "{whole}"
    );
    assert_eq!(whole["peer_count"], 0);

    let (status, bare) = json("/status/bare");
    assert_eq!(status, 200, "{bare}");
    assert_eq!(bare["status"], "ok");
    assert!(
        bare.get("peer_id").is_none(),
        "granted nothing, it knows nothing: {bare}"
    );

    let (status, narrow) = json("/status/id-only");
    assert_eq!(status, 503, "{narrow}");
    assert!(
        narrow["error"].as_str().is_some_and(
            |e| e.contains("ww.membrane.denied: Host.addrs is not granted to this capability")
        ),
        "{narrow}"
    );
}
