//! `ByteStream` over tokio streams: a cell's stdio, a pipe, a network
//! stream.

use std::rc::Rc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::Mutex;

use crate::schema::stream_capnp::byte_stream;

/// The most one `read` returns, whatever it asks for: a reply is one
/// message, and messages are kept small.
const MAX_READ: u32 = 1 << 20;

type Reader = Box<dyn AsyncRead + Unpin>;
type Writer = Box<dyn AsyncWrite + Unpin>;

/// A byte stream read from `reader` and written to `writer` (either may be
/// absent: stdin is only written, stdout only read).
///
/// The halves sit behind async mutexes, which queue waiters in order, so
/// calls are applied in the order they arrived even while one waits.
pub struct ByteStream {
    reader: Option<Mutex<Reader>>,
    /// `None` inside once closed.
    writer: Option<Mutex<Option<Writer>>>,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("readable", &self.reader.is_some())
            .field("writable", &self.writer.is_some())
            .finish()
    }
}

impl ByteStream {
    /// A stream that reads from `reader` and writes to `writer`.
    pub fn new(
        reader: Option<impl AsyncRead + Unpin + 'static>,
        writer: Option<impl AsyncWrite + Unpin + 'static>,
    ) -> ByteStream {
        ByteStream {
            reader: reader.map(|r| Mutex::new(Box::new(r) as Reader)),
            writer: writer.map(|w| Mutex::new(Some(Box::new(w) as Writer))),
        }
    }

    /// This stream as a capability to hand out.
    pub fn client(self) -> byte_stream::Client {
        capnp_rpc::new_client(self)
    }
}

fn io_error(what: &str, e: std::io::Error) -> capnp::Error {
    if matches!(
        e.kind(),
        std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
    ) {
        return capnp::Error::disconnected(format!("the stream's other end is gone ({what})"));
    }
    capnp::Error::failed(format!("{what} failed: {e}"))
}

impl byte_stream::Server for ByteStream {
    async fn write(
        self: Rc<Self>,
        params: byte_stream::WriteParams,
        _: byte_stream::WriteResults,
    ) -> Result<(), capnp::Error> {
        let data = params.get()?.get_data()?;
        let Some(writer) = &self.writer else {
            return Err(capnp::Error::failed(
                "this stream is read-only: it cannot be written".into(),
            ));
        };
        let mut writer = writer.lock().await;
        let Some(w) = writer.as_mut() else {
            return Err(capnp::Error::failed(
                "the stream is closed: nothing more can be written".into(),
            ));
        };
        w.write_all(data).await.map_err(|e| io_error("write", e))?;
        w.flush().await.map_err(|e| io_error("write", e))
    }

    async fn read(
        self: Rc<Self>,
        params: byte_stream::ReadParams,
        mut results: byte_stream::ReadResults,
    ) -> Result<(), capnp::Error> {
        let max = params.get()?.get_max().min(MAX_READ) as usize;
        let Some(reader) = &self.reader else {
            return Err(capnp::Error::failed(
                "this stream is write-only: it cannot be read".into(),
            ));
        };
        // Read into spare capacity: zeroing `max` bytes first (64 KiB for
        // a route's reads) cost more than the read on small responses.
        let mut buf = Vec::with_capacity(max);
        if max > 0 {
            reader
                .lock()
                .await
                .read_buf(&mut buf)
                .await
                .map_err(|e| io_error("read", e))?;
        }
        results.get().set_data(&buf);
        Ok(())
    }

    async fn close(
        self: Rc<Self>,
        _: byte_stream::CloseParams,
        _: byte_stream::CloseResults,
    ) -> Result<(), capnp::Error> {
        let Some(writer) = &self.writer else {
            return Ok(());
        };
        if let Some(mut w) = writer.lock().await.take() {
            w.shutdown().await.map_err(|e| io_error("close", e))?;
        }
        Ok(())
    }
}
