//! The examples' walkthroughs, end to end through `ww run` and `ww shell`
//! on loopback: three nodes, one serving `examples/greeter` (or
//! `examples/echo`), one only a way into the DHT, one finding the service
//! there (no address given to the script) and calling it.

use crate::common;

use common::{Running, TempDir, run, shell};

/// `ww run` with HOME in its own directory, joined to `via` if given.
fn node(tag: &str, image: Option<&str>, via: Option<&Running>) -> (TempDir, Running) {
    let home = TempDir::new(tag);
    let mut args: Vec<String> = Vec::new();
    if let Some(via) = via {
        args.extend([
            "--bootstrap".into(),
            format!("{}/p2p/{}", via.libp2p, via.peer_id),
        ]);
    }
    if let Some(image) = image {
        args.push(
            common::repo_root()
                .join(image)
                .to_string_lossy()
                .into_owned(),
        );
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let running = run(&home, &args);
    (home, running)
}

/// Runs the example's script in a shell attached to the node of `home`,
/// retrying while the provider record has not spread yet (at most 30 s).
fn attached(home: &TempDir, script: &str) -> String {
    let text = std::fs::read_to_string(common::repo_root().join(script)).unwrap();
    let mut last = String::new();
    for _ in 0..30 {
        let (ok, out, err) = shell(&home.0, &[], &text);
        if ok && !err.contains("error") {
            return out;
        }
        last = format!("{out}\n{err}");
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    panic!("{script} never succeeded:\n{last}");
}

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

#[test]
fn the_echo_service_is_found_and_echoes_across_three_nodes() {
    let (_hub_home, hub) = node("hub", None, None);
    let (_a_home, a) = node("echo", Some("examples/echo"), Some(&hub));
    assert!(a.log.contains("10-echo.glia: ok"), "{}", a.log);
    let (b_home, _b) = node("caller", None, Some(&hub));

    let out = attached(&b_home, "examples/echo/echo.glia");
    assert!(out.trim_end().ends_with(r#""hello, echo\n""#), "{out}");
}

#[test]
fn a_bootstrap_peer_that_is_down_is_reported_and_the_node_boots() {
    let home = TempDir::new("bootstrap-down");
    // A peer id of nobody, at a port nothing listens on.
    let nobody = libp2p::identity::Keypair::generate_ed25519()
        .public()
        .to_peer_id();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let addr = format!("/ip4/127.0.0.1/tcp/{port}/p2p/{nobody}");
    let running = run(
        &home,
        &["--bootstrap", &addr, "--bootstrap", "/ip4/127.0.0.1/tcp/1"],
    );
    assert!(
        running
            .log
            .contains(&format!("ww: cannot bootstrap from {addr}: "))
            && running
                .log
                .contains("/ip4/127.0.0.1/tcp/1: it names no peer"),
        "{}",
        running.log
    );
}
