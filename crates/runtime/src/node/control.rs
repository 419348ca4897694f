//! Handing a running node's capabilities to whoever attaches: `ww shell`
//! on this machine through the Unix socket its state file names, or from
//! anywhere over libp2p after logging in (`login.rs`). Either way the
//! connection's bootstrap is one membrane granting the node's roots, so
//! advancing the node's epoch revokes every session.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use libp2p::{PeerId, StreamProtocol};
use tokio_util::compat::TokioAsyncReadCompatExt;

use super::login::{self, AuthorizedKeys};
use super::state::{State, StateFile};
use crate::membrane::services;
use crate::p2p::Network;
use crate::schema::membrane_capnp::membrane;

/// The node's attach points: dropping it closes them and removes the state
/// file and socket.
#[derive(Debug)]
pub struct Control {
    _state: StateFile,
    tasks: Vec<tokio::task::AbortHandle>,
}

impl Drop for Control {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Serves `membrane` on `state.socket` (mode 0600) and writes the state
/// file into `dir`; serves it over libp2p, after a login checked against
/// `authorized_keys`, on [`login::PROTOCOL`]. Call inside a `LocalSet`.
pub fn start(
    dir: &Path,
    state: &State,
    membrane: membrane::Client,
    network: &Network,
    authorized_keys: &Path,
) -> Result<Control, String> {
    super::state::make_dir(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    // A socket left by a process of the same pid that died.
    let _ = std::fs::remove_file(&state.socket);
    let socket = tokio::net::UnixListener::bind(&state.socket)
        .map_err(|e| format!("cannot listen on {}: {e}", state.socket.display()))?;
    std::fs::set_permissions(&state.socket, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("cannot restrict {}: {e}", state.socket.display()))?;
    let file = StateFile::write(dir, state)
        .map_err(|e| format!("cannot write the state file in {}: {e}", dir.display()))?;

    let local = membrane.clone();
    let attach = tokio::task::spawn_local(async move {
        while let Ok((stream, _)) = socket.accept().await {
            let cap = local.clone().client;
            tokio::task::spawn_local(services::serve_capability(
                "a local shell",
                stream.compat(),
                cap,
            ));
        }
    })
    .abort_handle();

    let incoming = network
        .accept(StreamProtocol::new(login::PROTOCOL))
        .map_err(|e| e.to_string())?;
    let node = network.peer_id();
    let keys = authorized_keys.to_path_buf();
    let remote = services::accept(incoming, move |peer, stream| {
        serve_login(node, peer, stream, membrane.clone(), keys.clone())
    })
    .abort_handle();
    Ok(Control {
        _state: file,
        tasks: vec![attach, remote],
    })
}

/// One login: the challenge, then (if it is accepted) the membrane.
async fn serve_login(
    node: PeerId,
    peer: PeerId,
    mut stream: libp2p::Stream,
    membrane: membrane::Client,
    authorized_keys: std::path::PathBuf,
) {
    // Read at each login, so an edit takes effect without a restart; a
    // file that does not parse lets only the node's own key in.
    let authorized = AuthorizedKeys::load(&authorized_keys).unwrap_or_else(|e| {
        eprintln!("ww: login: {e}; only this node's own key may log in");
        AuthorizedKeys::default()
    });
    let outcome = tokio::time::timeout(
        login::TIMEOUT,
        login::challenge(&mut stream, &node, &authorized),
    )
    .await;
    match outcome {
        Ok(Ok(who)) => {
            eprintln!("ww: login: {who} logged in from {peer}");
            services::serve_capability(peer, stream, membrane.client).await;
        }
        Ok(Err(e)) => eprintln!("ww: login from {peer}: {e}"),
        Err(_) => eprintln!(
            "ww: login from {peer}: no answer to the challenge within {:?}",
            login::TIMEOUT
        ),
    }
}
