//! WASI streams (stdin and stdout, or the membrane channel's) as
//! `futures` streams, for Cap'n Proto RPC.
//!
//! Written here rather than taken from `wstd::io`: wstd's streams offer
//! `async fn`s, while `capnp-futures` needs the poll-based `futures::io`
//! traits. These poll WASI's non-blocking stream calls and wait on the
//! streams' pollables through wstd's reactor.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use wasip2::io::streams::{InputStream, OutputStream, StreamError};
use wstd::runtime::{AsyncPollable, WaitFor};

/// A failed stdio call as an I/O error. Either way the host's end is gone
/// (the host reports a dropped reader as a failed write, "broken pipe"), so
/// it is a disconnection, which the RPC system ends on quietly; any other
/// kind it would report as the cell's failure.
fn stream_error(e: StreamError) -> io::Error {
    match e {
        StreamError::Closed => io::Error::from(io::ErrorKind::BrokenPipe),
        StreamError::LastOperationFailed(e) => {
            io::Error::new(io::ErrorKind::BrokenPipe, e.to_debug_string())
        }
    }
}

/// Polls `waiting`, if set, clearing it once ready.
fn poll_wait(waiting: &mut Option<Pin<Box<WaitFor>>>, cx: &mut Context<'_>) -> Poll<()> {
    if let Some(wait) = waiting {
        ready!(wait.as_mut().poll(cx));
        *waiting = None;
    }
    Poll::Ready(())
}

/// What a stream's reader or writer buffers. Cap'n Proto reads and writes
/// a message in pieces (its segment table, then its segments) and each
/// WASI call crosses into the host, so [`buffered`] makes that one call per
/// message. Most messages a cell exchanges are far smaller; larger reads
/// and writes bypass the buffer. Kept small because a fresh cell pays for
/// zeroing the reader's buffer on every run.
const CHUNK: usize = 8 << 10;

/// `input` and `output` buffered (see [`CHUNK`]).
pub(crate) fn buffered(
    input: Input,
    output: Output,
) -> (
    futures::io::BufReader<Input>,
    futures::io::BufWriter<Output>,
) {
    (
        futures::io::BufReader::with_capacity(CHUNK, input),
        futures::io::BufWriter::with_capacity(CHUNK, output),
    )
}

/// The process's stdin. Must be made inside `wstd::runtime::block_on`.
pub(crate) struct Input {
    // Fields drop in order: the pollable before the stream it came from.
    waiting: Option<Pin<Box<WaitFor>>>,
    ready: AsyncPollable,
    stream: InputStream,
}

impl Input {
    pub(crate) fn stdin() -> Input {
        Input::new(wasip2::cli::stdin::get_stdin())
    }

    pub(crate) fn new(stream: InputStream) -> Input {
        Input {
            waiting: None,
            ready: AsyncPollable::new(stream.subscribe()),
            stream,
        }
    }
}

impl futures::io::AsyncRead for Input {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            ready!(poll_wait(&mut this.waiting, cx));
            match this.stream.read(buf.len() as u64) {
                // Nothing yet (WASI's empty read is not the end).
                Ok(bytes) if bytes.is_empty() && !buf.is_empty() => {
                    this.waiting = Some(Box::pin(this.ready.wait_for()));
                }
                Ok(bytes) => {
                    buf[..bytes.len()].copy_from_slice(&bytes);
                    return Poll::Ready(Ok(bytes.len()));
                }
                Err(StreamError::Closed) => return Poll::Ready(Ok(0)),
                Err(e) => return Poll::Ready(Err(stream_error(e))),
            }
        }
    }
}

/// The process's stdout. Must be made inside `wstd::runtime::block_on`.
pub(crate) struct Output {
    waiting: Option<Pin<Box<WaitFor>>>,
    /// A flush was started (closing) and is waited for.
    flushing: bool,
    ready: AsyncPollable,
    stream: OutputStream,
}

impl Output {
    pub(crate) fn stdout() -> Output {
        Output::new(wasip2::cli::stdout::get_stdout())
    }

    pub(crate) fn new(stream: OutputStream) -> Output {
        Output {
            waiting: None,
            flushing: false,
            ready: AsyncPollable::new(stream.subscribe()),
            stream,
        }
    }
}

impl futures::io::AsyncWrite for Output {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            ready!(poll_wait(&mut this.waiting, cx));
            match this.stream.check_write() {
                Ok(0) => this.waiting = Some(Box::pin(this.ready.wait_for())),
                Ok(room) => {
                    let n = usize::try_from(room).unwrap_or(usize::MAX).min(buf.len());
                    return Poll::Ready(
                        this.stream
                            .write(&buf[..n])
                            .map(|()| n)
                            .map_err(stream_error),
                    );
                }
                Err(e) => return Poll::Ready(Err(stream_error(e))),
            }
        }
    }

    /// Hands nothing on: the host's end writes whatever it is handed,
    /// flushed or not, and waiting for it would suspend the cell once per
    /// message.
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Waits until the host's end has passed everything on, so nothing is
    /// lost when the cell ends.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.flushing {
            ready!(poll_wait(&mut this.waiting, cx));
            if let Err(e) = this.stream.flush() {
                return Poll::Ready(Err(stream_error(e)));
            }
            this.flushing = true;
            this.waiting = Some(Box::pin(this.ready.wait_for()));
        }
        // The stream is ready again once the flush is done.
        ready!(poll_wait(&mut this.waiting, cx));
        this.flushing = false;
        Poll::Ready(Ok(()))
    }
}
