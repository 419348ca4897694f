//! Blocks between peers, on `/ww/0.1.0/blocks`: a node serves the blocks
//! of its store, and fetches the DAG of a CID it lacks from its peers.
//!
//! A request-response protocol rather than Bitswap: a node fetching an
//! image asks for one block by CID from a peer it knows has the DAG (a
//! provider of the root, or a peer it is connected to), so it needs none of
//! Bitswap's want-lists, sessions or ledgers; and `rust-libp2p` has no
//! maintained Bitswap for this libp2p version (`beetswap` follows another).
//! One stream per block:
//!
//! - the requester writes the CID's bytes, after their length as a
//!   big-endian `u16`;
//! - the server answers `0`, the block's length as a big-endian `u32` and
//!   the block, or `1` if it does not have it (or it is corrupt in its
//!   store).
//!
//! Nothing a peer sends is trusted: a block is hashed and must match the
//! CID asked for before it is stored; a block over [`MAX_BLOCK`] is
//! refused before it is read.

use std::collections::HashSet;
use std::time::Duration;

use ::cid::Cid;
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt, TryStreamExt};
use libp2p::{PeerId, StreamProtocol};

use super::dag;
use super::unixfs::{self, DAG_PB};
use super::{BlockStore, StoreError};
use crate::p2p::{Network, NetworkError};

/// The protocol.
pub const PROTOCOL: &str = "/ww/0.1.0/blocks";

/// The largest block served or accepted: Kubo's chunks are 256 KiB and its
/// nodes far smaller; Bitswap's limit is 2 MiB.
pub const MAX_BLOCK: usize = 2 << 20;

/// Blocks requested at once while fetching a DAG.
const PARALLEL: usize = 16;

/// How long one block request may take.
const TIMEOUT: Duration = Duration::from_secs(30);

const FOUND: u8 = 0;
const NOT_FOUND: u8 = 1;

/// What went wrong fetching a DAG.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("no peer has block {cid} (asked {asked}: {why})")]
    Unavailable {
        cid: String,
        asked: usize,
        why: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("block {cid} is not a valid node: {why}")]
    Invalid { cid: String, why: String },
    #[error(transparent)]
    Network(#[from] NetworkError),
}

/// The DHT key under which a CID's providers are found: its multihash, as
/// IPFS keys provider records.
pub fn dht_key(cid: &Cid) -> Vec<u8> {
    cid.hash().to_bytes()
}

/// Serves `store`'s blocks to peers, until the node stops; and provides
/// the pinned roots in the DHT (once, in the background: a node that knows
/// no peers yet provides nothing beyond itself).
pub fn serve(network: &Network, store: BlockStore) -> Result<(), NetworkError> {
    let mut incoming = network.accept(StreamProtocol::new(PROTOCOL))?;
    let pins = store.pins().unwrap_or_default();
    let providing = network.clone();
    tokio::spawn(async move {
        for cid in pins {
            let _ = providing.provide(dht_key(&cid)).await;
        }
    });
    tokio::spawn(async move {
        while let Some((_, stream)) = incoming.next().await {
            let store = store.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(TIMEOUT, answer(stream, &store)).await;
            });
        }
    });
    Ok(())
}

/// Answers one request on `stream`.
async fn answer(mut stream: libp2p::Stream, store: &BlockStore) -> std::io::Result<()> {
    let mut len = [0; 2];
    stream.read_exact(&mut len).await?;
    let len = usize::from(u16::from_be_bytes(len));
    if len > 128 {
        return Ok(());
    }
    let mut cid = vec![0; len];
    stream.read_exact(&mut cid).await?;
    let block = Cid::try_from(cid.as_slice())
        .ok()
        .and_then(|cid| store.get(&cid).ok())
        .filter(|block| block.len() <= MAX_BLOCK);
    match block {
        Some(block) => {
            stream.write_all(&[FOUND]).await?;
            stream
                .write_all(&(block.len() as u32).to_be_bytes())
                .await?;
            stream.write_all(&block).await?;
        }
        None => stream.write_all(&[NOT_FOUND]).await?,
    }
    stream.close().await
}

/// Asks `peer` for the block `cid`; the block, checked against it.
pub async fn request(network: &Network, peer: PeerId, cid: &Cid) -> Result<Vec<u8>, String> {
    let ask = async {
        let mut stream = network
            .open_stream(peer, StreamProtocol::new(PROTOCOL))
            .await
            .map_err(|e| e.to_string())?;
        let bytes = cid.to_bytes();
        stream
            .write_all(&(bytes.len() as u16).to_be_bytes())
            .await
            .map_err(|e| e.to_string())?;
        stream.write_all(&bytes).await.map_err(|e| e.to_string())?;
        stream.flush().await.map_err(|e| e.to_string())?;
        let mut status = [0];
        stream
            .read_exact(&mut status)
            .await
            .map_err(|e| e.to_string())?;
        if status[0] != FOUND {
            return Err(format!("{peer} does not have it"));
        }
        let mut len = [0; 4];
        stream
            .read_exact(&mut len)
            .await
            .map_err(|e| e.to_string())?;
        let len = u32::from_be_bytes(len) as usize;
        if len > MAX_BLOCK {
            return Err(format!(
                "{peer} offered a block of {len} bytes (at most {MAX_BLOCK})"
            ));
        }
        let mut block = vec![0; len];
        stream
            .read_exact(&mut block)
            .await
            .map_err(|e| e.to_string())?;
        Ok(block)
    };
    let block = tokio::time::timeout(TIMEOUT, ask)
        .await
        .map_err(|_| format!("{peer} did not answer within {TIMEOUT:?}"))??;
    let actual = unixfs::block_cid(cid.codec(), &block);
    if actual.hash() != cid.hash() {
        return Err(format!(
            "{peer} sent a block that does not match its CID (it hashes to {actual}); refused"
        ));
    }
    Ok(block)
}

/// What a fetch brought.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Fetched {
    pub blocks: usize,
    pub bytes: u64,
}

/// Fetches every block of the DAG under `root` that `store` lacks, from the
/// connected peers and the root's providers; what was fetched. Every
/// block is checked against its CID before it is stored.
///
/// The DAG is walked a level at a time, up to 16 blocks (`PARALLEL`) of a
/// level in flight at once (a file's leaves are a level of up to 174),
/// each request starting with another peer so the load spreads.
pub async fn fetch(
    network: &Network,
    store: &BlockStore,
    root: &Cid,
) -> Result<Fetched, FetchError> {
    let mut peers: Vec<PeerId> = network.peers().await?.into_iter().map(|p| p.id).collect();
    if let Ok(providers) = network.find_providers(dht_key(root), 20).await {
        for p in providers {
            if p.id != network.peer_id() && !peers.contains(&p.id) {
                peers.push(p.id);
            }
        }
    }
    let mut fetched = Fetched::default();
    let mut seen = HashSet::from([*root]);
    let mut level = vec![*root];
    while !level.is_empty() {
        let blocks: Vec<(Cid, Vec<u8>, bool)> = futures::stream::iter(level.drain(..).enumerate())
            .map(|(i, cid)| obtain(network, store, &peers, i, cid))
            .buffer_unordered(PARALLEL)
            .try_collect()
            .await?;
        for (cid, block, was_fetched) in blocks {
            if was_fetched {
                fetched.blocks += 1;
                fetched.bytes += block.len() as u64;
            }
            if cid.codec() == DAG_PB {
                let node = dag::pb_node(&block).map_err(|e| FetchError::Invalid {
                    cid: cid.to_string(),
                    why: e.to_string(),
                })?;
                level.extend(
                    node.links
                        .into_iter()
                        .map(|l| l.cid)
                        .filter(|c| seen.insert(*c)),
                );
            }
        }
    }
    Ok(fetched)
}

/// The block `cid`, from `store` or else from the first of `peers` (from
/// the `start`th on, round) that has it, stored; whether it was fetched.
async fn obtain(
    network: &Network,
    store: &BlockStore,
    peers: &[PeerId],
    start: usize,
    cid: Cid,
) -> Result<(Cid, Vec<u8>, bool), FetchError> {
    match store.get(&cid) {
        Ok(block) => return Ok((cid, block, false)),
        Err(StoreError::Missing(_)) => {}
        Err(e) => return Err(e.into()),
    }
    let mut why = Vec::new();
    let order = peers
        .iter()
        .cycle()
        .skip(start % peers.len().max(1))
        .take(peers.len());
    for peer in order {
        match request(network, *peer, &cid).await {
            Ok(block) => {
                store.put(&cid, &block)?;
                return Ok((cid, block, true));
            }
            Err(e) => why.push(e),
        }
    }
    Err(FetchError::Unavailable {
        cid: cid.to_string(),
        asked: peers.len(),
        why: if why.is_empty() {
            "this node knows no peers: push the image here (`ww push DIR`) or connect to a peer that has it (`--bootstrap`)".into()
        } else {
            why.join("; ")
        },
    })
}
