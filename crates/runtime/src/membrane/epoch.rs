//! Epochs: revoking every capability issued before a point in time.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A counter that capabilities are issued under. Advancing it revokes
/// every capability issued before: each remembers the epoch it was issued
/// in and fails once that epoch has ended. Clones share the counter; it
/// may be advanced from any thread.
#[derive(Clone, Debug, Default)]
pub struct Epoch(Arc<AtomicU64>);

impl Epoch {
    pub fn new() -> Epoch {
        Epoch::default()
    }

    /// The epoch now.
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Ends the current epoch, revoking every capability issued in it;
    /// returns the new one.
    pub fn advance(&self) -> u64 {
        self.0.fetch_add(1, Ordering::AcqRel) + 1
    }
}
