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
