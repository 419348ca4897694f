//! What the benches share.

use std::time::{Duration, Instant};

use runtime::schema::stream_capnp::byte_stream;

/// Times `iters` sequential `read(0)` calls on `cap` (answered at once,
/// no data).
pub async fn reads(cap: &byte_stream::Client, iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let mut request = cap.read_request();
        request.get().set_max(0);
        let response = request.send().promise.await.expect("read");
        std::hint::black_box(
            response
                .get()
                .expect("results")
                .get_data()
                .expect("data")
                .len(),
        );
    }
    start.elapsed()
}
