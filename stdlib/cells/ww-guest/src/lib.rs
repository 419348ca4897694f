//! Guest SDK for Wetware cells written in Rust.
//!
//! A cell is a WebAssembly component (`wasm32-wasip2`, or a preview-1 core
//! module) that the `ww` host runs with zero ambient authority: no host
//! environment, no host files (an image's read-only file system and a private
//! `/tmp` only), no sockets, no DNS. How its stdio is used depends on the mode
//! the host announces in the `WW_CELL_MODE` environment variable ([`mode`]):
//!
//! | `WW_CELL_MODE` | stdio carries | this crate |
//! |---|---|---|
//! | `http` | one HTTP request and its response, WAGI / CGI 1.1 | [`wagi`] |
//! | `raw` | a byte stream (a libp2p stream) | [`raw`] |
//! | `vat` | Cap'n Proto RPC with the host | [`vat`] |
//! | (absent) | the kernel's host channel | not yet |
//!
//! A WAGI cell in full:
//!
//! ```no_run
//! use ww_guest::wagi::{Request, Response};
//!
//! fn main() {
//!     let req = Request::from_env();
//!     let name = req.query_param("name").unwrap_or_else(|| "world".into());
//!     let _ = Response::text(200, format!("hello, {name}\n")).send();
//! }
//! ```
//!
//! Everything that parses or formats takes explicit inputs (an environment as
//! name/value pairs, a `Write`r), so it is tested on the host; only the
//! `from_env` / `send` / `body` conveniences touch the process.

pub mod json;
pub mod raw;
pub mod schema;
pub mod vat;
pub mod wagi;

/// Ends the cell with exit code `code`, which the host reports as it is.
///
/// Use this rather than `std::process::exit`: on `wasm32-wasip2`, Rust's
/// standard library reports every non-zero code as 1 (WASI 0.2's stable
/// `exit` carries only success or failure); this calls
/// `wasi:cli/exit#exit-with-code`, which carries the code.
pub fn exit(code: u8) -> ! {
    #[cfg(target_os = "wasi")]
    {
        wasip2::cli::exit::exit_with_code(code);
        // The host ends the cell in the call; this is not reached.
        unreachable!("exit-with-code returned");
    }
    #[cfg(not(target_os = "wasi"))]
    std::process::exit(i32::from(code))
}

/// The environment variable in which the host announces the cell's mode.
pub const MODE_VAR: &str = "WW_CELL_MODE";

/// How the host wired the cell's stdio, from `WW_CELL_MODE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `vat`: stdio carries Cap'n Proto RPC.
    Vat,
    /// `raw`: stdio is a byte stream.
    Raw,
    /// `http`: one WAGI (CGI 1.1) request on the environment and stdin, the
    /// response on stdout.
    Http,
    /// No `WW_CELL_MODE` at all: the kernel (pid0), which holds the full
    /// membrane. Also what a cell sees when run outside `ww`.
    Kernel,
    /// A value this SDK does not know (kept verbatim).
    Other(String),
}

impl Mode {
    /// The mode for a `WW_CELL_MODE` value (`None` when the variable is unset).
    ///
    /// ```
    /// use ww_guest::Mode;
    /// assert_eq!(Mode::from_value(Some("http")), Mode::Http);
    /// assert_eq!(Mode::from_value(None), Mode::Kernel);
    /// ```
    pub fn from_value(value: Option<&str>) -> Mode {
        match value {
            None => Mode::Kernel,
            Some("vat") => Mode::Vat,
            Some("raw") => Mode::Raw,
            Some("http") => Mode::Http,
            Some(other) => Mode::Other(other.to_owned()),
        }
    }

    /// The `WW_CELL_MODE` value for this mode (`None` for [`Mode::Kernel`]).
    pub fn as_value(&self) -> Option<&str> {
        match self {
            Mode::Vat => Some("vat"),
            Mode::Raw => Some("raw"),
            Mode::Http => Some("http"),
            Mode::Kernel => None,
            Mode::Other(s) => Some(s),
        }
    }
}

/// The mode this cell runs in, read from `WW_CELL_MODE`.
///
/// A value that is not valid Unicode counts as [`Mode::Other`] (lossily
/// converted); an unset variable is [`Mode::Kernel`].
pub fn mode() -> Mode {
    match std::env::var_os(MODE_VAR) {
        None => Mode::Kernel,
        Some(v) => Mode::from_value(Some(&v.to_string_lossy())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip() {
        for v in ["vat", "raw", "http", "something-else"] {
            assert_eq!(Mode::from_value(Some(v)).as_value(), Some(v));
        }
        assert_eq!(Mode::from_value(None).as_value(), None);
        assert_eq!(Mode::from_value(Some("")), Mode::Other(String::new()));
        // Case matters: the host writes the lower-case names.
        assert_eq!(Mode::from_value(Some("HTTP")), Mode::Other("HTTP".into()));
    }
}
