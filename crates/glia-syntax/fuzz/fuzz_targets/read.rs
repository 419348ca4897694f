//! Feeds arbitrary bytes to the reader: no panic, a lossless tree, and an
//! idempotent, meaning-preserving formatter (see `check_invariants`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        glia_syntax::check_invariants(text);
    }
});
