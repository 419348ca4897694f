//! `echo`: the standard raw-mode cell (`WW_CELL_MODE=raw`). Copies stdin to
//! stdout, flushing after every chunk, until end of input; then exits 0.
//!
//! It does not look at `WW_CELL_MODE`: run in any mode it still echoes (in
//! `http` mode that makes the request body the whole CGI output).

fn main() {
    if let Err(e) = ww_guest::raw::pump(&mut ww_guest::raw::stdin(), &mut ww_guest::raw::stdout()) {
        // A peer that hangs up mid-stream is not the cell's failure to report
        // loudly, but the exit code says the copy was cut short.
        eprintln!("echo: {e}");
        std::process::exit(1);
    }
}
