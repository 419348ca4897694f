//! examples/greeter: a vat service found through the DHT.

use super::{attached, node};

#[test]
fn the_greeter_is_found_through_the_dht_and_called_across_three_nodes() {
    let (_hub_home, hub) = node("hub", None, None);
    let (_a_home, a) = node("greeter", Some("examples/greeter"), Some(&hub));
    assert!(a.log.contains("10-greeter.glia: ok"), "{}", a.log);
    let (b_home, _b) = node("caller", None, Some(&hub));

    let out = attached(&b_home, "examples/greeter/greet.glia");
    assert!(
        out.contains(r#"{:greeting "Hello, ada!", :count 1}"#)
            && out.contains(r#"{:greeting "Hello, grace!", :count 2}"#),
        "{out}"
    );
    assert!(
        out.contains(&a.peer_id),
        "the provider is the greeter node: {out}"
    );
}
