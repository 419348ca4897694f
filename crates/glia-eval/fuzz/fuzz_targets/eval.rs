//! Evaluates arbitrary text under tight sandbox limits: whatever the
//! program does, evaluation ends with a value or an error report, never a
//! panic, a hang or a crash of the host. Printing the value and rendering
//! the report must not panic either.
//!
//! One session serves every input (loading `glia.core` for each would cost
//! most of the run); each input gets a namespace of its own, so a crash
//! usually reproduces from its input alone.
#![no_main]

use std::cell::RefCell;
use std::time::Duration;

use glia_eval::{Glia, Limits};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static SESSION: RefCell<(Glia, u64)> = RefCell::new((
        Glia::with_limits(Limits {
            fuel: Some(2_000_000),
            memory: Some(64 << 20),
            max_depth: 10_000,
            timeout: Some(Duration::from_secs(2)),
            ..Limits::default()
        }),
        0,
    ));
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    SESSION.with(|session| {
        let (glia, n) = &mut *session.borrow_mut();
        *n += 1;
        glia.set_ns(&format!("fuzz{n}"));
        match glia.eval_str("fuzz.glia", text) {
            Ok(v) => drop(glia_eval::value::pr_str(&v)),
            Err(e) => drop(e.report().render_plain()),
        }
    });
});
