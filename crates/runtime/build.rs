//! Generates the Rust code of the Cap'n Proto schemas in `schema/` (see
//! `src/schema.rs`), and builds the guest cells in `stdlib/cells/` (their own
//! Cargo workspace) for `wasm32-wasip2`, so that `ww` embeds its standard
//! cells (see `src/std_cells.rs`) and the tests have their fixtures.
//!
//! The schemas are compiled by `schema/compile.rs` (with the Cap'n Proto
//! compiler that `capnpc-embedded` carries as WebAssembly, so no system
//! `capnp` is needed), which the guest SDK's build script includes too.
//!
//! The nested build is `cargo build --release --locked --target
//! wasm32-wasip2` into `cells/` beside the outer build's own target
//! directory (shared by every profile and by `cargo clippy`, so the guest
//! toolchain's crates are built once, not once per build script run: each
//! copy took about 470 MB), run with an environment scrubbed of
//! everything the outer build sets for its own compilation (flags, wrappers
//! such as clippy's, the target, the jobserver), so that `cargo clippy`, `cargo
//! doc` or a cross build of `ww` still build plain release components. Each
//! cell is copied into `$OUT_DIR`, so a later build of the shared directory
//! cannot change what an earlier `ww` embedded, and its path there is handed
//! to the crate as `WW_CELL_<NAME>`.

#[path = "../../schema/compile.rs"]
mod compile;

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The guest target the cells are built for.
const TARGET: &str = "wasm32-wasip2";

/// Every binary of the cells workspace, as `WW_CELL_<NAME>` is derived.
const CELLS: [&str; 9] = [
    "status", "echo", "counter", "greeter", "oracle", "envdump", "escape", "shout", "boot",
];

/// What to tell someone whose toolchain lacks the guest target.
const MISSING_TARGET: &str = "the Rust target wasm32-wasip2 is not installed: run `rustup target add wasm32-wasip2` (./scripts/test does)";

/// Outer-build variables the nested build keeps (everything else that starts
/// with `CARGO_` is the outer build's business). These only say where and how
/// to fetch, and how to print.
const CARGO_VARS_KEPT: [&str; 6] = [
    "CARGO_HOME",
    "CARGO_NET_",
    "CARGO_HTTP_",
    "CARGO_REGISTRIES_",
    "CARGO_REGISTRY_",
    "CARGO_TERM_",
];

/// Other variables that would carry the outer build's settings into the
/// nested one: compiler flags, wrappers (`cargo clippy` runs build scripts
/// with `RUSTC_WORKSPACE_WRAPPER=clippy-driver`), clippy's own settings, the
/// jobserver, and what cargo tells a build script about its target.
const VARS_REMOVED: [&str; 18] = [
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTDOC",
    "RUSTC_LINKER",
    "CLIPPY_ARGS",
    "CLIPPY_CONF_DIR",
    "__CLIPPY_INTERNAL_ARGS",
    "MAKEFLAGS",
    "MFLAGS",
    "OUT_DIR",
    "TARGET",
    "HOST",
    "PROFILE",
    "OPT_LEVEL",
    "DEBUG",
    "NUM_JOBS",
];

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let cells = manifest_dir.join("../../stdlib/cells");
    let cells = cells.canonicalize().unwrap_or_else(|e| {
        panic!(
            "the guest cells workspace {} is missing: {e}",
            cells.display()
        )
    });

    compile_schemas(&manifest_dir.join("../../schema"), &out_dir);
    watch(&cells);
    list_sdk(&manifest_dir.join("../.."), &out_dir);
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    if let Some(problem) = missing_target(&rustc) {
        panic!("{problem}");
    }

    let target_dir = shared_target_dir(&out_dir).join("cells");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&cells)
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            TARGET,
            "--manifest-path",
        ])
        .arg(cells.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .stdin(Stdio::null());
    for (name, _) in env::vars_os() {
        if leaks_outer_settings(&name) {
            cmd.env_remove(&name);
        }
    }
    // The same compiler as the outer build (cargo sets RUSTC for build
    // scripts to the one it uses), without any wrapper.
    cmd.env("RUSTC", &rustc);

    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo to build the guest cells: {e}"));
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let hint = if stderr.contains("target may not be installed")
            || stderr.contains("can't find crate for `std`")
        {
            format!("\n\n{MISSING_TARGET}")
        } else {
            String::new()
        };
        panic!(
            "building the guest cells in {} failed ({}):\n{stderr}{hint}",
            cells.display(),
            output.status
        );
    }

    let release = target_dir.join(TARGET).join("release");
    for cell in CELLS {
        let built = release.join(format!("{cell}.wasm"));
        let wasm = out_dir.join(format!("{cell}.wasm"));
        std::fs::copy(&built, &wasm).unwrap_or_else(|e| {
            panic!(
                "the guest cells build did not produce {}: {e}",
                built.display()
            )
        });
        let path = wasm.to_str().unwrap_or_else(|| {
            panic!(
                "{} is not valid UTF-8, which include_bytes! needs",
                wasm.display()
            )
        });
        println!(
            "cargo:rustc-env=WW_CELL_{}={path}",
            cell.to_ascii_uppercase()
        );
    }
}

/// The outer build's target directory: the nearest ancestor of `out_dir`
/// holding the `CACHEDIR.TAG` cargo writes at its root (cargo tells build
/// scripts only their own `OUT_DIR`). `out_dir` itself when there is none.
fn shared_target_dir(out_dir: &Path) -> PathBuf {
    out_dir
        .ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .unwrap_or(out_dir)
        .to_path_buf()
}

/// Generates `<name>_capnp.rs` in `out_dir` for every schema file, and
/// keeps the compiled schemas as `schemas.bin`: the names of interfaces
/// and methods, which generated code does not keep (see `src/schema.rs`).
fn compile_schemas(schema_dir: &Path, out_dir: &Path) {
    let request = compile::compile(schema_dir, out_dir);
    std::fs::write(out_dir.join("schemas.bin"), &request)
        .unwrap_or_else(|e| panic!("cannot write the compiled schemas: {e}"));
}

/// Writes `sdk.rs`: the files `ww init` vendors into a cell project (the
/// guest SDK, the schemas it compiles, the cells' lock file), each as its
/// path under the repository and its bytes (`include_bytes!`).
fn list_sdk(repo: &Path, out_dir: &Path) {
    let mut files = vec![PathBuf::from("stdlib/cells/Cargo.lock")];
    for dir in ["stdlib/cells/ww-guest", "schema"] {
        let mut stack = vec![PathBuf::from(dir)];
        while let Some(rel) = stack.pop() {
            let entries = std::fs::read_dir(repo.join(&rel))
                .unwrap_or_else(|e| panic!("cannot list {}: {e}", rel.display()));
            for entry in entries.filter_map(Result::ok) {
                let name = entry.file_name();
                if name == "target" || name.to_string_lossy().starts_with('.') {
                    continue;
                }
                let path = rel.join(&name);
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(path);
                } else {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    let mut code = String::from(
        "/// The vendored SDK's files: path, bytes.\npub const FILES: &[(&str, &[u8])] = &[\n",
    );
    for file in &files {
        let abs = repo
            .join(file)
            .canonicalize()
            .expect("a listed file exists");
        code.push_str(&format!(
            "    ({:?}, include_bytes!({:?})),\n",
            file.display().to_string(),
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("sdk.rs"), code)
        .unwrap_or_else(|e| panic!("cannot write the SDK's file list: {e}"));
}

/// Asks cargo to rerun this script when the cells' sources change: the
/// workspace manifest, lock file and cargo config, and every crate directory (cargo scans a
/// directory recursively). Not `target/` (a `cargo test` run in
/// `stdlib/cells` writes there) and not the README.
fn watch(cells: &Path) {
    for file in ["Cargo.toml", "Cargo.lock", ".cargo/config.toml"] {
        println!("cargo:rerun-if-changed={}", cells.join(file).display());
    }
    let entries =
        std::fs::read_dir(cells).unwrap_or_else(|e| panic!("cannot list {}: {e}", cells.display()));
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name();
            name != "target" && !name.to_string_lossy().starts_with('.')
        })
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
}

/// Why `rustc` cannot build for the guest target, if it cannot: its sysroot
/// has no standard library for it.
fn missing_target(rustc: &OsString) -> Option<String> {
    let output = match Command::new(rustc)
        .args(["--print", "sysroot"])
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) if o.status.success() => o,
        // Let the nested build report whatever is wrong with the compiler.
        _ => return None,
    };
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let std_dir = Path::new(&sysroot)
        .join("lib/rustlib")
        .join(TARGET)
        .join("lib");
    (!std_dir.is_dir()).then(|| MISSING_TARGET.to_owned())
}

/// Whether an environment variable of this build script would leak the outer
/// build's settings into the nested one.
fn leaks_outer_settings(name: &OsString) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    if let Some(rest) = name.strip_prefix("CARGO") {
        // `CARGO` itself, `CARGO_*` (flags, target, target dir, profile
        // overrides, `CARGO_ENCODED_RUSTFLAGS`, `CARGO_MAKEFLAGS`, `CARGO_CFG_*`,
        // `CARGO_PKG_*`...) but not what says where to fetch from.
        return (rest.is_empty() || rest.starts_with('_'))
            && !CARGO_VARS_KEPT.iter().any(|kept| name.starts_with(kept));
    }
    VARS_REMOVED.contains(&name) || name.starts_with("DEP_")
}
