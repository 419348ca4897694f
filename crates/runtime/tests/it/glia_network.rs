//! The network capabilities from Glia, through the `ww` binary: `host`
//! (its identity, connecting to a peer), `routing` across two nodes, and
//! `http` against a server; all on loopback.

use crate::common;

use common::TempDir;
use libp2p::identity::Keypair;
use runtime::p2p::Network;

fn eval(script: &str) -> (bool, String, String) {
    common::ww_eval(&TempDir::new("net"), script)
}

/// A runtime whose worker keeps a node or server running while `ww` runs.
fn background() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// A node of this test's own, for a `ww eval` to reach: its `Host`, peer id,
/// address and key. Call inside a `LocalSet`.
async fn peer_node() -> (
    runtime::schema::host_capnp::host::Client,
    libp2p::PeerId,
    libp2p::Multiaddr,
    Keypair,
) {
    use runtime::membrane::HostServer;
    use runtime::p2p::LazyNetwork;

    let key = Keypair::generate_ed25519();
    let network = Network::start(key.clone(), &["/ip4/127.0.0.1/tcp/0".parse().unwrap()])
        .await
        .unwrap();
    let (peer, addr) = (
        network.peer_id(),
        network.listen_addrs().await.unwrap()[0].clone(),
    );
    let host = HostServer::new(LazyNetwork::ready(network, key.clone())).client();
    (host, peer, addr, key)
}

/// `ww eval -e script` with HOME in `dir`, without blocking the runtime
/// (the test's node answers while it runs): success, stdout, stderr.
async fn eval_async(dir: &TempDir, script: &str) -> (bool, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_ww"))
        .args(["eval", "-e", script])
        .env("HOME", &dir.0)
        .output()
        .await
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn host_is_this_process_node_and_attenuates_per_method() {
    let (ok, out, err) = eval(
        r#"(let [id (perform host :id)
                 addrs (perform host :addrs)]
             [(= id (:peer-id (perform (perform identity :signer "d") :public-key)))
              (subs id 0 8)
              (count addrs)
              (re-find #"^/ip4/127\.0\.0\.1/tcp/\d+$" (first addrs))
              (perform host :peers)
              (methods host)])"#,
    );
    assert!(ok, "{err}");
    assert!(
        out.starts_with(r#"[true "12D3KooW" 1 "/ip4/127.0.0.1/tcp/"#)
            && out.trim_end().ends_with(
                r#" [] [:id :addrs :peers :connect :network :listen :export :dial :open-stream :export-login :dial-login]]"#
            ),
        "{out}"
    );

    let (ok, out, err) = eval(
        "(let [h (attenuate host [:id :addrs])] [(string? (perform h :id)) (perform h :peers)])",
    );
    assert!(!ok, "{out}");
    assert!(
        err.contains("glia::error::permission-denied") && err.contains(":peers"),
        "{err}"
    );
}

#[test]
fn a_glia_program_connects_and_finds_providers_across_nodes() {
    let rt = background();
    let (peer, addr, cid) = rt.block_on(async {
        let node = Network::start(
            Keypair::generate_ed25519(),
            &["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        )
        .await
        .unwrap();
        let cid = runtime::cid::cid_string(b"provided by the test's node");
        node.provide(libp2p_key(&cid)).await.unwrap();
        let addr = node.listen_addrs().await.unwrap()[0].to_string();
        let peer = node.peer_id().to_string();
        // The node runs as long as the runtime does.
        std::mem::forget(node);
        (peer, addr, cid)
    });
    let script = format!(
        r#"(perform host :connect "{peer}" ["{addr}"])
           (let [routing (:routing (perform host :network))
                 providers (perform routing :find-providers "{cid}")]
             (perform routing :provide "greeter")
             [(mapv :peer-id (perform host :peers))
              (mapv :peer-id providers)
              (perform routing :hash "provided by the test's node")
              (= (perform routing :resolve "{peer}") {{:peer-id "{peer}" :addrs ["{addr}"]}})
              (= [(perform host :id)] (mapv :peer-id (perform routing :find-providers "greeter")))])"#
    );
    let (ok, out, err) = eval(&script);
    assert!(ok, "{err}");
    assert_eq!(
        out.trim(),
        format!(r#"[["{peer}"] ["{peer}"] "{cid}" true true]"#)
    );

    let (ok, _, err) = eval(r#"(perform host :connect "nope" [])"#);
    assert!(!ok);
    assert!(err.contains(r#""nope" is not a peer id"#), "{err}");
    let (ok, _, err) = eval(&format!(
        r#"(perform host :connect "{}")"#,
        libp2p::PeerId::random()
    ));
    assert!(!ok);
    assert!(err.contains("no address is known for"), "{err}");
}

/// The DHT key of a CID, as the Routing capability makes it.
fn libp2p_key(cid: &str) -> Vec<u8> {
    cid.parse::<cid::Cid>().unwrap().hash().to_bytes()
}

#[test]
fn http_requests_from_glia_respect_the_allow_list() {
    let rt = background();
    let port = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = axum::Router::new().route(
            "/greet",
            axum::routing::post(|body: String| async move {
                ([("content-type", "text/plain")], format!("hello, {body}"))
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        port
    });
    let script = format!(
        r#"(let [http (perform (:http (perform host :network)) :restrict ["127.0.0.1"])
                 r (perform http :request {{:url "http://127.0.0.1:{port}/greet" :method :post :body "glia"}})]
             [(:status r) (get-in r [:headers "content-type"]) (:body r) (perform http :hosts)])"#
    );
    let (ok, out, err) = eval(&script);
    assert!(ok, "{err}");
    assert_eq!(
        out.trim(),
        r#"[200 "text/plain" "hello, glia" ["127.0.0.1"]]"#
    );

    let script = format!(
        r#"(let [http (perform (:http (perform host :network)) :restrict ["example.com"])]
             (perform http :request "http://127.0.0.1:{port}/greet"))"#
    );
    let (ok, _, err) = eval(&script);
    assert!(!ok);
    assert!(
        err.contains("glia::error::permission-denied")
            && err.contains("127.0.0.1 is not on this client's"),
        "{err}"
    );
}

#[test]
fn a_glia_program_serves_a_route_with_a_cell() {
    let dir = TempDir::new("listen");
    std::fs::write(dir.0.join("counter.wasm"), runtime::std_cells::COUNTER).unwrap();
    let script = r#"
      (let [counter (perform runtime :load (perform :load "counter.wasm"))
            listener (perform host :listen (cell counter :limits {:timeout-ms 5000}) "/counter")
            http (:http (perform host :network))
            url (perform listener :url)
            r (perform http :request (str url "?n=1"))]
        (perform listener :close)
        [(re-find #"^http://127\.0\.0\.1:\d+/counter$" url)
         (:status r) (:body r)
         (:status (perform http :request url))])"#;
    let (ok, out, err) = common::ww_eval(&dir, script);
    assert!(ok, "{err}");
    assert!(
        out.trim_end()
            .ends_with(r#"200 "{\"count\":2,\"next\":\"/counter?n=2\"}\n" 404]"#),
        "{out}"
    );

    let (ok, _, err) = common::ww_eval(&dir, r#"(perform host :listen (cell runtime) "/x")"#);
    assert!(!ok);
    assert!(err.contains("Host.listen failed"), "{err}");
    let (ok, _, err) = common::ww_eval(&dir, r#"(perform host :listen {:args []} "/x")"#);
    assert!(!ok);
    assert!(err.contains("the cell has no `:executor`"), "{err}");
}

#[test]
fn the_status_cell_reports_the_node_through_its_host_grant() {
    let dir = TempDir::new("status");
    std::fs::write(dir.0.join("status.wasm"), runtime::std_cells::STATUS).unwrap();
    // The line of `etc/init.d/05-status.glia`.
    let script = r#"
      (let [l (perform host :listen (cell (perform :load "status.wasm") :grants {:host (attenuate host [:id :addrs :peers])}) "/status")
            r (perform (:http (perform host :network)) :request (perform l :url))]
        [(:status r) (glia.json/read-str (:body r))])"#;
    let (ok, out, err) = common::ww_eval(&dir, &format!("(require 'glia.json) {script}"));
    assert!(ok, "{err}");
    for want in [
        "[200 {",
        r#""status" "ok""#,
        r#""peer_id" "12D3KooW"#,
        r#""listen_addrs" ["/ip4/127.0.0.1/tcp/"#,
        r#""peer_count" 0"#,
    ] {
        assert!(out.contains(want), "{want} in {out}");
    }
}

#[test]
fn a_glia_program_dials_a_peers_services() {
    use std::rc::Rc;
    use std::sync::Arc;

    use capnp::traits::HasTypeId;
    use runtime::membrane::{IdentityServer, Policy, RuntimeServer, guard};
    use runtime::schema::identity_capnp::identity;

    let rt = background();
    let local = tokio::task::LocalSet::new();
    let dir = TempDir::new("dial");
    let (ok, out, err) = local.block_on(&rt, async {
        let (host, peer, addr, key) = peer_node().await;
        let epoch = runtime::membrane::Epoch::new();

        // An identity of this node's key, only `signer` of it, as "ident".
        let signer_only = Rc::new(Policy::named(identity::Client::TYPE_ID, &["signer"]).unwrap());
        let ident = guard(IdentityServer::new(key).client(), signer_only, &epoch);
        let mut export = host.export_request();
        export.get().set_name("ident");
        export.get().init_cap().set_as_capability(ident.client.hook);
        export.send().promise.await.unwrap();

        // The echo cell for every stream of "echo".
        let runtime = RuntimeServer::new(
            Arc::new(runtime::cells::CellHost::new(None).unwrap()),
            &epoch,
        )
        .client();
        let mut load = runtime.load_request();
        load.get().set_wasm(runtime::std_cells::ECHO);
        let mut listen = host.listen_request();
        listen
            .get()
            .init_cell()
            .set_executor(load.send().pipeline.get_executor());
        listen.get().set_path("/ww/0.1.0/stream/echo");
        listen.send().promise.await.unwrap();

        let script = format!(
            r#"(perform host :connect "{peer}" ["{addr}"])
               (let [ident (perform host :dial "{peer}" "ident" :Identity)
                     echo (perform host :open-stream "{peer}" "echo")]
                 (perform echo :write "hello, peer")
                 (perform echo :close)
                 [(:peer-id (perform (perform ident :signer "d") :public-key))
                  (apply str (map char (seq (perform echo :read))))
                  (try (perform ident :verify "k" "d" "x" "y")
                       (catch :glia.error/permission-denied e :denied))])"#
        );
        eval_async(&dir, &script).await
    });
    assert!(ok, "{err}");
    assert!(
        out.contains(r#""hello, peer" :denied]"#) && out.contains("[\"12D3KooW"),
        "{out}"
    );
}

#[test]
fn a_glia_attenuation_holds_inside_the_cell_it_is_granted_to() {
    let dir = TempDir::new("narrow");
    std::fs::write(dir.0.join("status.wasm"), runtime::std_cells::STATUS).unwrap();
    let script = r#"
      (let [l (perform host :listen (cell (perform :load "status.wasm") :grants {:host (attenuate host [:id :addrs])}) "/status")
            r (perform (:http (perform host :network)) :request (perform l :url))]
        [(:status r) (:body r)])"#;
    let (ok, out, err) = common::ww_eval(&dir, script);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("[503 ")
            && out.contains("ww.membrane.denied: Host.peers is not granted to this capability"),
        "{out}"
    );
}

#[test]
fn a_glia_program_logs_in_to_a_peers_vat_with_a_signer_it_was_passed() {
    use std::rc::Rc;

    use capnp::traits::HasTypeId;
    use runtime::membrane::{IdentityServer, Policy, guard};
    use runtime::schema::identity_capnp::identity;

    let rt = background();
    let local = tokio::task::LocalSet::new();
    let dir = TempDir::new("login");
    let (ok, out, err) = local.block_on(&rt, async {
        let (host, peer, addr, key) = peer_node().await;
        let epoch = runtime::membrane::Epoch::new();

        // A keyring holding the only key that may log in to "vault", on
        // a plain export: whoever dials it can sign with that key.
        let member = Keypair::generate_ed25519();
        let mut export = host.export_request();
        export.get().set_name("keyring");
        export
            .get()
            .init_cap()
            .set_as_capability(IdentityServer::new(member.clone()).client().client.hook);
        export.send().promise.await.unwrap();
        // The member's view of "vault": only `signer`.
        let signer_only = Rc::new(Policy::named(identity::Client::TYPE_ID, &["signer"]).unwrap());
        let view = guard(IdentityServer::new(key).client(), signer_only, &epoch);
        let mut export = host.export_login_request();
        export.get().set_name("vault");
        let mut entry = export.get().init_views(1).get(0);
        entry.set_peer_id(member.public().to_peer_id().to_string());
        entry.init_cap().set_as_capability(view.client.hook);
        export.send().promise.await.unwrap();

        let script = format!(
            r#"(perform host :connect "{peer}" ["{addr}"])
               (let [keyring (perform host :dial "{peer}" "keyring" :Identity)
                     vault (perform host :dial-login "{peer}" "vault" (perform keyring :signer "ww/vat-login") :Identity)
                     mine (perform identity :signer "ww/vat-login")]
                 [(:peer-id (perform (perform vault :signer "d") :public-key))
                  (try (perform vault :verify "k" "d" "x" "y")
                       (catch :glia.error/permission-denied e :denied))
                  (try (perform host :dial-login "{peer}" "vault" mine)
                       (catch :glia.error/permission-denied e :refused))
                  (try (perform host :dial "{peer}" "vault" :Identity)
                       (perform (perform host :dial "{peer}" "vault" :Identity) :signer "d")
                       (catch :glia.error/io e (re-find #"needs a login" (ex-message e))))
                  (try (perform host :dial-login "{peer}" "vault" host)
                       (catch :glia.error/illegal-argument e (ex-message e)))])"#
        );
        eval_async(&dir, &script).await
    });
    assert!(ok, "{err}");
    assert!(
        out.starts_with("[\"12D3KooW")
            && out.contains(
                r#" :denied :refused "needs a login" "the signer must be a Signer, not a Host"]"#
            ),
        "{out}"
    );
}
