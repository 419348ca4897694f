//! The node's metrics, in the OpenMetrics text format Prometheus scrapes.
//! Counters are counted where things happen; gauges are read when scraped.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Code {
    code: u16,
}

/// What the node counts and measures.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    http_requests: Family<Code, Counter>,
    pub peers: Gauge,
    pub routes: Gauge,
    pub init_failed: Gauge,
    pub uptime_seconds: Gauge,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("ww");
        let http_requests = Family::<Code, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests to the routes cells serve, by status code",
            http_requests.clone(),
        );
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let g = Gauge::default();
            registry.register(name, help, g.clone());
            g
        };
        let peers = gauge(&mut registry, "peers", "Peers connected now");
        let routes = gauge(&mut registry, "routes", "HTTP routes served");
        let init_failed = gauge(
            &mut registry,
            "init_scripts_failed",
            "Init scripts that failed at boot",
        );
        let uptime_seconds = gauge(
            &mut registry,
            "uptime_seconds",
            "Seconds since the node booted",
        );
        Metrics {
            registry,
            http_requests,
            peers,
            routes,
            init_failed,
            uptime_seconds,
        }
    }
}

impl Metrics {
    /// Counts an HTTP response of `code`.
    pub fn http_response(&self, code: u16) {
        self.http_requests.get_or_create(&Code { code }).inc();
    }

    /// Everything, as text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
