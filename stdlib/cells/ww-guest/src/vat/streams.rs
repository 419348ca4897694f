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

/// The most one call asks of (or hands to) the host: what the host's end
/// of a stream buffers.
const CHUNK: usize = 64 << 10;

/// The process's stdin. Must be made inside `wstd::runtime::block_on`.
///
/// Reads are buffered: Cap'n Proto reads a message in pieces (its segment
/// table, then its segments), and each WASI call crosses into the host.
pub(crate) struct Input {
    // Fields drop in order: the pollable before the stream it came from.
    waiting: Option<Pin<Box<WaitFor>>>,
    ready: AsyncPollable,
    stream: InputStream,
    /// What the host gave and the reader has not taken yet, from `taken`.
    buffered: Vec<u8>,
    taken: usize,
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
            buffered: Vec::new(),
            taken: 0,
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
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        loop {
            if this.taken < this.buffered.len() {
                let n = (this.buffered.len() - this.taken).min(buf.len());
                buf[..n].copy_from_slice(&this.buffered[this.taken..this.taken + n]);
                this.taken += n;
                return Poll::Ready(Ok(n));
            }
            ready!(poll_wait(&mut this.waiting, cx));
            match this.stream.read(CHUNK.max(buf.len()) as u64) {
                // Nothing yet (WASI's empty read is not the end).
                Ok(bytes) if bytes.is_empty() => {
                    this.waiting = Some(Box::pin(this.ready.wait_for()));
                }
                Ok(bytes) => {
                    this.buffered = bytes;
                    this.taken = 0;
                }
                Err(StreamError::Closed) => return Poll::Ready(Ok(0)),
                Err(e) => return Poll::Ready(Err(stream_error(e))),
            }
        }
    }
}

/// The process's stdout. Must be made inside `wstd::runtime::block_on`.
///
/// Writes are gathered until a flush and handed to the host in one call
/// (see [`Input`]). A flush does not wait for the host to pass the bytes
/// on: the host's end writes whatever it is handed, flushed or not, and
/// waiting would suspend the cell once per message. Closing does wait, so
/// nothing is lost when the cell ends.
pub(crate) struct Output {
    waiting: Option<Pin<Box<WaitFor>>>,
    /// A flush of the host's end was started and is waited for (closing).
    flushing: bool,
    ready: AsyncPollable,
    stream: OutputStream,
    /// Written, not yet handed to the host.
    pending: Vec<u8>,
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
            pending: Vec::new(),
        }
    }

    /// Hands everything pending to the host, waiting for room if it has
    /// none.
    fn poll_hand_over(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            ready!(poll_wait(&mut self.waiting, cx));
            match self.stream.check_write() {
                Ok(0) => self.waiting = Some(Box::pin(self.ready.wait_for())),
                Ok(room) => {
                    let n = usize::try_from(room)
                        .unwrap_or(usize::MAX)
                        .min(self.pending.len());
                    if let Err(e) = self.stream.write(&self.pending[..n]) {
                        return Poll::Ready(Err(stream_error(e)));
                    }
                    self.pending.drain(..n);
                }
                Err(e) => return Poll::Ready(Err(stream_error(e))),
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl futures::io::AsyncWrite for Output {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.len() >= CHUNK {
            ready!(this.poll_hand_over(cx))?;
        }
        this.pending.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_hand_over(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.flushing {
            ready!(this.poll_hand_over(cx))?;
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
