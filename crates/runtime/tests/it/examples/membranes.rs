//! examples/membranes: tool A hands tool B a narrowed host, B hands tool
//! C a narrower one; each node is a process of its own, each hop crosses
//! the wire.

use super::{attached, node};

#[test]
fn tool_c_cannot_call_what_tool_a_or_b_withheld() {
    let (_a_home, a) = node("tool-a", Some("examples/membranes/a"), None);
    assert!(a.log.contains("10-tool-a.glia: ok"), "{}", a.log);
    let (_b_home, b) = node("tool-b", Some("examples/membranes/b"), Some(&a));
    assert!(b.log.contains("10-tool-b.glia: ok"), "{}", b.log);
    let (c_home, _c) = node("tool-c", None, Some(&b));

    let out = attached(&c_home, "examples/membranes/c.glia");
    let line = |label: &str| {
        out.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} line:\n{out}"))
            .to_string()
    };
    // What C gets is A's host, through B: its id is A's node's.
    assert_eq!(line("id:"), format!("id: [:ok {}]", a.peer_id), "{out}");
    let denied = |label: &str, method: &str| {
        let got = line(label);
        assert!(
            got.starts_with(&format!("{label} [:denied "))
                && got.contains(&format!(
                    "ww.membrane.denied: Host.{method} is not granted to this capability"
                )),
            "{got}\n{out}"
        );
    };
    denied("addrs:", "addrs");
    denied("peers:", "peers");
    denied("widened addrs:", "addrs");
    // B handing on everything it holds gives C A's addresses, never the
    // peers A withheld.
    assert_eq!(line("careless addrs:"), "careless addrs: :ok", "{out}");
    denied("careless peers:", "peers");
}
