# The node a cell runs on: who it is on the network, whom it is connected
# to, and the network capabilities it offers.
@0x9694d078c44a6762;

using Routing = import "routing.capnp";
using Http = import "http.capnp";
using Runtime = import "runtime.capnp";

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

  # Serves the HTTP requests whose path is `path` or below it (`/status`
  # takes `/status` and `/status/...`, not `/statusx`; the longest route
  # wins) with `cell`, spawned in `http` mode for each request (WAGI).
  # The route stays until the listener is closed; a path already taken is
  # refused.
  listen @5 (cell :Runtime.Cell, path :Text) -> (listener :Listener);
}

interface Listener {
  # Where the route is served (`http://127.0.0.1:2080/status`).
  url @0 () -> (url :Text);
  # Stops serving the route: later requests get 404.
  close @1 () -> ();
}

struct PeerInfo {
  peerId @0 :Text;
  addrs @1 :List(Text);
}
