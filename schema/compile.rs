//! Compiling the Cap'n Proto schemas of this directory to Rust, in a build
//! script: the host (`crates/runtime/build.rs`) and the guest SDK
//! (`stdlib/cells/ww-guest/build.rs`, in the cells' own workspace) speak the
//! same schemas, generated the same way, so both include this file as a
//! module (`#[path]`) rather than keep a copy. Each has `capnpc` and
//! `capnpc-embedded` as build dependencies.
//!
//! The compiler is the one `capnpc-embedded` carries as WebAssembly, so no
//! system `capnp` is needed.

use std::path::Path;

/// Generates `<name>_capnp.rs` in `out_dir` for every `.capnp` file in
/// `schema_dir` (so a new schema needs no list kept anywhere), as modules
/// of `crate::schema`; asks cargo to rerun the build script when the
/// directory changes. Returns the compiled schemas (a
/// `CodeGeneratorRequest`), which keep the names generated code drops.
///
/// Panics, saying why, if the schemas do not compile: a build script has
/// no better way to fail.
pub(crate) fn compile(schema_dir: &Path, out_dir: &Path) -> Vec<u8> {
    println!("cargo:rerun-if-changed={}", schema_dir.display());
    let mut command = capnpc_embedded::CompileCommand::new();
    command.src_prefix(schema_dir);
    let mut files: Vec<_> = std::fs::read_dir(schema_dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", schema_dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "capnp"))
        .collect();
    files.sort();
    for file in files {
        command.file(file);
    }
    let request = command.compile().unwrap_or_else(|e| {
        panic!(
            "the Cap'n Proto schemas in {} do not compile: {e}",
            schema_dir.display()
        )
    });
    // The schemas carry no Rust annotations, so that any Cap'n Proto
    // implementation loads them: where the modules live is said here.
    capnpc::codegen::CodeGenerationCommand::new()
        .default_parent_module(vec!["schema".into()])
        .output_directory(out_dir)
        .run(&request[..])
        .unwrap_or_else(|e| panic!("generating Rust from the Cap'n Proto schemas failed: {e}"));
    request
}
