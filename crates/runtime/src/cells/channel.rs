//! The membrane channel: a byte stream each way between a spawned cell
//! and its host besides stdio, for the Cap'n Proto connection of a cell
//! whose stdio is taken by its mode (`http`: the CGI exchange; `raw`: the
//! data). A cell in `vat` mode talks RPC on its stdio and gets none.
//!
//! The cell asks for it through the WIT interface
//! `wetware:cell/membrane@0.1.0` (`stdlib/cells/ww-guest/wit/membrane.wit`):
//! `connect() -> result<tuple<input-stream, output-stream>, string>`, once.
//! Every component cell may import it; a cell given no channel gets the
//! error, not a trap.

use tokio::io::DuplexStream;
use wasmtime::component::{Linker, Resource};
use wasmtime_wasi::p2::pipe::{AsyncReadStream, AsyncWriteStream};
use wasmtime_wasi::p2::{DynInputStream, DynOutputStream};

use super::sandbox::P2State;

/// The WIT interface the channel is offered under.
pub const INTERFACE: &str = "wetware:cell/membrane@0.1.0";

/// Bytes in flight each way before the writer waits for the reader.
const CAPACITY: usize = 64 << 10;

/// The cell's ends of a channel.
#[derive(Debug)]
pub struct CellEnds {
    reads: DuplexStream,
    writes: DuplexStream,
}

/// The host's ends of a channel: what the host writes the cell reads, and
/// the other way round.
#[derive(Debug)]
pub struct HostEnds {
    pub reader: DuplexStream,
    pub writer: DuplexStream,
}

/// A new channel's two ends.
pub fn pair() -> (HostEnds, CellEnds) {
    let (writer, reads) = tokio::io::duplex(CAPACITY);
    let (writes, reader) = tokio::io::duplex(CAPACITY);
    (HostEnds { reader, writer }, CellEnds { reads, writes })
}

type Connected = Result<(Resource<DynInputStream>, Resource<DynOutputStream>), String>;

/// Offers `connect` to the cells the linker instantiates.
pub fn add_to_linker(linker: &mut Linker<P2State>) -> wasmtime::Result<()> {
    linker
        .instance(INTERFACE)?
        .func_wrap("connect", |mut store, (): ()| -> wasmtime::Result<(Connected,)> {
            let state: &mut P2State = store.data_mut();
            let Some(ends) = state.channel.take() else {
                return Ok((Err(
                    "this cell has no membrane channel: it was granted nothing, or has connected already (a cell in vat mode has its membrane on stdio)".to_string(),
                ),));
            };
            let input: DynInputStream = Box::new(AsyncReadStream::new(ends.reads));
            let output: DynOutputStream = Box::new(AsyncWriteStream::new(CAPACITY, ends.writes));
            let input = state.table.push(input)?;
            let output = state.table.push(output)?;
            Ok((Ok((input, output)),))
        })
}
