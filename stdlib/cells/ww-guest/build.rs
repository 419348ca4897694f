//! Generates the Rust code of the Cap'n Proto schemas the host speaks (in
//! `schema/` at the repository's root, shared with the `runtime` crate), with
//! the compiler `capnpc-embedded` carries as WebAssembly: no system `capnp`.

use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let schema_dir = manifest_dir.join("../../../schema");
    println!("cargo:rerun-if-changed={}", schema_dir.display());
    let mut command = capnpc_embedded::CompileCommand::new();
    command.src_prefix(&schema_dir);
    // Every `.capnp` file there, so a new schema needs no list kept here.
    let mut files: Vec<_> = std::fs::read_dir(&schema_dir)
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
    // The generated modules live in `crate::schema` (the schemas carry no
    // Rust annotations, so that any Cap'n Proto implementation loads them).
    capnpc::codegen::CodeGenerationCommand::new()
        .default_parent_module(vec!["schema".into()])
        .output_directory(&out_dir)
        .run(&request[..])
        .unwrap_or_else(|e| panic!("generating Rust from the Cap'n Proto schemas failed: {e}"));
}
