//! Kubo, which `ww push --ipfs-url` pins images in. Optional: the content
//! store is embedded, so its absence is only a note.

use std::time::Duration;

use runtime::store::kubo::{self, KuboError};

use super::Finding;

const WHAT: &str = "Kubo (optional)";

pub fn check(rt: &tokio::runtime::Runtime, api: &str) -> Finding {
    match rt.block_on(kubo::version(api, Duration::from_secs(2))) {
        Ok(version) => Finding::ok(
            WHAT,
            format!("Kubo {version} at {api}; `ww push --ipfs-url {api}` pins there"),
        ),
        Err(KuboError::Url(_)) => Finding::problem(
            WHAT,
            format!("{api:?} is not an http:// URL"),
            "give --ipfs-url as Kubo's RPC API, like http://127.0.0.1:5001",
        ),
        Err(KuboError::Unreachable { why, .. }) => Finding::note(
            WHAT,
            format!(
                "no Kubo RPC API answers at {api}: {}",
                // The innermost cause says it: refused, timed out...
                why.rsplit(": ").next().unwrap_or(&why)
            ),
            "not needed: the content store is embedded; start `ipfs daemon` to pin images in Kubo too",
        ),
        Err(e) => Finding::note(
            WHAT,
            format!("what answers at {api} is not Kubo's RPC API: {e}"),
            "not needed: the content store is embedded; give --ipfs-url where Kubo's API is",
        ),
    }
}
