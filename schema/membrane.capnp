# The membrane: how a cell receives the capabilities its parent grants it.
#
# A cell in `vat` mode finds a Membrane at the other end of its stdio (the
# bootstrap capability of the Cap'n Proto connection the host runs over it)
# and grafts it to receive its grants, by name. What the cell itself serves
# is its own bootstrap capability on the same connection.
@0xc15324c31ff623d7;

interface Membrane {
  # The capabilities granted to whoever holds this membrane: exactly what the
  # parent passed, in the order it named them, and nothing else.
  graft @0 () -> (exports :List(Export));
}

struct Export {
  # A granted capability and the name it was granted under (`host`,
  # `runtime`, `out`...). Names are unique within one graft.
  name @0 :Text;
  cap @1 :Capability;
}
