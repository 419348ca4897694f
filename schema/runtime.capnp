# Running cells: load a cell's bytes, spawn processes of it, talk to them.
@0xa0c2ef3767b287c8;

using Membrane = import "membrane.capnp";
using Stream = import "stream.capnp";

interface Runtime {
  # Compiles a cell (a WASI 0.2 component or preview-1 module) once per
  # CID; fails for bytes that are not a cell.
  load @0 (wasm :Data) -> (executor :Executor);
}

interface Executor {
  # The IPFS CID of the loaded cell's bytes.
  cid @0 () -> (cid :Text);

  # Starts a process of the cell. It is granted exactly `grants` (a cell in
  # `vat` mode grafts them), and nothing of the host.
  spawn @1 (mode :Mode, args :List(Text), env :List(EnvVar),
            grants :List(Membrane.Export), limits :Limits)
        -> (process :Process);
}

enum Mode {
  vat @0;   # stdio carries Cap'n Proto RPC; `Process.bootstrap` is its export
  raw @1;   # stdio is a byte stream: `Process.stdin` and `Process.stdout`
  http @2;  # WAGI: a CGI request in `env` and on stdin, the response on stdout
}

struct Cell {
  # A loaded cell and how to run each of its processes: what
  # `Executor.spawn` takes but the mode, which whoever runs it decides (a
  # listener for HTTP runs it in `http` mode, once per request).
  executor @0 :Executor;
  args @1 :List(Text);
  env @2 :List(EnvVar);
  grants @3 :List(Membrane.Export);
  limits @4 :Limits;
}

struct EnvVar {
  name @0 :Text;
  value @1 :Text;
}

struct Limits {
  # Zero means the host's default.
  memoryBytes @0 :UInt64;
  cpuMillis @1 :UInt64;
  timeoutMillis @2 :UInt64;
  fuel @3 :UInt64;
}

interface Process {
  # The cell's stdin, for writing (`raw` mode).
  stdin @0 () -> (stream :Stream.ByteStream);
  # The cell's stdout, for reading (`raw` mode).
  stdout @1 () -> (stream :Stream.ByteStream);
  # What the cell wrote to stderr (up to 64 KiB), readable once it ended.
  stderr @2 () -> (stream :Stream.ByteStream);
  # Waits for the process to end. `exitCode` is its code if it exited, else
  # -1; `ended` says how it ended (`exit`, `memory`, `cpu`, `timeout`,
  # `fuel`, `output`, `trap`, `killed`), `reason` in words.
  wait @3 () -> (exitCode :Int32, ended :Text, reason :Text);
  # Stops the process.
  kill @4 () -> ();
  # The capability the cell serves (`vat` mode).
  bootstrap @5 () -> (cap :Capability);
}
