//! The membrane: attenuation checked on (interface id, method ordinal),
//! capabilities returned through it (directly and to pipelined calls)
//! guarded alike, stacking that only narrows, revocation by epoch;
//! `Runtime` / `Executor` / `Process` over Cap'n Proto; and `Identity`'s
//! signatures.

use crate::common::sink;

use std::rc::Rc;
use std::sync::Arc;

use capnp::traits::HasTypeId;
use runtime::cells::CellHost;
use runtime::membrane::{
    DENIED, Epoch, Grant, IdentityServer, Membrane, Policy, REVOKED, RuntimeServer, guard,
};
use runtime::schema::identity_capnp::{identity, signer};
use runtime::schema::membrane_capnp::membrane;
use runtime::schema::runtime_capnp::{Mode, executor, process, runtime as runtime_cap};
use runtime::schema::stream_capnp::byte_stream;
use runtime::std_cells::{self, fixtures};
use tokio::io::AsyncReadExt;

const STREAM: u64 = byte_stream::Client::TYPE_ID;

/// Runs `test` on a `LocalSet`, as Cap'n Proto objects need.
fn local<F: std::future::Future<Output = ()>>(test: F) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tokio::task::LocalSet::new().block_on(&runtime, test);
}

/// Grants the process `out` as `out`, and nothing else.
fn grant_out(params: executor::spawn_params::Builder<'_>, out: &byte_stream::Client) {
    let mut grants = params.init_grants(1);
    grants.reborrow().get(0).set_name("out");
    grants
        .get(0)
        .init_cap()
        .set_as_capability(out.client.hook.clone());
}

async fn write(stream: &byte_stream::Client, data: &[u8]) -> Result<(), capnp::Error> {
    let mut request = stream.write_request();
    request.get().set_data(data);
    request.send().promise.await.map(drop)
}

async fn close(stream: &byte_stream::Client) -> Result<(), capnp::Error> {
    stream.close_request().send().promise.await.map(drop)
}

async fn read(stream: &byte_stream::Client, max: u32) -> Result<Vec<u8>, capnp::Error> {
    let mut request = stream.read_request();
    request.get().set_max(max);
    let response = request.send().promise.await?;
    Ok(response.get()?.get_data()?.to_vec())
}

fn only(methods: &[&str]) -> Rc<Policy> {
    Rc::new(Policy::named(STREAM, methods).unwrap())
}

#[track_caller]
fn assert_refused(result: Result<(), capnp::Error>, code: &str, what: &str) {
    match result {
        Ok(()) => panic!("{what} went through"),
        Err(e) => assert!(
            e.to_string().contains(code) && e.to_string().contains(what),
            "{e}"
        ),
    }
}

#[test]
fn an_attenuated_capability_lets_through_only_its_methods() {
    local(async {
        let epoch = Epoch::new();
        let (stream, mut out) = sink();
        let write_only = guard(stream, only(&["write"]), &epoch);
        write(&write_only, b"through").await.unwrap();
        assert_refused(close(&write_only).await, DENIED, "ByteStream.close");
        // Stacking only narrows: allowing `close` again does not.
        let again = guard(write_only.clone(), only(&["write", "close"]), &epoch);
        assert_refused(close(&again).await, DENIED, "ByteStream.close");
        let nothing = guard(write_only, only(&["close"]), &epoch);
        assert_refused(write(&nothing, b"x").await, DENIED, "ByteStream.write");
        let mut got = vec![0; 7];
        out.read_exact(&mut got).await.unwrap();
        assert_eq!(got, b"through");
    });
}

#[test]
fn advancing_the_epoch_revokes_and_a_new_graft_gives_fresh_capabilities() {
    local(async {
        let epoch = Epoch::new();
        let (stream, _out) = sink();
        let membrane = Membrane::new(&epoch, [Grant::new("out", stream)])
            .unwrap()
            .client();
        let graft = |m: membrane::Client| async move {
            let response = m.graft_request().send().promise.await.unwrap();
            let exports = response.get().unwrap().get_exports().unwrap();
            assert_eq!(exports.get(0).get_name().unwrap(), "out");
            exports
                .get(0)
                .get_cap()
                .get_as_capability::<byte_stream::Client>()
                .unwrap()
        };
        let first = graft(membrane.clone()).await;
        write(&first, b"a").await.unwrap();
        assert_eq!(epoch.advance(), 1);
        assert_refused(write(&first, b"b").await, REVOKED, "epoch 0");
        let second = graft(membrane).await;
        write(&second, b"c").await.unwrap();
    });
}

#[test]
fn capabilities_returned_through_a_membrane_are_guarded_too() {
    local(async {
        let epoch = Epoch::new();
        let (stream, _out) = sink();
        let inner = Membrane::new(&epoch, [Grant::new("out", stream)])
            .unwrap()
            .client();
        // The membrane capability itself seen through a policy on streams.
        let seen = guard(inner, only(&["write"]), &epoch);
        let response = seen.graft_request().send().promise.await.unwrap();
        let exports = response.get().unwrap().get_exports().unwrap();
        let out: byte_stream::Client = exports.get(0).get_cap().get_as_capability().unwrap();
        write(&out, b"ok").await.unwrap();
        assert_refused(close(&out).await, DENIED, "ByteStream.close");
        // ...and revoked with the membrane they came through.
        epoch.advance();
        assert_refused(write(&out, b"late").await, REVOKED, "has ended");
    });
}

fn runtime_cap(epoch: &Epoch) -> runtime_cap::Client {
    let host = Arc::new(CellHost::new(None).expect("the engine starts"));
    RuntimeServer::new(host, epoch).client()
}

fn load(runtime: &runtime_cap::Client, wasm: &[u8]) -> executor::Client {
    let mut request = runtime.load_request();
    request.get().set_wasm(wasm);
    // Pipelined: the executor is usable before `load` returns.
    request.send().pipeline.get_executor()
}

#[test]
fn pipelined_calls_go_through_the_membrane() {
    local(async {
        let epoch = Epoch::new();
        let cid_only = Rc::new(Policy::named(executor::Client::TYPE_ID, &["cid"]).unwrap());
        let runtime = guard(runtime_cap(&epoch), cid_only, &epoch);
        let executor = load(&runtime, std_cells::ECHO);
        let cid = executor.cid_request().send().promise.await.unwrap();
        assert_eq!(
            cid.get().unwrap().get_cid().unwrap(),
            runtime::cid::cid_string(std_cells::ECHO).as_str()
        );
        let spawn = executor.spawn_request().send().promise.await.map(drop);
        assert_refused(spawn, DENIED, "Executor.spawn");
        epoch.advance();
        let late = executor.cid_request().send().promise.await.map(drop);
        assert_refused(late, REVOKED, "epoch 0");
    });
}

async fn wait(process: &process::Client) -> (i32, String) {
    let response = process.wait_request().send().promise.await.unwrap();
    let r = response.get().unwrap();
    (
        r.get_exit_code(),
        r.get_ended().unwrap().to_string().unwrap(),
    )
}

#[test]
fn a_raw_process_streams_through_its_capabilities() {
    local(async {
        let epoch = Epoch::new();
        let executor = load(&runtime_cap(&epoch), std_cells::ECHO);
        let mut spawn = executor.spawn_request();
        spawn.get().set_mode(Mode::Raw);
        let process = spawn.send().pipeline.get_process();
        let stdin = process.stdin_request().send().pipeline.get_stream();
        let stdout = process.stdout_request().send().pipeline.get_stream();
        write(&stdin, b"over capnp").await.unwrap();
        let mut echoed = Vec::new();
        while echoed.len() < 10 {
            echoed.extend(read(&stdout, 64).await.unwrap());
        }
        assert_eq!(echoed, b"over capnp");
        close(&stdin).await.unwrap();
        assert_eq!(read(&stdout, 64).await.unwrap(), b"", "the end");
        assert_eq!(wait(&process).await, (0, "exit".into()));
        let bootstrap = process.bootstrap_request().send().promise.await.map(drop);
        assert_refused(bootstrap, "no bootstrap capability", "vat mode");
    });
}

#[test]
fn an_http_process_grafts_its_grants_over_its_channel_and_serves_nothing() {
    local(async {
        let epoch = Epoch::new();
        let executor = load(&runtime_cap(&epoch), std_cells::STATUS);
        let (out, _collected) = sink();
        let mut spawn = executor.spawn_request();
        {
            let mut params = spawn.get();
            params.set_mode(Mode::Http);
            let mut env = params.reborrow().init_env(1);
            env.reborrow().get(0).set_name("REQUEST_METHOD");
            env.get(0).set_value("GET");
            grant_out(params, &out);
        }
        let process = spawn.send().pipeline.get_process();
        let stdin = process.stdin_request().send().pipeline.get_stream();
        let stdout = process.stdout_request().send().pipeline.get_stream();
        close(&stdin).await.unwrap();
        let mut response = Vec::new();
        loop {
            let chunk = read(&stdout, 1 << 16).await.unwrap();
            if chunk.is_empty() {
                break;
            }
            response.extend(chunk);
        }
        let response = String::from_utf8(response).unwrap();
        // The cell grafted its membrane (granted `out`, not `host`, it
        // reports no node facts) and answered on stdout.
        assert!(response.contains(r#""status":"ok""#), "{response}");
        assert!(!response.contains("peer_id"), "{response}");
        assert_eq!(wait(&process).await, (0, "exit".into()));
        // A WAGI cell answers on stdout: the host never asks it for a
        // capability of its own.
        let bootstrap = process.bootstrap_request().send().promise.await.map(drop);
        assert_refused(bootstrap, "no bootstrap capability", "vat mode");
    });
}

#[test]
fn a_vat_process_gets_exactly_its_grants_and_can_be_killed() {
    local(async {
        let epoch = Epoch::new();
        let executor = load(&runtime_cap(&epoch), fixtures::SHOUT);
        let (out, mut collected) = sink();
        let mut spawn = executor.spawn_request();
        {
            let mut params = spawn.get();
            params.set_mode(Mode::Vat);
            grant_out(params, &out);
        }
        let process = spawn.send().pipeline.get_process();
        let response = process.bootstrap_request().send().promise.await.unwrap();
        let shout: byte_stream::Client = response
            .get()
            .unwrap()
            .get_cap()
            .get_as_capability()
            .unwrap();
        write(&shout, b"via the executor\n").await.unwrap();
        let mut got = vec![0; 39];
        collected.read_exact(&mut got).await.unwrap();
        assert_eq!(got, b"hello from a vat cell\nVIA THE EXECUTOR\n");
        process.kill_request().send().promise.await.unwrap();
        assert_eq!(wait(&process).await, (-1, "killed".into()));
    });
}

#[test]
fn a_vat_process_without_its_grant_reports_on_stderr() {
    local(async {
        let epoch = Epoch::new();
        let executor = load(&runtime_cap(&epoch), fixtures::SHOUT);
        let mut spawn = executor.spawn_request();
        spawn.get().set_mode(Mode::Vat);
        let process = spawn.send().pipeline.get_process();
        assert_eq!(wait(&process).await, (1, "exit".into()));
        let stderr = process.stderr_request().send().pipeline.get_stream();
        let text = String::from_utf8(read(&stderr, 4096).await.unwrap()).unwrap();
        assert!(text.contains("granted nothing"), "{text}");
    });
}

async fn signature(signer: &signer::Client, data: &[u8]) -> Vec<u8> {
    let mut request = signer.sign_request();
    request.get().set_data(data);
    let response = request.send().promise.await.unwrap();
    response.get().unwrap().get_signature().unwrap().to_vec()
}

async fn verify(
    identity: &identity::Client,
    key: &[u8],
    domain: &str,
    data: &[u8],
    signature: &[u8],
) -> Result<bool, capnp::Error> {
    let mut request = identity.verify_request();
    {
        let mut p = request.get();
        p.set_public_key(key);
        p.set_domain(domain);
        p.set_data(data);
        p.set_signature(signature);
    }
    Ok(request.send().promise.await?.get()?.get_valid())
}

#[test]
fn an_identity_signs_per_domain_and_verifies() {
    local(async {
        let key = libp2p_identity::Keypair::generate_ed25519();
        let peer = key.public().to_peer_id().to_string();
        let identity = IdentityServer::new(key).client();
        let mut request = identity.signer_request();
        request.get().set_domain("login");
        let login = request.send().pipeline.get_signer();
        let public = login.public_key_request().send().promise.await.unwrap();
        let public = public.get().unwrap();
        let pk = public.get_key().unwrap().to_vec();
        assert_eq!(public.get_peer_id().unwrap(), peer.as_str());
        assert!(peer.starts_with("12D3KooW"), "{peer}");

        let sig = signature(&login, b"challenge").await;
        assert_eq!(
            verify(&identity, &pk, "login", b"challenge", &sig)
                .await
                .ok(),
            Some(true)
        );
        // Another domain, other data, another signature: not valid.
        assert_eq!(
            verify(&identity, &pk, "other", b"challenge", &sig)
                .await
                .ok(),
            Some(false)
        );
        assert_eq!(
            verify(&identity, &pk, "login", b"challengf", &sig)
                .await
                .ok(),
            Some(false)
        );
        assert_eq!(
            verify(&identity, &pk, "login", b"challenge", &sig[1..])
                .await
                .ok(),
            Some(false)
        );
        let bad_key = verify(&identity, b"not a key", "login", b"x", &sig).await;
        assert!(
            bad_key
                .unwrap_err()
                .to_string()
                .contains("not a protobuf-encoded libp2p key")
        );
        let mut empty = identity.signer_request();
        empty.get().set_domain("");
        let refused = empty.send().promise.await.map(drop);
        assert_refused(refused, "signing domain is 1 to 256 bytes", "not 0");

        // A signer attenuated to its public key cannot sign.
        let epoch = Epoch::new();
        let only_public = Rc::new(Policy::named(signer::Client::TYPE_ID, &["public-key"]).unwrap());
        let shown = guard(login, only_public, &epoch);
        shown.public_key_request().send().promise.await.unwrap();
        let mut sign = shown.sign_request();
        sign.get().set_data(b"x");
        assert_refused(sign.send().promise.await.map(drop), DENIED, "Signer.sign");
    });
}
