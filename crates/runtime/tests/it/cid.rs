//! `runtime::cid` against the reference UnixFS importer (the npm package
//! `ipfs-unixfs-importer`, run by `tests/cid/cid.mjs` with Kubo's CIDv1
//! defaults), on deterministic pseudo-random files of the sizes where the
//! DAG changes shape.
//!
//! The oracle's packages are installed by `./scripts/test` into
//! `target/cid-oracle` (or the directory named by `WW_CID_ORACLE`). Without
//! them this test fails: it never passes without having compared.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{TempDir, repo_root};

const CHUNK: usize = 262_144;

/// The directory holding the oracle's `node_modules` (`WW_CID_ORACLE`, taken
/// from the repository root when relative, or `target/cid-oracle`).
fn oracle_dir(root: &Path) -> PathBuf {
    match std::env::var_os("WW_CID_ORACLE") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target/cid-oracle"),
    }
}

/// `len` pseudo-random bytes from xorshift64 seeded by `seed`: the same
/// bytes on every run.
fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// The CID the oracle prints for the file at `path`.
fn oracle(root: &Path, oracle: &Path, path: &Path) -> String {
    let output = Command::new("node")
        .arg(root.join("tests/cid/cid.mjs"))
        .arg(path)
        .env("WW_CID_ORACLE", oracle)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (run ./scripts/test to set it up): {e}"));
    assert!(
        output.status.success(),
        "the CID oracle failed on {}: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        path.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("the oracle prints UTF-8")
        .trim()
        .to_owned()
}

#[test]
fn cids_match_the_reference_importer() {
    let root = repo_root();
    let oracle_dir = oracle_dir(&root);
    for package in ["ipfs-unixfs-importer", "blockstore-core"] {
        let manifest = oracle_dir
            .join("node_modules")
            .join(package)
            .join("package.json");
        assert!(
            manifest.is_file(),
            "the CID oracle is not installed ({} is missing): run ./scripts/test, \
             which installs tests/cid into target/cid-oracle, or point WW_CID_ORACLE \
             at a directory where `npm ci` of tests/cid was run",
            manifest.display()
        );
    }

    let sizes = [
        0,
        1,
        1000,
        CHUNK - 1,
        CHUNK,     // the largest file that is a single raw leaf
        CHUNK + 1, // the smallest with a dag-pb root
        3 * CHUNK + 17,
        // The largest file with one level of dag-pb nodes: a root of 174
        // links, all full chunks.
        174 * CHUNK,
        // The smallest with two levels: 175 leaves, the last of one byte, so
        // the root has two children, the second a node of a single link.
        174 * CHUNK + 1,
        // Two levels with a partial last leaf. (The three large cases, about
        // 46 MB each, hash in about a second each even in a debug build.)
        175 * CHUNK + 5,
    ];
    let dir = TempDir::new("cid");
    for (seed, &len) in sizes.iter().enumerate() {
        let data = bytes(len, seed as u64 + 1);
        let path = dir.0.join(format!("{len}.bin"));
        std::fs::write(&path, &data).expect("the temp file is writable");

        let start = Instant::now();
        let ours = runtime::cid::cid_string(&data);
        let ours_took = start.elapsed();
        let start = Instant::now();
        let theirs = oracle(&root, &oracle_dir, &path);
        let theirs_took = start.elapsed();
        eprintln!("{len} bytes: {ours} (ours {ours_took:.2?}, oracle {theirs_took:.2?})");
        assert_eq!(ours, theirs, "the CID of {len} pseudo-random bytes");
        std::fs::remove_file(&path).expect("the temp file can be removed");
    }
}

#[test]
fn ww_push_gives_a_directory_the_reference_importers_cid() {
    let root = repo_root();
    let oracle_dir = oracle_dir(&root);
    let home = TempDir::new("push-home");
    let dir = TempDir::new("push");
    let image = dir.0.join("image");
    std::fs::create_dir_all(image.join("bin/nested/deeper")).unwrap();
    std::fs::create_dir_all(image.join("empty-dir")).unwrap();
    std::fs::write(image.join("empty.bin"), b"").unwrap();
    std::fs::write(image.join("small.txt"), b"a small file\n").unwrap();
    std::fs::write(image.join("bin/exact.bin"), bytes(CHUNK, 11)).unwrap();
    std::fs::write(image.join("bin/multi.bin"), bytes(5 * CHUNK + 999, 12)).unwrap();
    std::fs::write(image.join("bin/nested/deeper/leaf"), b"deep\n").unwrap();
    // Left out by both, as Kubo leaves hidden entries out.
    std::fs::write(image.join(".hidden"), b"not part of the image\n").unwrap();

    let theirs = oracle(&root, &oracle_dir, &image);
    let ours = push(&home.0, &image);
    assert_eq!(ours, theirs, "the CID of the image directory");
    // The root is pinned in the store, and every block is there.
    let pins = home.0.join(".ww/store/pins").join(&ours);
    assert!(pins.is_file(), "{} is pinned", ours);

    // A file pushed alone is the file's CID.
    let file = image.join("bin/multi.bin");
    assert_eq!(push(&home.0, &file), oracle(&root, &oracle_dir, &file));
    // So is a symbolic link, imported as the link, not what it names (the
    // oracle builds its node with the reference encoders: the importer
    // takes no links).
    for target in ["bin/multi.bin", "/an/absolute/target/that/is/not/there"] {
        let link = dir.0.join("link");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(target, &link).unwrap();
        assert_eq!(
            push(&home.0, &link),
            oracle(&root, &oracle_dir, &link),
            "the CID of a link to {target}"
        );
    }

    // A path that is not there says so.
    let output = Command::new(env!("CARGO_BIN_EXE_ww"))
        .arg("push")
        .arg(dir.0.join("nothing"))
        .env("HOME", &home.0)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("ww push: cannot read") && err.contains("nothing"),
        "{err}"
    );
}

/// `ww push DIR`'s CID for `dir`, with `home` as HOME.
fn push(home: &Path, dir: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_ww"))
        .arg("push")
        .arg(dir)
        .env("HOME", home)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[test]
fn sharded_directories_match_the_reference_importer() {
    let root = repo_root();
    let oracle_dir = oracle_dir(&root);
    let home = TempDir::new("shard-home");
    let dir = TempDir::new("shard");
    let image = dir.0.join("image");
    // A directory is sharded once its links' names and CIDs pass 256 KiB.
    // Names of 28 bytes and CIDs of 36 make 64 bytes a link: 4096 links
    // are exactly 256 KiB, still one block; 4097 are sharded.
    for (name, files) in [("at", 4096), ("over", 4097)] {
        let sub = image.join(name);
        std::fs::create_dir_all(&sub).unwrap();
        for i in 0..files {
            let file = format!("entry-{i:0>22}");
            assert_eq!(file.len(), 28);
            std::fs::write(sub.join(&file), format!("{name} {i}\n")).unwrap();
        }
    }
    std::fs::write(image.join("beside"), b"a file beside them\n").unwrap();
    let theirs = oracle(&root, &oracle_dir, &image);
    assert_eq!(push(&home.0, &image), theirs, "the CID of the image");
    // Each on its own too, the sharded one as the root.
    for name in ["at", "over"] {
        let sub = image.join(name);
        assert_eq!(
            push(&home.0, &sub),
            oracle(&root, &oracle_dir, &sub),
            "the CID of {name}"
        );
    }
}
