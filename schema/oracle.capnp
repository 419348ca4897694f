# Data feeds: the interface the oracle cell serves (stdlib/cells/oracle,
# examples/oracle), the same data it answers over HTTP. A feed is a name
# (`BTC-USD`), a value and when the value was observed. Both stay text as
# the source wrote them, so a price keeps its exact decimals and a time its
# zone.
@0xfddbc997e620b32c;

interface Oracle {
  # The feed `key`: its value, and when it was observed (RFC 3339). A key
  # the oracle has no feed for is an error naming the keys it has.
  get @0 (key :Text) -> (value :Text, asOf :Text);

  # The names of the feeds, in the order of the source.
  keys @1 () -> (keys :List(Text));
}
