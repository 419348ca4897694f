# Byte streams: a process's stdio, a libp2p stream, a pipe between cells.
@0xad19137679fc7599;

interface ByteStream {
  # Appends `data` to the stream. Calls are applied in the order they were
  # sent; a call on a closed stream fails.
  write @0 (data :Data) -> ();

  # Up to `max` bytes, waiting until at least one is there; empty at the end
  # of the stream.
  read @1 (max :UInt32) -> (data :Data);

  # Ends the stream: readers see its end once they have read what was
  # written before.
  close @2 () -> ();
}
