//! The examples' walkthroughs (`examples/*/README.md`), end to end
//! through `ww` on loopback, one module per example. The network ones run
//! three nodes: one serving the example's image, one only a way into the
//! DHT, one finding the service there (no address given to the script) and
//! calling it.

use crate::common;

use common::{Running, TempDir, run, shell};

mod counter;
mod echo;
mod greeter;
mod llm;
mod membranes;
mod oracle;
mod status;

/// `ww run` with HOME in its own directory, joined to `via` if given.
pub(crate) fn node(tag: &str, image: Option<&str>, via: Option<&Running>) -> (TempDir, Running) {
    let home = TempDir::new(tag);
    let mut args: Vec<String> = Vec::new();
    if let Some(via) = via {
        args.extend([
            "--bootstrap".into(),
            format!("{}/p2p/{}", via.libp2p, via.peer_id),
        ]);
    }
    if let Some(image) = image {
        args.push(
            common::repo_root()
                .join(image)
                .to_string_lossy()
                .into_owned(),
        );
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let running = run(&home, &args);
    (home, running)
}

/// Runs the example's script in a shell attached to the node of `home`,
/// retrying while the provider record has not spread yet (at most 30 s).
pub(crate) fn attached(home: &TempDir, script: &str) -> String {
    let text = std::fs::read_to_string(common::repo_root().join(script)).unwrap();
    let mut last = String::new();
    for _ in 0..30 {
        let (ok, out, err) = shell(&home.0, &[], &text);
        if ok && !err.contains("error") {
            return out;
        }
        last = format!("{out}\n{err}");
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    panic!("{script} never succeeded:\n{last}");
}
