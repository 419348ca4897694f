# A greeting service: the interface the greeter cell serves
# (stdlib/cells/greeter, examples/greeter), and the smallest example of a
# service a cell exports to peers over `/ww/0.1.0/vat/<name>`.
@0x9c4aa6f87e1c7ed6;

interface Greeter {
  # A greeting for `name` (`Hello, ada!`), and how many greetings this
  # greeter has made, this one included.
  greet @0 (name :Text) -> (greeting :Text, count :UInt64);
}
