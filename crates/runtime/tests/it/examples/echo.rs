//! examples/echo: a byte-stream service found through the DHT.

use super::{attached, node};

#[test]
fn the_echo_service_is_found_and_echoes_across_three_nodes() {
    let (_hub_home, hub) = node("hub", None, None);
    let (_a_home, a) = node("echo", Some("examples/echo"), Some(&hub));
    assert!(a.log.contains("10-echo.glia: ok"), "{}", a.log);
    let (b_home, _b) = node("caller", None, Some(&hub));

    let out = attached(&b_home, "examples/echo/echo.glia");
    assert!(out.trim_end().ends_with(r#""hello, echo\n""#), "{out}");
}
