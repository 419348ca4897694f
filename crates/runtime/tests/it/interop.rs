//! Interoperability with the reference implementation: clients on pycapnp
//! (the C++ Cap'n Proto library) call capabilities this crate exports over
//! a loopback socket, through membranes that grant some methods and not
//! others.
//!
//! pycapnp comes from `tests/interop/requirements.txt`, installed by
//! `./scripts/test` into `target/lsp-venv`; without it these tests fail
//! with that advice rather than skip.

use crate::common;

use std::ffi::OsString;
use std::process::Stdio;
use std::rc::Rc;
use std::sync::Arc;

use capnp::traits::HasTypeId;
use capnp_rpc::rpc_twoparty_capnp::Side;
use capnp_rpc::{RpcSystem, twoparty};
use runtime::cells::CellHost;
use runtime::membrane::{DENIED, Epoch, HostServer, Policy, RuntimeServer, guard};
use runtime::p2p::{LazyNetwork, Network};
use runtime::schema::host_capnp::host;
use runtime::schema::runtime_capnp::executor;
use tokio_util::compat::{TokioAsyncReadCompatExt, TokioAsyncWriteCompatExt};

fn python() -> std::path::PathBuf {
    let python = std::env::var_os("WW_TEST_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| common::repo_root().join("target/lsp-venv"))
        .join("bin/python");
    let has_pycapnp = std::process::Command::new(&python)
        .args(["-c", "import capnp"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_pycapnp,
        "pycapnp is not installed in {}: run ./scripts/test, or python3 -m venv target/lsp-venv \
         && target/lsp-venv/bin/pip install -r tests/interop/requirements.txt",
        python.display()
    );
    python
}

/// Serves the capability `export` makes to the pycapnp client
/// `tests/interop/<script>` (run with the port, the schema directory and
/// `args`) and returns the lines it printed.
fn serve_to_python(
    script: &str,
    args: &[OsString],
    export: impl AsyncFnOnce() -> capnp::capability::Client,
) -> Vec<String> {
    let root = common::repo_root();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    let stdout = local.block_on(&rt, async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let exported = export().await;
        let client = tokio::process::Command::new(python())
            .arg(root.join("tests/interop").join(script))
            .arg(port.to_string())
            .arg(root.join("schema"))
            .args(args)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("python runs");
        let (socket, _) =
            tokio::time::timeout(std::time::Duration::from_secs(30), listener.accept())
                .await
                .expect("pycapnp connects")
                .unwrap();
        let (reader, writer) = socket.into_split();
        let network = twoparty::VatNetwork::new(
            reader.compat(),
            writer.compat_write(),
            Side::Server,
            Default::default(),
        );
        let system = RpcSystem::new(Box::new(network), Some(exported));
        let connection = tokio::task::spawn_local(system);
        let output = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            client.wait_with_output(),
        )
        .await
        .expect("the client finishes")
        .unwrap();
        connection.abort();
        assert!(output.status.success(), "the pycapnp client failed");
        String::from_utf8(output.stdout).unwrap()
    });
    stdout.lines().map(str::to_string).collect()
}

#[test]
fn pycapnp_calls_an_exported_runtime_through_the_membrane() {
    let dir = common::TempDir::new("interop");
    let wasm = dir.0.join("echo.wasm");
    std::fs::write(&wasm, runtime::std_cells::ECHO).unwrap();
    let lines = serve_to_python("runtime_client.py", &[wasm.into()], async || {
        let epoch = Epoch::new();
        let host = Arc::new(CellHost::new(None).unwrap());
        let cid_only = Rc::new(Policy::named(executor::Client::TYPE_ID, &["cid"]).unwrap());
        guard(RuntimeServer::new(host, &epoch).client(), cid_only, &epoch).client
    });
    assert_eq!(
        lines[0],
        format!(
            r#"{{"step": "cid", "cid": "{}"}}"#,
            runtime::cid::cid_string(runtime::std_cells::ECHO)
        )
    );
    assert!(
        lines[1].contains(r#""ok": false"#)
            && lines[1].contains(&format!("{DENIED}: Executor.spawn is not granted")),
        "{}",
        lines[1]
    );
}

#[test]
fn pycapnp_calls_an_exported_host_through_the_membrane() {
    let key = libp2p::identity::Keypair::generate_ed25519();
    let peer_id = key.public().to_peer_id();
    let addr = std::cell::RefCell::new(String::new());
    let lines = serve_to_python("host_client.py", &[], async || {
        let loopback = "/ip4/127.0.0.1/tcp/0".parse().unwrap();
        let network = Network::start(key.clone(), &[loopback]).await.unwrap();
        *addr.borrow_mut() = network.listen_addrs().await.unwrap()[0].to_string();
        let epoch = Epoch::new();
        let id_addrs = Rc::new(Policy::named(host::Client::TYPE_ID, &["id", "addrs"]).unwrap());
        let host = HostServer::new(LazyNetwork::ready(network, key.clone())).client();
        guard(host, id_addrs, &epoch).client
    });
    assert_eq!(
        lines[0],
        format!(r#"{{"step": "id", "peerId": "{peer_id}"}}"#)
    );
    assert_eq!(
        lines[1],
        format!(r#"{{"step": "addrs", "addrs": ["{}"]}}"#, addr.borrow())
    );
    assert!(
        lines[2].contains(r#""ok": false"#)
            && lines[2].contains(&format!("{DENIED}: Host.peers is not granted")),
        "{}",
        lines[2]
    );
}
