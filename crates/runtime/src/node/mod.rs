//! The node `ww run` boots: its identity, its libp2p network, the HTTP
//! routes cells serve, and the Glia kernel that sets them up from the
//! image's init scripts.
//!
//! - `identity.rs`: the key pair file (`~/.ww/identity`, mode 0600).
//! - `image.rs`: the image, layers merged (the embedded default first).
//! - `kernel.rs`: running the init scripts with the roots bound; `pid0.rs`:
//!   running the image's `boot/main.wasm` as the kernel instead.
//! - `admin.rs`: the admin plane (health, readiness, metrics, the host's
//!   id and addresses, the version).
//! - `state.rs`: the state file under `~/.ww/run` that `ww shell` finds a
//!   running node by.
//! - `control.rs`: the node handing its capabilities to attached sessions
//!   (Unix socket, or libp2p after `login.rs`'s challenge-response);
//!   `attach.rs` is the session's end.

mod admin;
pub mod attach;
pub mod control;
mod identity;
mod image;
mod kernel;
pub mod login;
pub mod pid0;
pub mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use libp2p::Multiaddr;

pub use admin::{Admin, Kernel};
pub use identity::{
    IdentityError, create as create_identity, load as load_identity, load_or_create,
};
pub use image::Image;
pub use kernel::{KernelHost, run_init};

use crate::bindings::Roots;
use crate::membrane::Epoch;
use crate::p2p::{LazyNetwork, Network};
use crate::store::BlockStore;
use crate::web::{LazyHttp, Routes};

/// How to boot a node.
#[derive(Clone, Debug)]
pub struct Config {
    pub identity: PathBuf,
    /// How libp2p runs: where it listens, mDNS, connection limits.
    pub network: crate::p2p::Options,
    /// Where the HTTP routes are served.
    pub http: SocketAddr,
    /// Image layers over the embedded default: directories, or
    /// `/ipfs/<CID>` in the content store.
    pub images: Vec<PathBuf>,
    /// The content store (`~/.ww/store`), where `/ipfs/<CID>` layers are.
    pub store: PathBuf,
    /// Where to serve the admin plane, if anywhere.
    pub admin: Option<SocketAddr>,
    /// Routes the admin plane serves beside its own (`ww run` adds the
    /// MCP endpoint, whose server lives in the binary).
    pub admin_routes: axum::Router,
    /// Where the node keeps what it has while it runs (`~/.ww/run`): its
    /// flattened image, its state file.
    pub run_dir: PathBuf,
    /// Peers to connect to before the kernel runs (`.../p2p/12D3KooW...`):
    /// the node's way into a DHT that mDNS does not reach.
    pub bootstrap: Vec<Multiaddr>,
}

/// A booted node: what its kernel is given.
#[derive(Debug)]
pub struct Node {
    pub roots: Roots,
    pub image: std::rc::Rc<Image>,
    /// The addresses libp2p listens on.
    pub addrs: Vec<Multiaddr>,
    /// Where the HTTP routes are served.
    pub http: SocketAddr,
    /// Where the admin plane is served, if it is.
    pub admin: Option<SocketAddr>,
    /// Set once the init scripts have run (`/readyz`).
    pub ready: Arc<AtomicBool>,
    /// The image's `boot/main.wasm`, if it has one: the kernel then.
    pub pid0: Option<Vec<u8>>,
    /// The image as the node's cells see it; removed with the node.
    pub flattened: Flattened,
}

/// A directory holding a flattened image, removed when dropped.
#[derive(Debug)]
pub struct Flattened(pub PathBuf);

impl Drop for Flattened {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Connects to each bootstrap peer, saying which it could not reach: a
/// peer that is down must not stop the node, which may find others.
async fn join(network: &Network, bootstrap: &[Multiaddr]) {
    for addr in bootstrap {
        let peer = match addr.iter().last() {
            Some(libp2p::multiaddr::Protocol::P2p(peer)) => peer,
            _ => {
                eprintln!(
                    "ww: cannot bootstrap from {addr}: it names no peer (end it with /p2p/12D3KooW...)"
                );
                continue;
            }
        };
        let mut at = addr.clone();
        at.pop();
        match network.connect(peer, vec![at]).await {
            Ok(()) => eprintln!("ww: bootstrapped from {peer}"),
            Err(e) => eprintln!("ww: cannot bootstrap from {addr}: {e}"),
        }
    }
}

/// Boots a node: reads (or makes) its identity, starts libp2p and the HTTP
/// server. Fails promptly, saying why, if an address cannot be bound.
/// Call it inside a tokio runtime; the node runs as its tasks.
pub async fn boot(config: &Config) -> Result<Node, String> {
    state::make_dir(&config.run_dir)
        .map_err(|e| format!("cannot make {}: {e}", config.run_dir.display()))?;
    let (key, created) = load_or_create(&config.identity).map_err(|e| e.to_string())?;
    if created {
        eprintln!("ww: made a new identity at {}", config.identity.display());
    }
    let network = Network::start_with(key.clone(), &config.network)
        .await
        .map_err(|e| e.to_string())?;
    let addrs = network.listen_addrs().await.map_err(|e| e.to_string())?;
    join(&network, &config.bootstrap).await;
    // The store serves its blocks to peers, and `/ipfs/<CID>` layers are
    // read from it (fetched from peers first if need be).
    let store = BlockStore::open(&config.store).map_err(|e| e.to_string())?;
    crate::store::exchange::serve(&network, store.clone()).map_err(|e| e.to_string())?;
    let mut layers = Vec::with_capacity(config.images.len());
    for given in &config.images {
        layers.push(image::layer(given, &store, &network).await?);
    }
    let image = Image::new(&layers)?;
    let pid0 = image.get(pid0::PATH)?;
    let flattened = Flattened(config.run_dir.join(format!("{}.image", std::process::id())));
    // Left by a node of the same pid that was killed.
    let _ = std::fs::remove_dir_all(&flattened.0);
    image.materialize(&flattened.0)?;
    let routes = Routes::new();
    let (http, _server) = crate::web::start(config.http, routes.clone())
        .await
        .map_err(|e| format!("cannot serve HTTP on {}: {e}", config.http))?;
    let ready = Arc::new(AtomicBool::new(false));
    let admin = match config.admin {
        None => None,
        Some(addr) => {
            let kernel = match &pid0 {
                Some(bytes) => Kernel::Cell(pid0::PATH.into(), crate::cid::cid_string(bytes)),
                None => Kernel::Glia(
                    image
                        .init_scripts()
                        .into_iter()
                        .filter_map(|path| {
                            let cid = crate::cid::cid_string(&image.read(&path).ok()?);
                            Some((path, cid))
                        })
                        .collect(),
                ),
            };
            let admin = Admin {
                network: network.clone(),
                metrics: routes.metrics.clone(),
                routes: routes.clone(),
                ready: ready.clone(),
                kernel: Arc::new(kernel),
                booted: std::time::Instant::now(),
            };
            Some(
                admin::serve(addr, admin, config.admin_routes.clone())
                    .await
                    .map_err(|e| format!("cannot serve the admin plane on {addr}: {e}"))?,
            )
        }
    };
    let roots = Roots {
        epoch: Epoch::new(),
        network: LazyNetwork::ready(network, key.clone()),
        http: LazyHttp::ready(routes, http),
        key,
        image: Some(flattened.0.clone()),
    };
    Ok(Node {
        roots,
        image: std::rc::Rc::new(image),
        addrs,
        http,
        admin,
        ready,
        pid0,
        flattened,
    })
}
