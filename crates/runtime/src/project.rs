//! Cell projects: `ww init NAME` scaffolds one, `ww build` compiles it.
//!
//! A project is a Cargo package for `wasm32-wasip2` using the guest SDK,
//! which `ww init` vendors under `.sdk/` (as laid out in this repository,
//! so its build script finds the schemas where it expects them), with the
//! cells' lock file so the same crate versions build. Build output goes to
//! `.target/`. Both are hidden, so `ww push .` (like Kubo's `ipfs add -r`)
//! leaves them out of the image: the image is the sources, `boot/main.wasm`
//! (or `bin/NAME.wasm`) and whatever else the project holds.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod sdk {
    include!(concat!(env!("OUT_DIR"), "/sdk.rs"));
}

/// Where `ww init` puts the SDK in a project.
const SDK: &str = ".sdk";

/// Whether `name` can name a project (a Cargo package and its binary).
fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{name:?} cannot name a cell project: use 1 to 64 lower-case letters, digits, - or _, starting with a letter"
        ))
    }
}

fn manifest(name: &str) -> String {
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
ww-guest = {{ path = "{SDK}/stdlib/cells/ww-guest" }}
capnp = "0.27"
capnp-rpc = "0.27"

# The guest SDK, vendored under {SDK} by `ww init`, takes its package fields
# from this workspace.
[workspace]
members = ["."]

[workspace.package]
version = "0.1.0"
edition = "2024"
rust-version = "1.95"
license = "Apache-2.0"
repository = "https://github.com/wetware/ww"
publish = false

# Small components: as the standard cells are built.
[profile.release]
opt-level = "s"
lto = true
codegen-units = 1
strip = true
panic = "abort"
"#
    )
}

const CARGO_CONFIG: &str = r#"# `cargo build` here builds the cell; `ww build` also puts it in the image.
[build]
target = "wasm32-wasip2"
target-dir = ".target"
"#;

fn main_rs(name: &str) -> String {
    format!(
        r#"//! `{name}`: a cell. Built by `ww build` as the image's `boot/main.wasm`,
//! it is the node's first process (pid0): it gets the node's root
//! capabilities (`host`, `runtime`, `routing`, `identity`) and the node
//! stops when it exits.

use ww_guest::schema::host_capnp::host;

fn main() -> Result<(), capnp::Error> {{
    let peer = ww_guest::vat::run(|grants| async move {{
        let host: host::Client = grants.get("host")?;
        let id = host.id_request().send().promise.await?;
        Ok(id.get()?.get_peer_id()?.to_string()?)
    }})?;
    println!("hello from {name} on {{peer}}");
    Ok(())
}}
"#
    )
}

fn readme(name: &str) -> String {
    format!(
        r#"# {name}

A Wetware cell, made by `ww init {name}`.

```sh
ww build                  # compiles src/ to boot/main.wasm
ww push .                 # imports this directory as an image; prints its CID
ww run /ipfs/<CID>        # boots a node on it: {name} runs as pid0
```

`ww build --service` puts the cell in `bin/{name}.wasm` instead, for init
scripts under `etc/init.d/` to serve (they run only when the image has no
`boot/main.wasm`).

The guest SDK is vendored in `.sdk/` and build output goes to `.target/`:
hidden, so `ww push` leaves them out of the image.
"#
    )
}

const INIT_D_README: &str = "Init scripts (`*.glia`) run in name order when the image has no\n\
`boot/main.wasm`, with the node's `host`, `runtime`, `routing` and `identity`.\n";

/// Scaffolds the project `name` in the new directory `dir`.
pub fn init(dir: &Path, name: &str) -> Result<(), String> {
    check_name(name)?;
    if dir.exists() {
        return Err(format!(
            "{} exists already: ww init makes a new directory",
            dir.display()
        ));
    }
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        ("Cargo.toml".into(), manifest(name).into_bytes()),
        (".cargo/config.toml".into(), CARGO_CONFIG.into()),
        ("src/main.rs".into(), main_rs(name).into_bytes()),
        ("README.md".into(), readme(name).into_bytes()),
        ("etc/init.d/README.md".into(), INIT_D_README.into()),
        (".gitignore".into(), b"/.target/\n".to_vec()),
    ];
    for (path, bytes) in sdk::FILES {
        // The cells' lock file locks the project's crates too (cargo drops
        // the entries it does not need).
        let to = match *path {
            "stdlib/cells/Cargo.lock" => PathBuf::from("Cargo.lock"),
            path => Path::new(SDK).join(path),
        };
        files.push((to, bytes.to_vec()));
    }
    let write = || -> std::io::Result<()> {
        for (path, bytes) in &files {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, bytes)?;
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_dir_all(dir);
        format!("cannot write {}: {e}", dir.display())
    })
}

/// The target cells are compiled for.
pub const TARGET: &str = "wasm32-wasip2";

/// The cargo that builds cells: the one running us if cargo did, else the
/// one on PATH (`ww doctor` checks the same).
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Compiles the project in `dir` and puts the cell in its image:
/// `boot/main.wasm`, or `bin/<name>.wasm` for a service. Cargo's
/// diagnostics go to stderr as they come. Returns where the cell went.
pub fn build(dir: &Path, service: bool) -> Result<PathBuf, String> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        return Err(format!(
            "{} is not a cell project: it has no Cargo.toml (`ww init NAME` makes one)",
            dir.display()
        ));
    }
    let output = Command::new(cargo())
        .current_dir(dir)
        .args(["build", "--release", "--target", TARGET])
        .args(["--message-format", "json-render-diagnostics"])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(
            "cargo could not build the cell (its messages are above; if it says the \
             wasm32-wasip2 target is missing, run `rustup target add wasm32-wasip2`)"
                .into(),
        );
    }
    let own = manifest
        .canonicalize()
        .map_err(|e| format!("{}: {e}", manifest.display()))?;
    let (name, wasm) = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| m["manifest_path"].as_str().map(Path::new) == Some(own.as_path()))
        .filter(|m| {
            m["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bin"))
        })
        .find_map(|m| {
            let name = m["target"]["name"].as_str()?.to_string();
            let wasm = m["filenames"]
                .as_array()?
                .iter()
                .filter_map(|f| f.as_str())
                .find(|f| f.ends_with(".wasm"))?
                .to_string();
            Some((name, wasm))
        })
        .ok_or("cargo built no .wasm binary: is the project's src/main.rs there?")?;
    let dest = if service {
        dir.join("bin").join(format!("{name}.wasm"))
    } else {
        dir.join("boot/main.wasm")
    };
    let parent = dest.parent().expect("a path under the project");
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot make {}: {e}", parent.display()))?;
    std::fs::copy(&wasm, &dest)
        .map_err(|e| format!("cannot copy {wasm} to {}: {e}", dest.display()))?;
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(check_name("demo").is_ok());
        assert!(check_name("my-cell_2").is_ok());
        for bad in ["", "Demo", "2cell", "a/b", "a b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_sdk_is_vendored_whole() {
        let paths: Vec<&str> = sdk::FILES.iter().map(|(p, _)| *p).collect();
        for needed in [
            "stdlib/cells/Cargo.lock",
            "stdlib/cells/ww-guest/Cargo.toml",
            "stdlib/cells/ww-guest/build.rs",
            "stdlib/cells/ww-guest/src/lib.rs",
            "schema/compile.rs",
            "schema/host.capnp",
        ] {
            assert!(paths.contains(&needed), "{needed} in {paths:?}");
        }
    }
}
