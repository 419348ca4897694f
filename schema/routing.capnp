# Routing over the DHT: who provides what (by CID, or by name), and where
# a peer listens.
@0x9a8ee837b353b8d1;

using Host = import "host.capnp";

interface Routing {
  # Announces that this node provides `key`: a CID (keyed by its
  # multihash, as IPFS nodes key them), or any other name, up to 256 bytes
  # (a service: `greeter`), keyed apart from every CID.
  provide @0 (key :Text) -> ();

  # Up to `limit` peers that provide `key` (this node too, if it does).
  findProviders @1 (key :Text, limit :UInt32) -> (providers :List(Host.PeerInfo));

  # The CID of `data`, as `ipfs add --cid-version=1` prints it. Local: it
  # touches no network.
  hash @2 (data :Data) -> (cid :Text);

  # Where the peer `peerId` listens: what this node knows, else what the
  # DHT's peers closest to it know. Fails for a peer nobody knows.
  resolve @3 (peerId :Text) -> (peer :Host.PeerInfo);
}
