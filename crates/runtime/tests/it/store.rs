//! The content store end to end: `ww push` an image, then `ww run
//! /ipfs/CID` boots it from the store; an image the store lacks is
//! refused with the reason.

use crate::common;

use std::process::Command;

use common::{TempDir, get, run};

#[test]
fn a_pushed_image_boots_by_its_cid() {
    let home = TempDir::new("store-home");
    let src = TempDir::new("store-image");
    let init = src.0.join("etc/init.d");
    std::fs::create_dir_all(&init).unwrap();
    std::fs::write(
        init.join("20-route.glia"),
        "(perform host :listen (cell (perform :load \"bin/status.wasm\")) \"/from-ipfs\")\n",
    )
    .unwrap();
    let pushed = Command::new(env!("CARGO_BIN_EXE_ww"))
        .arg("push")
        .arg(&src.0)
        .env("HOME", &home.0)
        .output()
        .unwrap();
    assert!(
        pushed.status.success(),
        "{}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    let cid = String::from_utf8(pushed.stdout).unwrap().trim().to_string();
    assert!(cid.starts_with("bafy"), "{cid}");
    // The source is gone: the node boots from the store alone.
    drop(src);

    let node = run(&home, &[&format!("/ipfs/{cid}")]);
    assert!(node.log.contains("20-route.glia: ok"), "{}", node.log);
    let (status, body) = get(&node.http, "/from-ipfs");
    assert_eq!(status, 200, "{body}");
}

#[test]
fn an_image_the_store_lacks_is_refused_with_the_reason() {
    let home = TempDir::new("store-missing");
    let cid = runtime::cid::cid_string(b"an image nobody pushed");
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args([
            "run",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--http-listen",
            "127.0.0.1:0",
        ])
        .args(["--with-http-admin", "off", &format!("/ipfs/{cid}")])
        .env("HOME", &home.0)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("/ipfs/{cid}: block {cid} is not in the store"))
            && err.contains("ww push"),
        "{err}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args([
            "run",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--http-listen",
            "127.0.0.1:0",
        ])
        .args(["--with-http-admin", "off", "/ipfs/not-a-cid"])
        .env("HOME", &home.0)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/ipfs/not-a-cid: not a CID"));
}

/// `ww ARGS` with HOME at `home`: success, stdout, stderr.
fn ww(home: &TempDir, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ww"))
        .args(args)
        .env("HOME", &home.0)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
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
