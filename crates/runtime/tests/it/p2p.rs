//! Two real nodes on loopback: connecting, peers, DHT provider records.

use libp2p::identity::Keypair;
use libp2p::{Multiaddr, PeerId};
use runtime::p2p::{Network, NetworkError};

fn loopback() -> Vec<Multiaddr> {
    vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()]
}

async fn node() -> Network {
    Network::start(Keypair::generate_ed25519(), &loopback())
        .await
        .expect("a node starts on loopback")
}

#[tokio::test]
async fn a_node_listens_on_the_port_it_was_given() {
    let a = node().await;
    let addrs = a.listen_addrs().await.unwrap();
    assert_eq!(addrs.len(), 1, "{addrs:?}");
    let addr = addrs[0].to_string();
    assert!(addr.starts_with("/ip4/127.0.0.1/tcp/"), "{addr}");
    assert!(
        !addr.ends_with("/tcp/0"),
        "the real port is reported: {addr}"
    );
}

#[tokio::test]
async fn connected_nodes_see_each_other_as_peers() {
    let (a, b) = (node().await, node().await);
    assert!(b.peers().await.unwrap().is_empty());
    b.connect(a.peer_id(), a.listen_addrs().await.unwrap())
        .await
        .expect("b connects to a");
    // Connecting again is answered at once.
    b.connect(a.peer_id(), vec![]).await.unwrap();

    let peers = b.peers().await.unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].id, a.peer_id());
    assert_eq!(peers[0].addrs, a.listen_addrs().await.unwrap());
    // a learns of b when the connection reaches it.
    for _ in 0..100 {
        if a.peers().await.unwrap().iter().any(|p| p.id == b.peer_id()) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("a never saw b connect");
}

#[tokio::test]
async fn connecting_to_the_wrong_peer_id_fails_clearly() {
    let a = node().await;
    let b = node().await;
    let stranger = PeerId::random();
    let err = b
        .connect(stranger, a.listen_addrs().await.unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, NetworkError::Dial(_)), "{err}");
    assert!(b.peers().await.unwrap().is_empty());

    let err = b.connect(b.peer_id(), vec![]).await.unwrap_err();
    assert!(err.to_string().contains("own peer id"), "{err}");

    // Nobody listens at this address (a's port after a is gone).
    let addrs = a.listen_addrs().await.unwrap();
    let a_id = a.peer_id();
    drop(a);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let err = b.connect(a_id, addrs).await.unwrap_err();
    assert!(matches!(err, NetworkError::Dial(_)), "{err}");
}

#[tokio::test]
async fn listening_on_a_bad_address_is_an_error() {
    let busy = node().await;
    let taken = busy.listen_addrs().await.unwrap();
    let err = Network::start(Keypair::generate_ed25519(), &taken)
        .await
        .unwrap_err();
    assert!(matches!(err, NetworkError::Listen(..)), "{err}");

    let udp: Multiaddr = "/ip4/127.0.0.1/udp/0".parse().unwrap();
    let err = Network::start(Keypair::generate_ed25519(), &[udp])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("/ip4/127.0.0.1/udp/0"), "{err}");
}

#[tokio::test]
async fn a_provider_is_found_through_the_dht() {
    let (a, b, c) = (node().await, node().await, node().await);
    // b knows a, c knows b: c finds a's record through b.
    b.connect(a.peer_id(), a.listen_addrs().await.unwrap())
        .await
        .unwrap();
    c.connect(b.peer_id(), b.listen_addrs().await.unwrap())
        .await
        .unwrap();
    let key = b"bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku".to_vec();
    assert!(c.find_providers(key.clone(), 5).await.unwrap().is_empty());

    // The record travels once identify has told the nodes about each
    // other: until then a provides to nobody but itself.
    let mut found = Vec::new();
    for _ in 0..50 {
        a.provide(key.clone()).await.expect("a provides");
        found = c.find_providers(key.clone(), 5).await.unwrap();
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].id, a.peer_id());
    assert_eq!(found[0].addrs, a.listen_addrs().await.unwrap());

    // A node finds its own records too.
    let own = a.find_providers(key, 5).await.unwrap();
    assert_eq!(own.iter().map(|p| p.id).collect::<Vec<_>>(), [a.peer_id()]);
}

#[tokio::test]
async fn a_peer_is_found_through_the_dht() {
    let (a, b, c) = (node().await, node().await, node().await);
    b.connect(a.peer_id(), a.listen_addrs().await.unwrap())
        .await
        .unwrap();
    c.connect(b.peer_id(), b.listen_addrs().await.unwrap())
        .await
        .unwrap();
    // c has never heard of a: b, which c asks, knows where a listens once
    // identify has told it.
    let mut found = None;
    for _ in 0..50 {
        if let Ok(peer) = c.find_peer(a.peer_id()).await {
            found = Some(peer);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let found = found.expect("c finds a through b");
    assert_eq!(found.id, a.peer_id());
    assert_eq!(found.addrs, a.listen_addrs().await.unwrap());

    // Itself and a connected peer it knows at once.
    assert_eq!(
        c.find_peer(c.peer_id()).await.unwrap().addrs,
        c.listen_addrs().await.unwrap()
    );
    assert_eq!(c.find_peer(b.peer_id()).await.unwrap().id, b.peer_id());

    let err = c.find_peer(PeerId::random()).await.unwrap_err();
    assert!(
        err.to_string().contains("no peer in the DHT knows where"),
        "{err}"
    );
}

#[tokio::test]
async fn nodes_connect_over_quic_and_a_taken_udp_port_is_refused() {
    let quic: Vec<Multiaddr> = vec!["/ip4/127.0.0.1/udp/0/quic-v1".parse().unwrap()];
    let a = Network::start(Keypair::generate_ed25519(), &quic)
        .await
        .expect("a node listens on QUIC");
    let b = Network::start(Keypair::generate_ed25519(), &quic)
        .await
        .unwrap();
    let addrs = a.listen_addrs().await.unwrap();
    assert!(addrs[0].to_string().ends_with("/quic-v1"), "{addrs:?}");
    b.connect(a.peer_id(), addrs.clone())
        .await
        .expect("b connects to a over QUIC");
    let peers = b.peers().await.unwrap();
    assert_eq!(peers[0].addrs, addrs);

    // The port a's QUIC listener holds is not shared with a second node.
    let err = Network::start(Keypair::generate_ed25519(), &addrs)
        .await
        .expect_err("the UDP port is taken");
    assert!(matches!(err, NetworkError::Listen(..)), "{err}");
}
