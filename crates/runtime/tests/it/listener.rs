//! `Host.listen`: HTTP routes served by cells spawned through their
//! executor in `http` mode, one process per request, on a real server on
//! loopback.

use std::rc::Rc;
use std::sync::Arc;

use capnp::traits::HasTypeId;
use runtime::cells::CellHost;
use runtime::membrane::{DENIED, Epoch, HostServer, Policy, RuntimeServer, guard};
use runtime::p2p::LazyNetwork;
use runtime::schema::host_capnp::{host, listener};
use runtime::schema::runtime_capnp::{executor, runtime as runtime_cap};
use runtime::std_cells::{self, fixtures};
use runtime::web::LazyHttp;

struct Node {
    host: host::Client,
    runtime: runtime_cap::Client,
    epoch: Epoch,
}

fn node() -> Node {
    let key = libp2p::identity::Keypair::generate_ed25519();
    let http = LazyHttp::new((std::net::Ipv4Addr::LOCALHOST, 0).into());
    let host = HostServer::new(LazyNetwork::new(key, vec![]))
        .serving(http)
        .client();
    let epoch = Epoch::new();
    let cells = Arc::new(CellHost::new(None).unwrap());
    Node {
        host,
        runtime: RuntimeServer::new(cells, &epoch).client(),
        epoch,
    }
}

async fn load(node: &Node, wasm: &[u8]) -> executor::Client {
    let mut load = node.runtime.load_request();
    load.get().set_wasm(wasm);
    load.send().pipeline.get_executor()
}

/// Listens on `path` with `executor` run with `args`.
async fn listen(
    node: &Node,
    executor: executor::Client,
    args: &[&str],
    path: &str,
) -> Result<(listener::Client, String), capnp::Error> {
    let mut request = node.host.listen_request();
    {
        let mut cell = request.get().init_cell();
        cell.set_executor(executor);
        let mut list = cell.init_args(args.len() as u32);
        for (i, a) in args.iter().enumerate() {
            list.set(i as u32, *a);
        }
    }
    request.get().set_path(path);
    let listener = request.send().promise.await?.get()?.get_listener()?;
    let url = listener.url_request().send().promise.await?;
    let url = url.get()?.get_url()?.to_string()?;
    Ok((listener, url))
}

fn local(test: impl AsyncFnOnce()) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    tokio::task::LocalSet::new().block_on(&rt, test());
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

#[test]
fn a_route_is_served_by_a_process_per_request() {
    local(async || {
        let node = node();
        let counter = load(&node, std_cells::COUNTER).await;
        let (_listener, url) = listen(&node, counter, &[], "/counter").await.unwrap();
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with("/counter"),
            "{url}"
        );
        let r = http().get(format!("{url}?n=41")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["x-wetware-cell"],
            runtime::cid::cid_string(std_cells::COUNTER).as_str()
        );
        // The cell sees the route as SCRIPT_NAME.
        assert_eq!(
            r.headers()["set-cookie"],
            "ww-counter=42; Path=/counter; SameSite=Strict"
        );
        assert_eq!(
            r.text().await.unwrap(),
            "{\"count\":42,\"next\":\"/counter?n=42\"}\n"
        );
    });
}

#[test]
fn the_cell_gets_the_cgi_environment_its_args_and_env() {
    local(async || {
        let node = node();
        let envdump = load(&node, fixtures::ENVDUMP).await;
        let (_l, url) = listen(&node, envdump, &["x"], "/dump").await.unwrap();
        let r = http()
            .post(format!("{url}/deeper/path?q=1"))
            .header("x-custom", "yes")
            .body("ignored")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let text = r.text().await.unwrap();
        let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
        let port = format!(r#""SERVER_PORT":"{port}""#);
        let args = format!(
            r#""args":["{}","x"]"#,
            runtime::cid::cid_string(fixtures::ENVDUMP)
        );
        for want in [
            r#""WW_CELL_MODE":"http""#,
            r#""REQUEST_METHOD":"POST""#,
            r#""SCRIPT_NAME":"/dump""#,
            r#""PATH_INFO":"/deeper/path""#,
            r#""QUERY_STRING":"q=1""#,
            r#""HTTP_X_CUSTOM":"yes""#,
            r#""CONTENT_LENGTH":"7""#,
            r#""SERVER_NAME":"127.0.0.1""#,
            &port,
            // argv[0] is the cell's CID.
            &args,
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
    });
}

#[test]
fn the_request_body_reaches_the_cell_and_failures_are_502() {
    local(async || {
        let node = node();
        let echo = load(&node, std_cells::ECHO).await;
        let (_l, url) = listen(&node, echo, &[], "/echo").await.unwrap();
        let body = "Content-Type: text/x-echo\r\n\r\n".to_string() + &"ab".repeat(100_000);
        let r = http().post(&url).body(body.clone()).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "text/x-echo");
        assert_eq!(r.text().await.unwrap(), "ab".repeat(100_000));

        // Echoing nothing is not a CGI response.
        let r = http().post(&url).send().await.unwrap();
        assert_eq!(r.status(), 502);
        assert!(r.text().await.unwrap().contains("not a CGI response"));

        let envdump = load(&node, fixtures::ENVDUMP).await;
        let (_l, url) = listen(&node, envdump, &["exit=3"], "/fails").await.unwrap();
        let r = http().get(&url).send().await.unwrap();
        assert_eq!(r.status(), 502);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("the cell failed: exited with code 3")
        );
    });
}

#[test]
fn routes_match_on_segments_are_unique_and_close() {
    local(async || {
        let node = node();
        let counter = load(&node, std_cells::COUNTER).await;
        let (listener, url) = listen(&node, counter.clone(), &[], "/c").await.unwrap();
        let base = url.trim_end_matches("/c").to_string();
        for (path, status) in [("/c", 200), ("/c/x", 200), ("/cx", 404), ("/", 404)] {
            let r = http().get(format!("{base}{path}")).send().await.unwrap();
            assert_eq!(r.status(), status, "{path}");
        }
        let err = listen(&node, counter.clone(), &[], "/c")
            .await
            .err()
            .unwrap();
        assert!(err.to_string().contains("the route /c is taken"), "{err}");
        for bad in ["c", "/c/", "/a//b", "/a?b"] {
            let err = listen(&node, counter.clone(), &[], bad)
                .await
                .err()
                .unwrap();
            assert!(
                err.to_string().contains("cannot be a route"),
                "{bad}: {err}"
            );
        }
        listener.close_request().send().promise.await.unwrap();
        let r = http().get(format!("{base}/c")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        // Closed, the route is free again.
        listen(&node, counter, &[], "/c").await.unwrap();
    });
}

#[test]
fn an_attenuated_executor_holds_for_the_route() {
    local(async || {
        let node = node();
        let counter = load(&node, std_cells::COUNTER).await;
        let cid_only = Rc::new(Policy::named(executor::Client::TYPE_ID, &["cid"]).unwrap());
        let narrowed = guard(counter, cid_only, &node.epoch);
        let (_l, url) = listen(&node, narrowed, &[], "/narrow").await.unwrap();
        let r = http().get(&url).send().await.unwrap();
        assert_eq!(r.status(), 502);
        let text = r.text().await.unwrap();
        assert!(
            text.contains(&format!("{DENIED}: Executor.spawn is not granted")),
            "{text}"
        );

        // Revoked, the executor serves no more requests.
        let counter = load(&node, std_cells::COUNTER).await;
        let all = Rc::new(Policy::all());
        let guarded = guard(counter, all, &node.epoch);
        let (_l, url) = listen(&node, guarded, &[], "/revoked").await.unwrap();
        assert_eq!(http().get(&url).send().await.unwrap().status(), 200);
        node.epoch.advance();
        let r = http().get(&url).send().await.unwrap();
        assert_eq!(r.status(), 502);
        assert!(r.text().await.unwrap().contains("ww.membrane.revoked"));
    });
}

/// Listens on `path` with the status cell, granted `host` seen through
/// `policy`.
async fn listen_status(node: &Node, policy: Policy, path: &str) -> String {
    let status = load(node, std_cells::STATUS).await;
    let mut request = node.host.listen_request();
    {
        let mut cell = request.get().init_cell();
        cell.set_executor(status);
        let host = guard(node.host.clone(), Rc::new(policy), &node.epoch);
        let mut grant = cell.init_grants(1).get(0);
        grant.set_name("host");
        grant.init_cap().set_as_capability(host.client.hook);
    }
    request.get().set_path(path);
    let listener = request.send().pipeline.get_listener();
    let url = listener.url_request().send().promise.await.unwrap();
    url.get().unwrap().get_url().unwrap().to_string().unwrap()
}

#[test]
fn an_http_cell_grafts_its_grants_over_the_membrane_channel() {
    local(async || {
        let node = node();
        let id_addrs_peers =
            Policy::named(host::Client::TYPE_ID, &["id", "addrs", "peers"]).unwrap();
        let url = listen_status(&node, id_addrs_peers, "/status").await;
        let r = http().get(&url).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let body = r.text().await.unwrap();
        let id = node.host.id_request().send().promise.await.unwrap();
        let id = id
            .get()
            .unwrap()
            .get_peer_id()
            .unwrap()
            .to_string()
            .unwrap();
        assert!(
            // This node listens nowhere (its network is never started).
            body.trim_end().ends_with(&format!(
                r#""peer_id":"{id}","listen_addrs":[],"peer_count":0}}"#
            )),
            "{body}"
        );

        // Inside the cell, the grant holds as attenuated: `peers` is
        // refused, and the cell says so.
        let id_addrs = Policy::named(host::Client::TYPE_ID, &["id", "addrs"]).unwrap();
        let url = listen_status(&node, id_addrs, "/narrow").await;
        let r = http().get(&url).send().await.unwrap();
        assert_eq!(r.status(), 503);
        let body = r.text().await.unwrap();
        assert!(
            body.contains(&format!("{DENIED}: Host.peers is not granted")),
            "{body}"
        );
    });
}
