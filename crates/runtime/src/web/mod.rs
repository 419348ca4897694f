//! HTTP routes served by cells (WAGI).
//!
//! - `routes.rs`: [`Routes`], the table of paths and their handlers (the
//!   longest route on a segment boundary wins).
//! - `server.rs`: the axum server in front of it, [`start`]ed on an
//!   address; each request goes to its route's handler as an
//!   [`Exchange`].
//! - `lazy.rs`: [`LazyHttp`], routes whose server starts with the first.
//! - `metrics.rs`: [`Metrics`], the node's counters and gauges, as
//!   OpenMetrics text.

mod lazy;
mod metrics;
mod routes;
mod server;

pub use lazy::LazyHttp;
pub use metrics::Metrics;
pub use routes::{Exchange, Handler, Routes, check_path};
pub use server::{MAX_BODY, start};
