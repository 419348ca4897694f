# The node a cell runs on: who it is on the network, whom it is connected
# to, and the network capabilities it offers.
@0x9694d078c44a6762;

using Routing = import "routing.capnp";
using Http = import "http.capnp";
using Runtime = import "runtime.capnp";
using Stream = import "stream.capnp";
using Identity = import "identity.capnp";

interface Host {
  # This node's peer id (`12D3KooW...`).
  id @0 () -> (peerId :Text);

  # The multiaddrs this node listens on (`/ip4/127.0.0.1/tcp/2025`...).
  addrs @1 () -> (addrs :List(Text));

  # The peers connected now, with the addresses they are connected at.
  peers @2 () -> (peers :List(PeerInfo));

  # Connects to the peer `peerId` at one of `addrs` (or wherever the node
  # already knows it to be); returns once connected.
  connect @3 (peerId :Text, addrs :List(Text)) -> ();

  # The node's network capabilities: the DHT, and outbound HTTP.
  network @4 () -> (routing :Routing.Routing, http :Http.HttpClient);

  # Serves `path` with `cell`, a fresh process of it for each request or
  # stream, until the listener is closed; a path already served is
  # refused. `path` is
  # - an HTTP route of the node (`/status`): it takes the requests whose
  #   path is the route or below it (`/status/...`, not `/statusx`; the
  #   longest route wins), each served by a process in `http` mode (WAGI);
  # - `/ww/0.1.0/stream/<name>`: each stream a peer opens on that libp2p
  #   protocol is the stdio of a process in `raw` mode;
  # - `/ww/0.1.0/vat/<name>`: each stream is a Cap'n Proto connection whose
  #   bootstrap capability is what a process in `vat` mode serves.
  # A process ends with its stream.
  listen @5 (cell :Runtime.Cell, path :Text) -> (listener :Listener);

  # Serves `cap` to peers on `/ww/0.1.0/vat/<name>`: each stream a peer
  # opens there is a Cap'n Proto connection whose bootstrap is `cap`, as
  # this caller holds it (attenuated, it stays so for the peers).
  export @6 (name :Text, cap :Capability) -> (listener :Listener);

  # The capability the peer `peerId` serves on `/ww/0.1.0/vat/<name>`.
  dial @7 (peerId :Text, name :Text) -> (cap :Capability);

  # A byte stream to what the peer `peerId` serves on
  # `/ww/0.1.0/stream/<name>`: writes go to it, reads come from it.
  openStream @8 (peerId :Text, name :Text) -> (stream :Stream.ByteStream);

  # Serves on `/ww/0.1.0/vat/<name>` a view for each of `views`' keys:
  # each stream a peer opens there first logs in (a challenge it signs
  # with a `Signer` for the domain `ww/vat-login`, see `dialLogin`), then
  # is a Cap'n Proto connection whose bootstrap is the view of the key
  # that logged in. A key not listed is refused; a peer that dials without
  # logging in is told the name needs a login.
  exportLogin @9 (name :Text, views :List(View)) -> (listener :Listener);

  # `dial`, logging in with `signer` (for the domain `ww/vat-login`) to a
  # name exported with `exportLogin`: the capability is the view the
  # exporter gives the signer's key.
  dialLogin @10 (peerId :Text, name :Text, signer :Identity.Signer) -> (cap :Capability);
}

# What one key sees of an authenticated vat.
struct View {
  peerId @0 :Text;
  cap @1 :Capability;
}

interface Listener {
  # Where it is served: an HTTP route's URL (`http://127.0.0.1:2080/status`),
  # or the libp2p protocol (`/ww/0.1.0/vat/greeter`).
  url @0 () -> (url :Text);
  # Stops serving: later requests to a route get 404, later streams of a
  # protocol are refused (connections already made go on).
  close @1 () -> ();
}

struct PeerInfo {
  peerId @0 :Text;
  addrs @1 :List(Text);
}
