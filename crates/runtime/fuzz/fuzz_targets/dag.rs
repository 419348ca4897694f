//! Feeds arbitrary bytes to the `dag-pb` and UnixFS decoders the content
//! store reads peers' blocks with: an error or a node, never a panic, a
//! hang or a huge allocation.
#![no_main]

#[path = "../../src/store/dag.rs"]
mod dag;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(node) = dag::pb_node(data) {
        let _ = dag::unixfs(&node.data);
    }
    let _ = dag::unixfs(data);
});
