//! Interoperability with the reference implementation: a client on
//! pycapnp (the C++ Cap'n Proto library) calls a `Runtime` this crate
//! exports over a loopback socket, through a membrane that grants
//! `Executor.cid` but not `Executor.spawn`.
//!
//! pycapnp comes from `tests/interop/requirements.txt`, installed by
//! `./scripts/test` into `target/lsp-venv`; without it this test fails
//! with that advice rather than skip.

mod common;

use std::process::Stdio;
use std::rc::Rc;
use std::sync::Arc;

use capnp::traits::HasTypeId;
use capnp_rpc::rpc_twoparty_capnp::Side;
use capnp_rpc::{RpcSystem, twoparty};
use runtime::cells::CellHost;
use runtime::membrane::{DENIED, Epoch, Policy, RuntimeServer, guard};
use runtime::schema::runtime_capnp::executor;
use tokio_util::compat::{TokioAsyncReadCompatExt, TokioAsyncWriteCompatExt};

#[test]
fn pycapnp_calls_an_exported_runtime_through_the_membrane() {
    let root = common::repo_root();
    let python = std::env::var_os("WW_TEST_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target/lsp-venv"))
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
    let dir = common::TempDir::new("interop");
    let wasm = dir.0.join("echo.wasm");
    std::fs::write(&wasm, runtime::std_cells::ECHO).unwrap();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    let lines = local.block_on(&rt, async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = tokio::process::Command::new(&python)
            .arg(root.join("tests/interop/runtime_client.py"))
            .arg(port.to_string())
            .arg(root.join("schema"))
            .arg(&wasm)
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
        let epoch = Epoch::new();
        let host = Arc::new(CellHost::new(None).unwrap());
        let cid_only = Rc::new(Policy::named(executor::Client::TYPE_ID, &["cid"]).unwrap());
        let exported = guard(RuntimeServer::new(host, &epoch).client(), cid_only, &epoch);
        let network = twoparty::VatNetwork::new(
            reader.compat(),
            writer.compat_write(),
            Side::Server,
            Default::default(),
        );
        let system = RpcSystem::new(Box::new(network), Some(exported.client));
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
    let lines: Vec<&str> = lines.lines().collect();
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
