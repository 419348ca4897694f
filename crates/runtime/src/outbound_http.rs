//! Outgoing HTTP: the client set-up every request of `ww` shares, and
//! errors shown with their causes.

/// A client builder with a TLS crypto provider and `ww`'s user agent.
pub fn http_client() -> reqwest::ClientBuilder {
    // reqwest is built without a TLS crypto provider of its own: ring is
    // in the program already (libp2p's Noise uses it), aws-lc would add
    // a large C build. Installing fails only if one is installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().user_agent(concat!("wetware/", env!("CARGO_PKG_VERSION")))
}

/// An error with its causes: reqwest's own message, for one, leaves out
/// why a connection or redirect failed.
pub fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
