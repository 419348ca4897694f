//! examples/counter: a count kept by the client, in a cookie or a query
//! parameter, by a cell that keeps nothing.

use super::node;
use crate::common::get_with;

/// `GET path` with the count's cookie if given: the status code, the
/// `Set-Cookie` header and the body.
fn get(addr: &str, path: &str, cookie: Option<&str>) -> (u16, Option<String>, String) {
    let (status, head, body) = get_with(addr, path, cookie.map(|c| ("Cookie", c)).as_slice());
    let set_cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .map(str::to_string);
    (status, set_cookie, body.trim_end().to_string())
}

#[test]
fn the_count_goes_up_by_cookie_and_by_query() {
    let (_home, node) = node("counter", Some("examples/counter"), None);
    assert!(node.log.contains("10-counter.glia: ok"), "{}", node.log);

    let (status, cookie, body) = get(&node.http, "/counter", None);
    assert_eq!(
        (status, body.as_str()),
        (200, r#"{"count":1,"next":"/counter?n=1"}"#)
    );
    let cookie = cookie.expect("the count is set in a cookie");
    assert_eq!(cookie, "ww-counter=1; Path=/counter; SameSite=Strict");

    // A client that sends the cookie back (`curl -b`) counts on.
    let (_, cookie, body) = get(&node.http, "/counter", Some("ww-counter=1"));
    assert_eq!(body, r#"{"count":2,"next":"/counter?n=2"}"#);
    assert!(cookie.is_some_and(|c| c.starts_with("ww-counter=2;")));

    // The query parameter wins over the cookie.
    let (_, _, body) = get(&node.http, "/counter?n=41", Some("ww-counter=1"));
    assert_eq!(body, r#"{"count":42,"next":"/counter?n=42"}"#);

    let (status, _, body) = get(&node.http, "/counter?n=x", None);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("query parameter n must be a count"), "{body}");
}
