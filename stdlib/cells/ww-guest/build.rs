//! Generates the Rust code of the Cap'n Proto schemas the host speaks (in
//! `schema/` at the repository's root), as the `runtime` crate does: both
//! through `schema/compile.rs`.

#[path = "../../../schema/compile.rs"]
mod compile;

use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    compile::compile(&manifest_dir.join("../../../schema"), &out_dir);
}
