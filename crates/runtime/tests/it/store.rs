//! The content store end to end: `ww push` an image, then `ww run
//! /ipfs/CID` boots it from the store, or from a peer's; an image nobody
//! has is refused with the reason; a peer sending a block that does not
//! match its CID is refused; the store's pins and garbage collection.

use crate::common;

use std::process::Command;

use common::{TempDir, get, run, run_to_end};

/// `ww ARGS` in `dir` with HOME at `home`: success, stdout (trimmed),
/// stderr.
fn ww_in(home: &TempDir, dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args(args)
        .current_dir(dir)
        .env("HOME", &home.0)
        // The cells' own target directory, where the SDK's crates are built
        // already (for `ww build`; a fresh one would build them all again).
        .env("CARGO_TARGET_DIR", common::repo_root().join("target/cells"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ww(home: &TempDir, args: &[&str]) -> (bool, String, String) {
    ww_in(home, &home.0, args)
}

#[test]
fn a_pushed_image_boots_by_its_cid() {
    let home = TempDir::new("store-home");
    // Pushed from a directory removed at once: the node boots from the
    // store alone.
    let cid = push_image(&home, "/from-ipfs");
    assert!(cid.starts_with("bafy"), "{cid}");

    let node = run(&home, &[&format!("/ipfs/{cid}")]);
    assert!(node.log.contains("20-route.glia: ok"), "{}", node.log);
    let (status, body) = get(&node.http, "/from-ipfs");
    assert_eq!(status, 200, "{body}");
}

#[test]
fn an_image_the_store_lacks_is_refused_with_the_reason() {
    let home = TempDir::new("store-missing");
    let cid = runtime::cid::cid_string(b"an image nobody pushed");
    let (ok, _, err) = run_to_end(&home, &format!("/ipfs/{cid}"));
    assert!(!ok);
    assert!(
        err.contains(&format!("/ipfs/{cid}: no peer has block {cid} (asked 0"))
            && err.contains("ww push")
            && err.contains("--bootstrap"),
        "{err}"
    );
    let (ok, _, err) = run_to_end(&home, "/ipfs/not-a-cid");
    assert!(!ok && err.contains("/ipfs/not-a-cid: not a CID"), "{err}");
}

#[test]
fn the_store_lists_pins_unpins_and_collects() {
    let home = TempDir::new("store-gc");
    let src = TempDir::new("store-gc-src");
    std::fs::write(src.0.join("keep"), b"kept\n").unwrap();
    let dropped = src.0.join("dropped");
    std::fs::write(&dropped, vec![5u8; 400_000]).unwrap();
    let (ok, keep, err) = ww(&home, &["push", src.0.join("keep").to_str().unwrap()]);
    assert!(ok, "{err}");
    let (_, drop_cid, _) = ww(&home, &["push", dropped.to_str().unwrap()]);
    let (_, listed, _) = ww(&home, &["store", "ls"]);
    let mut expected = vec![keep.clone(), drop_cid.clone()];
    expected.sort();
    assert_eq!(listed.lines().collect::<Vec<_>>(), expected);

    assert!(ww(&home, &["store", "unpin", &drop_cid]).0);
    let (ok, said, err) = ww(&home, &["store", "gc"]);
    assert!(ok, "{err}");
    assert!(said.starts_with("removed 3 blocks ("), "{said}");
    assert_eq!(ww(&home, &["store", "ls"]).1, keep);

    // Pinning what the store does not hold, or unpinning twice, says why.
    let (ok, _, err) = ww(&home, &["store", "pin", &drop_cid]);
    assert!(!ok && err.contains("is not in the store"), "{err}");
    let (ok, _, err) = ww(&home, &["store", "unpin", &drop_cid]);
    assert!(!ok && err.contains("is not pinned"), "{err}");
    let (ok, _, err) = ww(&home, &["store", "pin", "nonsense"]);
    assert!(!ok && err.contains("invalid value 'nonsense'"), "{err}");
}

/// `ww push`es a tree holding an init script that serves `route` (and a
/// file of a few blocks) into the store of `home`; its CID.
fn push_image(home: &TempDir, route: &str) -> String {
    let src = TempDir::new("store-src");
    let init = src.0.join("etc/init.d");
    std::fs::create_dir_all(&init).unwrap();
    std::fs::write(
        init.join("20-route.glia"),
        format!("(perform host :listen (cell (perform :load \"bin/status.wasm\")) \"{route}\")\n"),
    )
    .unwrap();
    std::fs::write(src.0.join("data.bin"), vec![42u8; 600_000]).unwrap();
    let (ok, cid, err) = ww(home, &["push", src.0.to_str().unwrap()]);
    assert!(ok, "{err}");
    cid
}

#[test]
fn a_node_runs_an_image_only_its_peer_has() {
    let a_home = TempDir::new("store-a");
    let cid = push_image(&a_home, "/fetched");
    let a = run(&a_home, &[]);
    let b_home = TempDir::new("store-b");
    let via = format!("{}/p2p/{}", a.libp2p, a.peer_id);
    let b = run(&b_home, &["--bootstrap", &via, &format!("/ipfs/{cid}")]);
    // The root, etc, init.d, the script, data.bin's node and its two
    // distinct leaves (its two full chunks are the same block).
    assert!(b.log.contains("fetched 7 blocks"), "{}", b.log);
    assert!(b.log.contains("20-route.glia: ok"), "{}", b.log);
    assert_eq!(get(&b.http, "/fetched").0, 200);
    // B keeps what it fetched, pinned.
    assert_eq!(ww(&b_home, &["store", "ls"]).1, cid);
}

#[test]
fn a_block_that_does_not_match_its_cid_is_refused() {
    use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
    use libp2p::identity::Keypair;
    use runtime::p2p::Network;
    use runtime::store::{BlockStore, exchange};

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = TempDir::new("store-rogue");
    rt.block_on(async {
        let loopback = ["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
        let rogue = Network::start(Keypair::generate_ed25519(), &loopback)
            .await
            .unwrap();
        // Answers every request with the same wrong bytes.
        let mut incoming = rogue
            .accept(libp2p::StreamProtocol::new(exchange::PROTOCOL))
            .unwrap();
        tokio::spawn(async move {
            while let Some((_, mut stream)) = incoming.next().await {
                let mut len = [0; 2];
                stream.read_exact(&mut len).await.unwrap();
                let mut cid = vec![0; usize::from(u16::from_be_bytes(len))];
                stream.read_exact(&mut cid).await.unwrap();
                let lie = b"not what you asked for";
                stream.write_all(&[0]).await.unwrap();
                stream
                    .write_all(&(lie.len() as u32).to_be_bytes())
                    .await
                    .unwrap();
                stream.write_all(lie).await.unwrap();
                stream.close().await.unwrap();
            }
        });
        let node = Network::start(Keypair::generate_ed25519(), &loopback)
            .await
            .unwrap();
        let at = rogue.listen_addrs().await.unwrap();
        node.connect(rogue.peer_id(), at).await.unwrap();
        let store = BlockStore::open(&dir.0).unwrap();
        let cid = runtime::cid::cid_of(b"the real block");
        let err = exchange::fetch(&node, &store, &cid).await.unwrap_err();
        assert!(
            err.to_string()
                .contains("sent a block that does not match its CID"),
            "{err}"
        );
        assert!(!store.has(&cid), "nothing is stored");
    });
}

#[test]
fn init_build_push_run_is_the_whole_flow() {
    let home = TempDir::new("flow-home");
    let work = TempDir::new("flow");
    let (ok, _, err) = ww_in(&home, &work.0, &["init", "demo"]);
    assert!(ok, "{err}");
    let (ok, _, err) = ww_in(&home, &work.0, &["init", "demo"]);
    assert!(!ok && err.contains("exists already"), "{err}");
    let (ok, _, err) = ww_in(&home, &work.0, &["init", "Not A Name"]);
    assert!(!ok && err.contains("cannot name a cell project"), "{err}");
    let (ok, _, err) = ww_in(&home, &work.0, &["build"]);
    assert!(!ok && err.contains("is not a cell project"), "{err}");

    let project = work.0.join("demo");
    let (ok, _, err) = ww_in(&home, &project, &["build"]);
    assert!(ok, "{err}");
    assert!(err.contains("ww build: ./boot/main.wasm (baf"), "{err}");
    let (ok, cid, err) = ww_in(&home, &project, &["push", "."]);
    assert!(ok, "{err}");
    let (ok, stdout, stderr) = run_to_end(&home, &format!("/ipfs/{cid}"));
    assert!(ok, "{stderr}");
    assert!(
        stdout.starts_with("hello from demo on 12D3KooW"),
        "{stdout}"
    );
    assert!(stderr.contains("pid0 exited with 0"), "{stderr}");
    // The hidden SDK and build output are not part of the image.
    let tree = home.0.join(".ww/store/trees").join(&cid);
    assert!(tree.join("boot/main.wasm").is_file() && tree.join("src/main.rs").is_file());
    assert!(!tree.join(".sdk").exists() && !tree.join(".target").exists());
}

/// The stand-in for Kubo's RPC API (tests/kubo/kubo-rpc.mjs) on a free
/// loopback port: the process, its URL and the lines it prints after the
/// first. It stops when dropped (its standard input closes).
struct Kubo {
    child: std::process::Child,
    url: String,
    lines: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

impl Kubo {
    fn start() -> Kubo {
        use std::io::BufRead as _;
        let root = common::repo_root();
        let packages = root.join("target/kubo-rpc");
        let manifest = packages.join("node_modules/@ipld/car/package.json");
        assert!(
            manifest.is_file(),
            "the Kubo RPC stand-in's packages are not installed ({} is missing): run \
             ./scripts/test, which installs tests/kubo into target/kubo-rpc",
            manifest.display()
        );
        // Beside its packages, where Node resolves them.
        let script = packages.join("kubo-rpc.mjs");
        std::fs::copy(root.join("tests/kubo/kubo-rpc.mjs"), &script).unwrap();
        let mut child = Command::new("node")
            .arg(&script)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("node runs");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let port = first
            .strip_prefix("listening ")
            .expect("it prints its port");
        Kubo {
            child,
            url: format!("http://127.0.0.1:{port}"),
            lines,
        }
    }
}

impl Drop for Kubo {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

#[test]
fn ww_push_adds_and_pins_an_image_in_kubo() {
    let home = TempDir::new("store-kubo");
    let mut kubo = Kubo::start();
    let image = home.0.join("image");
    std::fs::create_dir_all(image.join("bin")).unwrap();
    std::fs::write(image.join("bin/big"), vec![7u8; 600_000]).unwrap();
    std::fs::write(image.join("small"), b"small\n").unwrap();
    let image = image.to_str().unwrap();

    let (ok, cid, err) = ww(&home, &["push", "--ipfs-url", &kubo.url, image]);
    assert!(ok, "{err}");
    assert!(err.contains("added and pinned in Kubo"), "{err}");
    // Kubo got every block once (the root, bin, big's node and its leaves,
    // two alike and one shorter, small), each matching its CID, and
    // pinned the root ww printed.
    let pinned = kubo.lines.next().unwrap().unwrap();
    assert_eq!(pinned, format!("pinned {cid} 6"));
    // A trailing slash is no matter.
    let (ok, _, err) = ww(
        &home,
        &["push", "--ipfs-url", &format!("{}/", kubo.url), image],
    );
    assert!(ok, "{err}");

    // Kubo not there: the image is still pushed here, and the error says
    // what to do.
    drop(kubo);
    // A port nothing listens on: bound, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("http://127.0.0.1:{port}");
    let (ok, again, err) = ww(&home, &["push", "--ipfs-url", &closed, image]);
    assert!(!ok);
    assert_eq!(again, cid, "pushed here all the same");
    assert!(
        err.contains(&format!("cannot reach Kubo at {closed}")) && err.contains("ipfs daemon"),
        "{err}"
    );
    let (ok, _, err) = ww(&home, &["push", "--ipfs-url", "127.0.0.1:5001", image]);
    assert!(
        !ok && err.contains("is not the http:// URL of a Kubo RPC API"),
        "{err}"
    );
}
