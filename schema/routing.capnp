# Content routing over the DHT: who provides what, by CID.
@0x9a8ee837b353b8d1;

using Host = import "host.capnp";

interface Routing {
  # Announces that this node provides `cid`.
  provide @0 (cid :Text) -> ();

  # Up to `limit` peers that provide `cid` (this node too, if it does).
  findProviders @1 (cid :Text, limit :UInt32) -> (providers :List(Host.PeerInfo));

  # The CID of `data`, as `ipfs add --cid-version=1` prints it. Local: it
  # touches no network.
  hash @2 (data :Data) -> (cid :Text);
}
