//! `ww run` end to end, on loopback: the README's flow (a fresh node, then
//! `curl /status`), init scripts in order with a failing one isolated,
//! bind failures, shutdown on SIGTERM; a foreign (js-libp2p) peer
//! identifying and pinging a node; and `ww keygen`.

use crate::common;

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::Duration;

use common::{TempDir, get, run, shell};

#[test]
fn a_fresh_node_serves_its_status() {
    let dir = TempDir::new("node");
    let mut node = run(&dir, &[]);
    let (status, body) = get(&node.http, "/status");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.starts_with(r#"{"status":"ok","cell":"status","version":""#)
            && body.contains(&format!(r#""peer_id":"{}""#, node.peer_id))
            && body.contains(&format!(r#""listen_addrs":["{}"]"#, node.libp2p))
            && body.trim_end().ends_with(r#""peer_count":0}"#),
        "{body}"
    );
    assert_eq!(get(&node.http, "/nothing").0, 404);

    // The identity was made, private, and is kept for the next boot.
    let identity = dir.0.join(".ww/identity");
    let mode = std::fs::metadata(&identity).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(node.log.contains("made a new identity"), "{}", node.log);

    // The state file `ww shell` finds the node by: private, naming it.
    let pid = node.child.id().to_string();
    let state = dir.0.join(format!(".ww/run/{pid}.json"));
    let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(
        std::fs::read_to_string(&state)
            .unwrap()
            .contains(&node.peer_id)
    );

    // SIGTERM: a clean exit, the state file and socket gone.
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = node.child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(!state.exists() && !dir.0.join(format!(".ww/run/{pid}.sock")).exists());

    let again = run(&dir, &[]);
    assert!(!again.log.contains("made a new identity"), "{}", again.log);
    let (_, body) = get(&again.http, "/status");
    assert!(body.contains(&node.peer_id), "the same identity: {body}");
}

#[test]
fn init_scripts_run_in_order_and_a_failing_one_is_isolated() {
    let dir = TempDir::new("node");
    let image = dir.0.join("image/etc/init.d");
    std::fs::create_dir_all(&image).unwrap();
    std::fs::write(
        image.join("01-broken.glia"),
        "(println \"first\")\n(no-such-fn 1)\n(println \"after\")\n",
    )
    .unwrap();
    std::fs::write(image.join("10-later.glia"), "(println \"later\")").unwrap();
    let image_dir = dir.0.join("image");
    let mut node = run(&dir, &[image_dir.to_str().unwrap()]);
    assert!(
        node.log
            .contains("ww: init: etc/init.d/01-broken.glia failed (1 of its forms)")
            && node.log.contains("no-such-fn")
            && node.log.contains("01-broken.glia:2:")
            && node.log.contains("ww: init: etc/init.d/05-status.glia: ok")
            && node.log.contains("ww: init: etc/init.d/10-later.glia: ok")
            && node.log.contains("1 init script(s) failed"),
        "{}",
        node.log
    );
    let order: Vec<usize> = ["01-broken", "05-status", "10-later"]
        .iter()
        .map(|s| node.log.find(s).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{}", node.log);
    assert_eq!(get(&node.http, "/status").0, 200, "the node runs on");

    node.child.kill().unwrap();
    let mut out = String::new();
    node.child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(out, "first\nafter\nlater\n");
}

#[test]
fn an_address_in_use_stops_the_boot_with_the_reason() {
    let dir = TempDir::new("node");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args([
            "run",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--http-listen",
            &addr,
            "--with-http-admin",
            "off",
        ])
        .env("HOME", &dir.0)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot serve HTTP on {addr}")),
        "{err}"
    );

    let port = taken.local_addr().unwrap().port();
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args([
            "run",
            "--listen",
            &format!("/ip4/127.0.0.1/tcp/{port}"),
            "--http-listen",
            "127.0.0.1:0",
            "--with-http-admin",
            "off",
        ])
        .env("HOME", &dir.0)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot listen on /ip4/127.0.0.1/tcp/"),
        "{err}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args(["run", "/no/such/layer", "--with-http-admin", "off"])
        // Not the standard ports, which tests/it/readme.rs takes.
        .args([
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--http-listen",
            "127.0.0.1:0",
        ])
        .env("HOME", &dir.0)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("the image layer /no/such/layer cannot be read")
    );

    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args(["run", "--with-http-admin", "nowhere"])
        .env("HOME", &dir.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("or off"));
}

#[test]
fn the_admin_plane_answers_for_the_node() {
    let dir = TempDir::new("node");
    let node = run(&dir, &[]);
    assert_eq!(get(&node.admin, "/healthz"), (200, "ok\n".to_string()));
    assert_eq!(get(&node.admin, "/readyz"), (200, "ready\n".to_string()));
    assert_eq!(get(&node.admin, "/host/id").1.trim(), node.peer_id);
    assert_eq!(
        get(&node.admin, "/host/addrs").1.trim(),
        format!(r#"["{}"]"#, node.libp2p)
    );
    let script = include_bytes!("../../../../stdlib/image/etc/init.d/05-status.glia");
    let (_, version) = get(&node.admin, "/version");
    assert_eq!(
        version.trim(),
        format!(
            r#"{{"version":"{}","kernel":{{"kind":"glia","init":{{"etc/init.d/05-status.glia":"{}"}}}}}}"#,
            env!("CARGO_PKG_VERSION"),
            runtime::cid::cid_string(script)
        )
    );
    // Counters count: two answers of /status, one 404.
    get(&node.http, "/status");
    get(&node.http, "/status");
    get(&node.http, "/nope");
    let (status, metrics) = get(&node.admin, "/metrics");
    assert_eq!(status, 200);
    for want in [
        "ww_http_requests_total{code=\"200\"} 2",
        "ww_http_requests_total{code=\"404\"} 1",
        "ww_peers 0",
        "ww_routes 1",
        "ww_init_scripts_failed 0",
        "# EOF",
    ] {
        assert!(metrics.contains(want), "{want} in {metrics}");
    }
    assert_eq!(get(&node.admin, "/nothing").0, 404);
}

#[test]
fn keygen_makes_an_identity_and_keeps_an_existing_one() {
    let dir = TempDir::new("keygen");
    let path = dir.0.join("id");
    let ww = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ww"))
            .arg("keygen")
            .args(args)
            .env("HOME", &dir.0)
            .output()
            .unwrap()
    };
    let out = ww(&["--output", path.to_str().unwrap()]);
    assert!(out.status.success());
    let peer = String::from_utf8(out.stdout).unwrap();
    assert!(peer.starts_with("12D3KooW"), "{peer}");
    let out = ww(&["--output", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists already"));
    let out = ww(&["--output", path.to_str().unwrap(), "--force"]);
    assert!(out.status.success());
    assert_ne!(String::from_utf8(out.stdout).unwrap(), peer);
}

#[test]
fn a_js_libp2p_peer_identifies_and_pings_a_node_and_sees_its_protocols() {
    let root = common::repo_root();
    // `npm ci` of tests/js-libp2p, done by ./scripts/test; the script runs
    // from there, as ES modules resolve packages from their own directory.
    let dir = match std::env::var_os("WW_JS_LIBP2P") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target/js-libp2p"),
    };
    assert!(
        dir.join("node_modules/libp2p/package.json").is_file(),
        "js-libp2p is not installed in {}: run ./scripts/test, which installs \
         tests/js-libp2p there, or point WW_JS_LIBP2P at a directory where `npm ci` \
         of tests/js-libp2p was run",
        dir.display()
    );
    for script in ["peer.mjs", "with-resolvers.mjs"] {
        std::fs::copy(root.join("tests/js-libp2p").join(script), dir.join(script)).unwrap();
    }
    let home = TempDir::new("js-peer");
    let init = home.0.join("image/etc/init.d");
    std::fs::create_dir_all(&init).unwrap();
    std::fs::write(
        init.join("10-ident.glia"),
        r#"(perform host :export "ident" (attenuate identity [:signer]))"#,
    )
    .unwrap();
    let image = home.0.join("image");
    let node = run(&home, &[image.to_str().unwrap()]);
    assert!(node.log.contains("10-ident.glia: ok"), "{}", node.log);

    let out = Command::new("node")
        .arg(dir.join("peer.mjs"))
        .arg(format!("{}/p2p/{}", node.libp2p, node.peer_id))
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (run ./scripts/test to set it up): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the js-libp2p peer failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(seen["peer"], node.peer_id.as_str());
    assert_eq!(seen["protocolVersion"], "/ww/0.1.0");
    assert_eq!(
        seen["agent"],
        format!("ww/{}", env!("CARGO_PKG_VERSION")).as_str()
    );
    assert!(seen["pingMs"].is_number(), "{seen}");
    let protocols: Vec<&str> = seen["protocols"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    for expected in [
        "/ipfs/id/1.0.0",
        "/ipfs/ping/1.0.0",
        "/ipfs/kad/1.0.0",
        "/ww/0.1.0/login",
        "/ww/0.1.0/vat/ident",
    ] {
        assert!(protocols.contains(&expected), "{expected} in {protocols:?}");
    }
}

#[test]
fn a_node_that_dials_another_raises_its_peer_count() {
    let a_home = TempDir::new("node-a");
    let a = run(&a_home, &[]);
    let b_home = TempDir::new("node-b");
    let init = b_home.0.join("image/etc/init.d");
    std::fs::create_dir_all(&init).unwrap();
    std::fs::write(
        init.join("20-join.glia"),
        format!(
            "(perform host :connect \"{}\" [\"{}\"])",
            a.peer_id, a.libp2p
        ),
    )
    .unwrap();
    let image = b_home.0.join("image");
    let b = run(&b_home, &[image.to_str().unwrap()]);
    assert!(b.log.contains("20-join.glia: ok"), "{}", b.log);
    let (_, b_status) = get(&b.http, "/status");
    assert!(
        b_status.trim_end().ends_with(r#""peer_count":1}"#),
        "{b_status}"
    );
    // a sees b once the connection reaches it.
    for _ in 0..100 {
        let (_, a_status) = get(&a.http, "/status");
        if a_status.trim_end().ends_with(r#""peer_count":1}"#) {
            let (_, metrics) = get(&a.admin, "/metrics");
            assert!(metrics.contains("ww_peers 1"), "{metrics}");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("a never counted b");
}

#[test]
fn the_shell_attaches_to_the_local_node_and_falls_back_without_one() {
    let dir = TempDir::new("attach");
    let node = run(&dir, &[]);
    // The node's own capabilities: its peer id, its addresses, its routes
    // (one the session adds is the node's, and outlives the session).
    let wasm = dir.0.join("status.wasm");
    std::fs::write(&wasm, runtime::std_cells::STATUS).unwrap();
    let input = format!(
        "(perform host :id)\n(perform host :addrs)\n(perform host :listen (cell (perform :load {:?})) \"/again\")\n",
        wasm.to_str().unwrap()
    );
    let (ok, out, err) = shell(&dir.0, &[], &input);
    assert!(ok, "{err}");
    assert!(err.contains("attached to the node"), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], format!("\"{}\"", node.peer_id), "{out}");
    assert!(lines[1].contains(&node.libp2p), "{out}");
    let (status, body) = get(&node.http, "/again");
    assert_eq!(status, 200, "{body}");

    // Another HOME has no node running: an in-process one, of its own.
    let elsewhere = TempDir::new("attach-none");
    let (ok, out, err) = shell(&elsewhere.0, &[], "(perform host :id)\n");
    assert!(ok, "{err}");
    assert!(!err.contains("attached"), "{err}");
    assert!(!out.contains(&node.peer_id), "{out}");
}

#[test]
fn remote_login_takes_the_nodes_key_or_an_authorised_one_and_refuses_others() {
    let dir = TempDir::new("login");
    let node = run(&dir, &[]);
    let addr = format!("{}/p2p/{}", node.libp2p, node.peer_id);
    let own = dir.0.join(".ww/identity");
    let own = own.to_str().unwrap();

    let (ok, out, err) = shell(&dir.0, &[&addr, "--identity", own], "(perform host :id)\n");
    assert!(ok, "{err}");
    assert!(err.contains("logged in to"), "{err}");
    assert_eq!(out.trim(), format!("\"{}\"", node.peer_id));

    // A key the node does not know is refused, and told how to fix it.
    let other = TempDir::new("login-other");
    let keygen = Command::new(env!("CARGO_BIN_EXE_ww"))
        .arg("keygen")
        .env("HOME", &other.0)
        .output()
        .unwrap();
    let other_id = String::from_utf8_lossy(&keygen.stdout).trim().to_string();
    let (ok, out, err) = shell(&other.0, &[&addr], "(perform host :id)\n");
    assert!(!ok && out.is_empty(), "{out}");
    assert!(
        err.contains("not authorised") && err.contains("authorized_keys"),
        "{err}"
    );

    // Listed in the node's authorized_keys (read at each login), it is in.
    std::fs::write(
        dir.0.join(".ww/authorized_keys"),
        format!("# a laptop\n{other_id}\n"),
    )
    .unwrap();
    let (ok, out, err) = shell(&other.0, &[&addr], "(perform host :id)\n");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), format!("\"{}\"", node.peer_id));

    // An address that does not name the node is refused before dialling.
    let (ok, _, err) = shell(&other.0, &[&node.libp2p], "");
    assert!(!ok && err.contains("/p2p/"), "{err}");
}

#[test]
fn an_image_with_boot_main_wasm_runs_it_as_pid0_with_the_roots() {
    let dir = TempDir::new("pid0");
    let image = dir.0.join("image");
    std::fs::create_dir_all(image.join("boot")).unwrap();
    std::fs::create_dir_all(image.join("etc")).unwrap();
    std::fs::write(image.join("etc/hello"), "hi from the image\n").unwrap();
    std::fs::write(
        image.join("boot/main.wasm"),
        runtime::std_cells::fixtures::BOOT,
    )
    .unwrap();
    let mut node = run(&dir, &[image.to_str().unwrap()]);
    assert!(node.log.contains("pid0 is boot/main.wasm"), "{}", node.log);
    assert!(!node.log.contains("05-status.glia"), "{}", node.log);
    // pid0 printed what it was granted and asked host for the peer id;
    // when it exits, so does the node, with its status.
    let status = node.child.wait().unwrap();
    let mut out = String::new();
    node.child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(
        out,
        format!(
            "boot: granted host,runtime,routing,identity; peer {}\n\
             boot: /etc/hello says hi from the image\n\
             boot: writing the image refused: true\n",
            node.peer_id
        )
    );
    assert!(status.success(), "{status}");
    // The flattened image and the state file went with the node.
    let run = std::fs::read_dir(dir.0.join(".ww/run")).unwrap().count();
    assert_eq!(run, 0);
    assert_eq!(
        std::fs::read_to_string(image.join("etc/hello")).unwrap(),
        "hi from the image\n"
    );
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
