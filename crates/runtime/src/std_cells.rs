//! The standard cells embedded in `ww`: WebAssembly components
//! (`wasm32-wasip2`) built from `stdlib/cells/` by the build script
//! (`build.rs`), never committed as binaries.
//!
//! Each is a WASI preview-2 command: its `wasi:cli/run` export is the
//! program, and it reads its mode from `WW_CELL_MODE`. See
//! `stdlib/cells/README.md` for what each one answers.

/// `status` (WAGI, `WW_CELL_MODE=http`): `GET`/`HEAD` answers `200`
/// `application/json` with
/// `{"status":"ok","cell":"status","version":V,"mode":M}` (`V` from
/// `SERVER_SOFTWARE=ww/<version>` if the host sets it, else the cell's own
/// version; `M` is `WW_CELL_MODE` or `null`); any other method answers `405`
/// with `Allow: GET, HEAD`. Served at `/status` by
/// `etc/init.d/05-status.glia` as `bin/status.wasm`.
pub const STATUS: &[u8] = include_bytes!(env!("WW_CELL_STATUS"));

/// `echo` (raw, `WW_CELL_MODE=raw`): copies stdin to stdout, flushing each
/// chunk, until end of input; exits 0 (1 if the stream broke).
pub const ECHO: &[u8] = include_bytes!(env!("WW_CELL_ECHO"));

/// `counter` (WAGI, `WW_CELL_MODE=http`): a cell keeps no state between
/// requests, so the client carries it. The previous count comes from the `n`
/// query parameter, else the `ww-counter` cookie, else 0; the answer is `200`
/// `{"count":N+1,"next":"<SCRIPT_NAME>?n=N+1"}` with
/// `Set-Cookie: ww-counter=N+1; Path=<SCRIPT_NAME or />; SameSite=Strict`,
/// or `400` `{"error":"..."}` for a count that is not a number.
pub const COUNTER: &[u8] = include_bytes!(env!("WW_CELL_COUNTER"));

/// `greeter` (`WW_CELL_MODE=vat`): serves a `Greeter`
/// (`schema/greeter.capnp`); `greet` answers `<GREETING>, <name>!`
/// (`GREETING` from its environment, else `Hello`; an empty name is
/// `stranger`, one over 256 bytes an error) and the count of greetings
/// this process has made. No grants. The service of `examples/greeter`.
pub const GREETER: &[u8] = include_bytes!(env!("WW_CELL_GREETER"));

/// `oracle` (`WW_CELL_MODE=vat` or `http`): serves the data feeds of a
/// JSON file of its image (`ORACLE_FEEDS`, else `/etc/oracle/feeds.json`),
/// as an `Oracle` (`schema/oracle.capnp`) in vat mode and as JSON over
/// WAGI (`GET` on its route: every feed; `?key=K` or `/K`: one, 404 for a
/// key it has none for). A source it cannot read is an error on every
/// call, or a 502. The service of `examples/oracle`.
pub const ORACLE: &[u8] = include_bytes!(env!("WW_CELL_ORACLE"));

/// The standard cells by name: every node's image has each as
/// `bin/<name>.wasm` (the embedded default layer).
pub const ALL: [(&str, &[u8]); 5] = [
    ("status", STATUS),
    ("echo", ECHO),
    ("counter", COUNTER),
    ("greeter", GREETER),
    ("oracle", ORACLE),
];

/// Test fixtures, not standard cells: embedded so that unit and end-to-end
/// tests need no toolchain of their own (they are small). Nothing outside
/// tests should run them.
pub mod fixtures {
    /// `envdump`: prints `{"env":{NAME:VALUE,...},"args":[ARGV0,...]}` and a
    /// newline: the environment in the order given, the whole argv; exits 0,
    /// or N if its last argument is `exit=N` (with `wasi:cli/exit`'s
    /// `exit-with-code`, so every code arrives as it is). In `http`
    /// mode the same JSON goes out as a WAGI response (`Status: 200 OK`,
    /// `content-type: application/json`); in any other mode it is all of
    /// stdout.
    pub const ENVDUMP: &[u8] = include_bytes!(env!("WW_CELL_ENVDUMP"));

    /// `escape`: tries each way out of the sandbox and prints one JSON line
    /// per attempt, `{"attempt":NAME,"ok":BOOL,...}`, where `ok` means the
    /// operation succeeded (for an escape, a hole); failures carry
    /// `"error"`. argv\[0\] is the program name; the rest name the attempts:
    /// none runs `socket dns read-passwd list-root env-home env-path
    /// write-root write-dotdot write-tmp` (`write-tmp` is the control: the
    /// private `/tmp` should work); `memory` / `memory=MIB` (allocate 1 MiB
    /// blocks until refused or MIB held; reports `allocated_mib`) and
    /// `spin` (prints `{"attempt":"spin","started":true}` then loops
    /// forever) run only when named. Exit 0 after the attempts; an unknown
    /// one fails (exit 1 as a host sees it: WASI 0.2's `exit` carries only
    /// success or failure). Full table in
    /// `stdlib/cells/fixtures/escape/src/main.rs`.
    pub const ESCAPE: &[u8] = include_bytes!(env!("WW_CELL_ESCAPE"));

    /// `shout` (`vat` mode): grafts its membrane, writes `hello from a vat
    /// cell\n` to the `ByteStream` granted as `out`, and serves a
    /// `ByteStream` that writes what it is given to `out` upper-cased
    /// (closing it closes `out`), until the host hangs up; exit 0. Without
    /// an `out` grant it reports so on stderr and exits 1.
    pub const SHOUT: &[u8] = include_bytes!(env!("WW_CELL_SHOUT"));

    /// `boot` (kernel mode, an image's `boot/main.wasm`): prints `boot:
    /// granted <names>; peer <host's id>`, what the image's `/etc/hello`
    /// holds and whether writing it was refused, and exits with the code
    /// given as its first argument (0 if none).
    pub const BOOT: &[u8] = include_bytes!(env!("WW_CELL_BOOT"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Components start with the wasm magic and the component-model layer
    /// (version 0x0d, layer 1), unlike core modules (version 1, layer 0).
    #[test]
    fn cells_are_components() {
        let component_header = b"\0asm\x0d\0\x01\0";
        for (name, bytes) in ALL
            .into_iter()
            .chain([("envdump", fixtures::ENVDUMP), ("escape", fixtures::ESCAPE)])
        {
            assert!(
                bytes.starts_with(component_header),
                "{name} is not a wasm component"
            );
            assert!(
                bytes.len() < 1 << 20,
                "{name} is {} bytes: the cells should stay small",
                bytes.len()
            );
        }
    }
}
