//! Native stack for recursion over deep values.
//!
//! Printing, comparing, hashing and dropping a value recurse into its
//! elements, and an untrusted program can build a value nested a million
//! deep in a few instructions. Each such recursion runs through [`deep`],
//! which moves onto a fresh heap-allocated stack segment (stacker, as rustc
//! does for deep expressions) when the current one runs low, so depth is
//! bounded by memory, not by the thread's stack.

/// Space left on the stack below which [`deep`] switches segments.
const RED_ZONE: usize = 64 * 1024;
/// The size of each new segment.
const SEGMENT: usize = 4 * 1024 * 1024;

#[inline]
pub fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}
