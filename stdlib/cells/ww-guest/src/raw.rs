//! Raw mode (`WW_CELL_MODE=raw`): stdin and stdout are the two halves of a
//! byte stream (a libp2p stream on `/ww/0.1.0/stream/<name>`).
//!
//! There is no framing: read what the peer sends from [`stdin`], write to
//! [`stdout`] and **flush** when the peer should see it (Rust's stdout is
//! line-buffered, which is wrong for binary protocols). End of input is the
//! peer closing its side; returning from `main` closes ours.
//!
//! ```no_run
//! // An echo cell.
//! fn main() -> std::io::Result<()> {
//!     ww_guest::raw::pump(&mut ww_guest::raw::stdin(), &mut ww_guest::raw::stdout())?;
//!     Ok(())
//! }
//! ```

use std::io::{self, ErrorKind, Read, Write};

/// The read half of the stream: the process's stdin, locked.
pub fn stdin() -> io::StdinLock<'static> {
    io::stdin().lock()
}

/// The write half of the stream: the process's stdout, locked. Flush after
/// each message (or use [`pump`], which does).
pub fn stdout() -> io::StdoutLock<'static> {
    io::stdout().lock()
}

/// Copies `from` to `to` until end of input, flushing after every chunk read
/// so the peer sees bytes as soon as they arrive (unlike [`io::copy`], which
/// leaves them in `to`'s buffer). Returns the number of bytes copied.
///
/// Interrupted reads are retried; any other error ends the copy.
///
/// ```
/// let mut out = Vec::new();
/// let n = ww_guest::raw::pump(&mut &b"ping\n"[..], &mut out).unwrap();
/// assert_eq!((n, out.as_slice()), (5, &b"ping\n"[..]));
/// ```
pub fn pump<R: Read + ?Sized, W: Write + ?Sized>(from: &mut R, to: &mut W) -> io::Result<u64> {
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        to.write_all(&buf[..n])?;
        to.flush()?;
        total += n as u64;
    }
    to.flush()?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte at a time and is interrupted once.
    struct Trickle {
        data: Vec<u8>,
        interrupted: bool,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if !self.interrupted {
                self.interrupted = true;
                return Err(ErrorKind::Interrupted.into());
            }
            if self.data.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.data.remove(0);
            Ok(1)
        }
    }

    /// A writer that records how many bytes had been flushed.
    #[derive(Default)]
    struct Flushes {
        data: Vec<u8>,
        flushed_at: Vec<usize>,
    }

    impl Write for Flushes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.data.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            self.flushed_at.push(self.data.len());
            Ok(())
        }
    }

    #[test]
    fn pump_copies_everything_and_flushes_each_chunk() {
        let mut r = Trickle {
            data: b"abc".to_vec(),
            interrupted: false,
        };
        let mut w = Flushes::default();
        assert_eq!(pump(&mut r, &mut w).unwrap(), 3);
        assert_eq!(w.data, b"abc");
        assert_eq!(w.flushed_at, [1, 2, 3, 3]);
    }

    #[test]
    fn pump_of_empty_input() {
        let mut out = Vec::new();
        assert_eq!(pump(&mut io::empty(), &mut out).unwrap(), 0);
        assert!(out.is_empty());
    }

    #[test]
    fn pump_copies_more_than_one_buffer() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut out = Vec::new();
        assert_eq!(
            pump(&mut data.as_slice(), &mut out).unwrap(),
            data.len() as u64
        );
        assert_eq!(out, data);
    }

    #[test]
    fn pump_reports_read_errors() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("gone"))
            }
        }
        let err = pump(&mut Broken, &mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "gone");
    }
}
