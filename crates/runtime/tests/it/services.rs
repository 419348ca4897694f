//! Services between two real nodes on loopback: a capability exported on
//! `/ww/0.1.0/vat/<name>` and dialled by a peer (attenuation and epochs
//! holding across the wire), a vat cell and a raw cell per stream (stopped
//! when its peer hangs up); a capability passed in a call, proxied back
//! over the connection; authenticated vats (a view per key); a rogue
//! peer's garbage and a peer hanging up mid-call.

use crate::common;

use std::rc::Rc;
use std::sync::Arc;

use capnp::capability::{Client, FromClientHook};
use capnp::traits::HasTypeId;
use libp2p::identity::Keypair;
use runtime::cells::CellHost;
use runtime::membrane::{
    DENIED, Epoch, HostServer, IdentityServer, Policy, REVOKED, RuntimeServer, guard,
};
use runtime::p2p::{LazyNetwork, Network};
use runtime::schema::host_capnp::{host, listener};
use runtime::schema::identity_capnp::{identity, signer};
use runtime::schema::runtime_capnp::executor;
use runtime::schema::stream_capnp::byte_stream;
use runtime::std_cells::{self, fixtures};
use tokio::io::AsyncReadExt;

struct Node {
    host: host::Client,
    network: Network,
    id: String,
    addr: String,
}

async fn node() -> Node {
    let key = Keypair::generate_ed25519();
    let network = Network::start(key.clone(), &["/ip4/127.0.0.1/tcp/0".parse().unwrap()])
        .await
        .unwrap();
    let addr = network.listen_addrs().await.unwrap()[0].to_string();
    Node {
        id: network.peer_id().to_string(),
        host: HostServer::new(LazyNetwork::ready(network.clone(), key)).client(),
        network,
        addr,
    }
}

/// `b` connected to `a`.
async fn pair() -> (Node, Node) {
    let (a, b) = (node().await, node().await);
    let mut connect = b.host.connect_request();
    connect.get().set_peer_id(&a.id);
    connect.get().init_addrs(1).set(0, &a.addr);
    connect.send().promise.await.unwrap();
    (a, b)
}

async fn dial(from: &Node, to: &Node, name: &str) -> Result<Client, capnp::Error> {
    let mut dial = from.host.dial_request();
    dial.get().set_peer_id(&to.id);
    dial.get().set_name(name);
    let response = dial.send().promise.await?;
    response.get()?.get_cap().get_as_capability()
}

async fn export(node: &Node, name: &str, cap: Client) -> Result<listener::Client, capnp::Error> {
    let mut export = node.host.export_request();
    export.get().set_name(name);
    export.get().init_cap().set_as_capability(cap.hook);
    export.send().promise.await?.get()?.get_listener()
}

async fn listen(
    node: &Node,
    executor: executor::Client,
    path: &str,
    grants: &[(&str, Client)],
) -> listener::Client {
    let mut listen = node.host.listen_request();
    {
        let mut cell = listen.get().init_cell();
        cell.set_executor(executor);
        let mut list = cell.init_grants(grants.len() as u32);
        for (i, (name, cap)) in grants.iter().enumerate() {
            let mut g = list.reborrow().get(i as u32);
            g.set_name(name);
            g.init_cap().set_as_capability(cap.hook.add_ref());
        }
    }
    listen.get().set_path(path);
    listen
        .send()
        .promise
        .await
        .unwrap()
        .get()
        .unwrap()
        .get_listener()
        .unwrap()
}

/// An executor of `wasm` on `cells`, issued in `epoch` (pipelined).
fn executor_of(cells: Arc<CellHost>, epoch: &Epoch, wasm: &[u8]) -> executor::Client {
    let runtime = RuntimeServer::new(cells, epoch).client();
    let mut load = runtime.load_request();
    load.get().set_wasm(wasm);
    load.send().pipeline.get_executor()
}

fn local(test: impl AsyncFnOnce()) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    tokio::task::LocalSet::new().block_on(&rt, test());
}

async fn sign(identity: &identity::Client) -> Result<(), capnp::Error> {
    let mut request = identity.signer_request();
    request.get().set_domain("test");
    let signer: signer::Client = request.send().pipeline.get_signer();
    let mut sign = signer.sign_request();
    sign.get().set_data(b"data");
    sign.send().promise.await.map(drop)
}

#[test]
fn an_exported_capability_is_called_by_a_peer_as_attenuated() {
    local(async || {
        let (a, b) = pair().await;
        let epoch = Epoch::new();
        let signer_only = Rc::new(Policy::named(identity::Client::TYPE_ID, &["signer"]).unwrap());
        let ident = IdentityServer::new(Keypair::generate_ed25519()).client();
        let exported = guard(ident, signer_only, &epoch);
        let listener = export(&a, "ident", exported.client).await.unwrap();
        let url = listener.url_request().send().promise.await.unwrap();
        assert_eq!(
            url.get().unwrap().get_url().unwrap().to_str().unwrap(),
            "/ww/0.1.0/vat/ident"
        );

        let remote = identity::Client::new(dial(&b, &a, "ident").await.unwrap().hook);
        sign(&remote)
            .await
            .expect("signer is granted, and what it returns works");
        let mut verify = remote.verify_request();
        verify.get().set_domain("test");
        let err = verify.send().promise.await.err().unwrap();
        assert!(
            err.to_string()
                .contains(&format!("{DENIED}: Identity.verify is not granted")),
            "{err}"
        );

        // The exporter's epoch ends: the peer's reference is revoked.
        epoch.advance();
        let err = sign(&remote).await.err().unwrap();
        assert!(err.to_string().contains(REVOKED), "{err}");

        // Closed, the name is no longer served; exported again, it is.
        listener.close_request().send().promise.await.unwrap();
        let err = dial(&b, &a, "ident").await.err().unwrap();
        assert!(
            err.to_string().contains("cannot open /ww/0.1.0/vat/ident"),
            "{err}"
        );
        let fresh = IdentityServer::new(Keypair::generate_ed25519()).client();
        export(&a, "ident", fresh.client).await.unwrap();
        let remote = identity::Client::new(dial(&b, &a, "ident").await.unwrap().hook);
        sign(&remote).await.unwrap();

        // Taken and malformed names are refused.
        let again = IdentityServer::new(Keypair::generate_ed25519()).client();
        let err = export(&a, "ident", again.client).await.err().unwrap();
        assert!(err.to_string().contains("is served already"), "{err}");
        let bad = IdentityServer::new(Keypair::generate_ed25519()).client();
        let err = export(&a, "no/slash", bad.client).await.err().unwrap();
        assert!(err.to_string().contains("cannot name a service"), "{err}");
    });
}

/// A stream of `protocol` from `from` to `to` on which `bytes` were sent,
/// as they are: no Cap'n Proto of ours around them.
async fn send_raw(
    from: &Node,
    to: &Node,
    protocol: &libp2p::StreamProtocol,
    bytes: &[u8],
) -> libp2p::Stream {
    use futures::AsyncWriteExt as _;
    let mut stream = from
        .network
        .open_stream(to.network.peer_id(), protocol.clone())
        .await
        .unwrap();
    stream.write_all(bytes).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

#[test]
fn a_peer_sending_garbage_on_a_vat_protocol_is_cut_off_and_others_are_served() {
    use futures::AsyncReadExt as _;
    local(async || {
        let (a, b) = pair().await;
        let ident = IdentityServer::new(Keypair::generate_ed25519()).client();
        let _listener = export(&a, "ident", ident.client).await.unwrap();
        let protocol = runtime::p2p::protocol("vat", "ident").unwrap();
        let garbage: [&[u8]; 3] = [
            // 2^32 segments.
            &[0xff; 64],
            // One segment of 2^32 - 1 words: past any traversal limit.
            &[0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
            // Another protocol altogether.
            b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        ];
        for bytes in garbage {
            let mut stream = send_raw(&b, &a, &protocol, bytes).await;
            // The exporter hangs up (our side keeps writing open): reading
            // ends instead of waiting for a message that never comes.
            let mut rest = Vec::new();
            let read = tokio::time::timeout(
                std::time::Duration::from_secs(20),
                stream.read_to_end(&mut rest),
            )
            .await;
            assert!(read.is_ok(), "the exporter kept a garbage stream open");
        }
        // The exporter serves honest callers as before, the rogue one too.
        let remote = identity::Client::new(dial(&b, &a, "ident").await.unwrap().hook);
        sign(&remote).await.unwrap();
    });
}

#[test]
fn a_burst_of_callers_is_served_every_one() {
    local(async || {
        let (a, b) = pair().await;
        let ident = IdentityServer::new(Keypair::generate_ed25519()).client();
        let _listener = export(&a, "ident", ident.client).await.unwrap();
        // Many streams arriving at once queue for the accepting task; none
        // is dropped because the task had not yet taken the one before.
        let calls = (0..64).map(|_| async {
            let remote = identity::Client::new(dial(&b, &a, "ident").await?.hook);
            sign(&remote).await
        });
        for outcome in futures::future::join_all(calls).await {
            outcome.expect("every caller in a burst is served");
        }
    });
}

#[test]
fn a_peer_hanging_up_mid_call_is_a_clean_error() {
    use futures::{AsyncReadExt as _, StreamExt as _};
    local(async || {
        let (a, b) = pair().await;
        // A takes each caller's first message, then hangs up unanswered.
        let protocol = runtime::p2p::protocol("vat", "flaky").unwrap();
        let mut incoming = a.network.accept(protocol).unwrap();
        tokio::task::spawn_local(async move {
            while let Some((_, mut stream)) = incoming.next().await {
                let mut first = [0u8; 64];
                let _ = stream.read(&mut first).await;
            }
        });
        let call = async {
            let remote = identity::Client::new(dial(&b, &a, "flaky").await?.hook);
            sign(&remote).await
        };
        let result = tokio::time::timeout(std::time::Duration::from_secs(20), call)
            .await
            .expect("the call waits for an answer that cannot come");
        let err = result.unwrap_err();
        assert_eq!(err.kind, capnp::ErrorKind::Disconnected, "{err}");
        // B's node is unaffected: it still reaches A.
        let ident = IdentityServer::new(Keypair::generate_ed25519()).client();
        let _listener = export(&a, "ident", ident.client).await.unwrap();
        let remote = identity::Client::new(dial(&b, &a, "ident").await.unwrap().hook);
        sign(&remote).await.unwrap();
    });
}

#[test]
fn a_vat_cell_per_stream_serves_each_peer() {
    local(async || {
        let (a, b) = pair().await;
        let epoch = Epoch::new();
        let shout = executor_of(
            Arc::new(CellHost::new(None).unwrap()),
            &epoch,
            fixtures::SHOUT,
        );
        // What the cell writes to its `out` grant, A reads here.
        let (out, mut seen) = common::sink();
        listen(&a, shout, "/ww/0.1.0/vat/shout", &[("out", out.client)]).await;

        let remote = byte_stream::Client::new(dial(&b, &a, "shout").await.unwrap().hook);
        let mut write = remote.write_request();
        write.get().set_data(b"across the wire\n");
        write.send().promise.await.unwrap();
        remote.close_request().send().promise.await.unwrap();
        let mut got = String::new();
        seen.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "hello from a vat cell\nACROSS THE WIRE\n");
    });
}

/// Waits (at most 20 s) until `host` runs `n` cells.
async fn until_running(host: &CellHost, n: usize) {
    for _ in 0..400 {
        if host.running() == n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{} cells run, not {n}", host.running());
}

#[test]
fn a_per_stream_cell_stops_when_its_peer_hangs_up() {
    local(async || {
        let (a, b) = pair().await;
        let epoch = Epoch::new();
        let cells = Arc::new(CellHost::new(None).unwrap());
        let shout = executor_of(cells.clone(), &epoch, fixtures::SHOUT);
        let (out, _seen) = common::sink();
        let _listener = listen(&a, shout, "/ww/0.1.0/vat/shout", &[("out", out.client)]).await;

        // A vat cell for each of two streams, running while they are
        // open: each stream asks for the cell's bootstrap capability (the
        // cell is spawned when a message first needs it), then hangs up.
        let mut bootstrap = capnp::message::Builder::new_default();
        bootstrap
            .init_root::<capnp_rpc::rpc_capnp::message::Builder>()
            .init_bootstrap()
            .set_question_id(0);
        let bootstrap = capnp::serialize::write_message_to_words(&bootstrap);
        let protocol = runtime::p2p::protocol("vat", "shout").unwrap();
        let mut streams = Vec::new();
        for _ in 0..2 {
            streams.push(send_raw(&b, &a, &protocol, &bootstrap).await);
        }
        until_running(&cells, 2).await;
        let second = streams.pop().unwrap();
        let first = streams.pop().unwrap();
        // A peer hanging up stops its cell, not the other's.
        drop(first);
        until_running(&cells, 1).await;
        drop(second);
        until_running(&cells, 0).await;
    });
}

#[test]
fn a_raw_cell_per_stream_is_the_stream() {
    local(async || {
        let (a, b) = pair().await;
        let epoch = Epoch::new();
        let echo = executor_of(
            Arc::new(CellHost::new(None).unwrap()),
            &epoch,
            std_cells::ECHO,
        );
        listen(&a, echo, "/ww/0.1.0/stream/echo", &[]).await;

        for text in ["one stream", "another"] {
            let mut open = b.host.open_stream_request();
            open.get().set_peer_id(&a.id);
            open.get().set_name("echo");
            let stream = open.send().pipeline.get_stream();
            let mut write = stream.write_request();
            write.get().set_data(text.as_bytes());
            write.send().promise.await.unwrap();
            stream.close_request().send().promise.await.unwrap();
            let mut got = Vec::new();
            loop {
                let mut read = stream.read_request();
                read.get().set_max(1024);
                let r = read.send().promise.await.unwrap();
                let data = r.get().unwrap().get_data().unwrap();
                if data.is_empty() {
                    break;
                }
                got.extend_from_slice(data);
            }
            assert_eq!(String::from_utf8(got).unwrap(), text);
        }

        let mut open = b.host.open_stream_request();
        open.get().set_peer_id(&a.id);
        open.get().set_name("nothing-here");
        let err = open.send().promise.await.err().unwrap();
        assert!(
            err.to_string()
                .contains("cannot open /ww/0.1.0/stream/nothing-here"),
            "{err}"
        );
    });
}

async fn export_login(
    node: &Node,
    name: &str,
    views: &[(&Keypair, Client)],
) -> Result<listener::Client, capnp::Error> {
    let mut export = node.host.export_login_request();
    export.get().set_name(name);
    let mut list = export.get().init_views(views.len() as u32);
    for (i, (key, cap)) in views.iter().enumerate() {
        let mut view = list.reborrow().get(i as u32);
        view.set_peer_id(key.public().to_peer_id().to_string());
        view.init_cap().set_as_capability(cap.hook.add_ref());
    }
    export.send().promise.await?.get()?.get_listener()
}

/// `from` dials `to`'s `name`, logging in with `key` through a signer for
/// `domain`.
async fn dial_login(
    from: &Node,
    to: &Node,
    name: &str,
    key: &Keypair,
    domain: &str,
) -> Result<identity::Client, capnp::Error> {
    let mut request = IdentityServer::new(key.clone()).client().signer_request();
    request.get().set_domain(domain);
    let signer = request.send().pipeline.get_signer();
    let mut dial = from.host.dial_login_request();
    dial.get().set_peer_id(&to.id);
    dial.get().set_name(name);
    dial.get().set_signer(signer);
    let response = dial.send().promise.await?;
    Ok(identity::Client::new(
        response
            .get()?
            .get_cap()
            .get_as_capability::<Client>()?
            .hook,
    ))
}

async fn verify(identity: &identity::Client) -> Result<(), capnp::Error> {
    let mut verify = identity.verify_request();
    verify.get().set_domain("test");
    let key = Keypair::generate_ed25519().public().encode_protobuf();
    verify.get().set_public_key(&key);
    verify.send().promise.await.map(drop)
}

#[test]
fn an_authenticated_vat_gives_each_key_its_own_view() {
    local(async || {
        let (a, b) = pair().await;
        let epoch = Epoch::new();
        let (alice, bob, carol) = (
            Keypair::generate_ed25519(),
            Keypair::generate_ed25519(),
            Keypair::generate_ed25519(),
        );
        let vault = IdentityServer::new(Keypair::generate_ed25519()).client();
        let signer_only = Rc::new(Policy::named(identity::Client::TYPE_ID, &["signer"]).unwrap());
        let narrow = guard(vault.clone(), signer_only, &epoch);
        export_login(
            &a,
            "vault",
            &[(&alice, vault.client.clone()), (&bob, narrow.client)],
        )
        .await
        .unwrap();
        let domain = runtime::membrane::VAT_LOGIN_DOMAIN;

        // Alice sees all of it; Bob only what his view allows.
        let as_alice = dial_login(&b, &a, "vault", &alice, domain).await.unwrap();
        sign(&as_alice).await.unwrap();
        verify(&as_alice).await.unwrap();
        let as_bob = dial_login(&b, &a, "vault", &bob, domain).await.unwrap();
        sign(&as_bob).await.unwrap();
        let err = verify(&as_bob).await.unwrap_err();
        assert!(err.to_string().contains(DENIED), "{err}");

        // A key with no view, and a signature for another domain, are
        // refused, each saying why.
        let carol_id = carol.public().to_peer_id();
        let err = dial_login(&b, &a, "vault", &carol, domain)
            .await
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains(&format!("{carol_id} may not log in to /ww/0.1.0/vat/vault")),
            "{err}"
        );
        let err = dial_login(&b, &a, "vault", &alice, "elsewhere")
            .await
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("does not verify") && err.to_string().contains("ww/vat-login"),
            "{err}"
        );

        // A plain dial is told the name needs a login; a login to a plain
        // export is told it needs none.
        let plain = identity::Client::new(dial(&b, &a, "vault").await.unwrap().hook);
        let err = sign(&plain).await.unwrap_err();
        assert!(
            err.to_string()
                .contains("/ww/0.1.0/vat/vault needs a login"),
            "{err}"
        );
        let open = IdentityServer::new(Keypair::generate_ed25519()).client();
        export(&a, "open", open.client).await.unwrap();
        let err = dial_login(&b, &a, "open", &alice, domain)
            .await
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains("serves /ww/0.1.0/vat/open without a login"),
            "{err}"
        );

        // Bob's view is revoked with its epoch; Alice's is not.
        epoch.advance();
        let err = sign(&as_bob).await.unwrap_err();
        assert!(err.to_string().contains(REVOKED), "{err}");
        sign(&as_alice).await.unwrap();

        // Bad exports are refused.
        let err = export_login(&a, "nobody", &[]).await.err().unwrap();
        assert!(err.to_string().contains("no key may log in"), "{err}");
        let twice = [
            (&alice, vault.client.clone()),
            (&alice, vault.client.clone()),
        ];
        let err = export_login(&a, "twice", &twice).await.err().unwrap();
        assert!(err.to_string().contains("two views"), "{err}");
    });
}

#[test]
fn a_capability_passed_in_a_call_is_proxied_back_over_the_connection() {
    local(async || {
        let (a, b) = pair().await;
        let epoch = Epoch::new();
        // A exports an executor of the shout cell; B spawns it with one of
        // B's own capabilities as its `out` grant: the cell, on A, writes
        // to B's stream through the connection B dialled.
        let shout = executor_of(
            Arc::new(CellHost::new(None).unwrap()),
            &epoch,
            fixtures::SHOUT,
        );
        export(&a, "shout", shout.client).await.unwrap();

        let remote = executor::Client::new(dial(&b, &a, "shout").await.unwrap().hook);
        let (out, mut seen) = common::sink();
        let mut spawn = remote.spawn_request();
        {
            let mut grant = spawn.get().init_grants(1).get(0);
            grant.set_name("out");
            grant.init_cap().set_as_capability(out.client.hook);
        }
        let process = spawn.send().pipeline.get_process();
        // What the process serves, returned across the wire too.
        let served = process.bootstrap_request().send().promise.await.unwrap();
        let served: Client = served.get().unwrap().get_cap().get_as_capability().unwrap();
        let served = byte_stream::Client::new(served.hook);
        let mut write = served.write_request();
        write.get().set_data(b"round trip\n");
        write.send().promise.await.unwrap();
        served.close_request().send().promise.await.unwrap();
        let mut got = String::new();
        seen.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "hello from a vat cell\nROUND TRIP\n");
    });
}
