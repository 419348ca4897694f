//! examples/oracle: one cell serving a fixture over HTTP and over Cap'n
//! Proto, found through the DHT.

use serde_json::{Value, json};

use super::{attached, node};
use crate::common::{get, repo_root};

/// The fixture's feeds as the oracle answers them over HTTP, sorted by
/// key: `{"key", "value", "asOf"}`.
fn fixture() -> Vec<Value> {
    let path = repo_root().join("examples/oracle/etc/oracle/feeds.json");
    let text = std::fs::read_to_string(path).unwrap();
    let feeds: serde_json::Map<String, Value> = serde_json::from_str(&text).unwrap();
    let mut feeds: Vec<Value> = feeds
        .into_iter()
        .map(|(key, feed)| json!({"key": key, "value": feed["value"], "asOf": feed["asOf"]}))
        .collect();
    feeds.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
    feeds
}

/// `GET path` from the node at `http`, which must answer `status` with
/// JSON.
fn get_json(http: &str, path: &str, status: u16) -> Value {
    let (code, body) = get(http, path);
    assert_eq!(code, status, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
}

#[test]
fn the_oracle_answers_the_fixture_over_http_and_to_a_node_that_finds_it() {
    let feeds = fixture();
    assert!(feeds.len() > 1, "the fixture has feeds: {feeds:?}");
    let (_hub_home, hub) = node("hub", None, None);
    let (_a_home, a) = node("oracle", Some("examples/oracle"), Some(&hub));
    assert!(a.log.contains("10-oracle.glia: ok"), "{}", a.log);

    let mut all = get_json(&a.http, "/oracle", 200)["feeds"].take();
    all.as_array_mut()
        .unwrap()
        .sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
    assert_eq!(all, Value::Array(feeds.clone()));
    for feed in &feeds {
        let key = feed["key"].as_str().unwrap();
        assert_eq!(&get_json(&a.http, &format!("/oracle/{key}"), 200), feed);
        assert_eq!(&get_json(&a.http, &format!("/oracle?key={key}"), 200), feed);
    }

    let (b_home, _b) = node("consumer", None, Some(&hub));
    let out = attached(&b_home, "examples/oracle/consume.glia");
    assert!(
        out.contains(&format!("oracle provided by {}", a.peer_id)),
        "the provider is the oracle node: {out}"
    );
    for feed in &feeds {
        let line = format!(
            "{} {} as of {}",
            feed["key"].as_str().unwrap(),
            feed["value"].as_str().unwrap(),
            feed["asOf"].as_str().unwrap()
        );
        assert!(out.contains(&line), "{line:?} over RPC: {out}");
    }
}

#[test]
fn an_unknown_key_is_404_naming_the_known_ones() {
    let (_home, a) = node("oracle", Some("examples/oracle"), None);
    for path in ["/oracle/DOGE-USD", "/oracle?key=DOGE-USD"] {
        let error = get_json(&a.http, path, 404)["error"].take();
        let error = error.as_str().unwrap_or_default();
        assert!(
            error.starts_with(r#"no feed named "DOGE-USD"; feeds: "#)
                && fixture()
                    .iter()
                    .all(|f| error.contains(f["key"].as_str().unwrap())),
            "{path}: {error}"
        );
    }
}
