//! `oracle`: the standard cell of the oracle example. It serves data
//! feeds read from a JSON file of its image (`ORACLE_FEEDS`, else
//! `/etc/oracle/feeds.json`), the same data in either mode:
//!
//! - `vat`: an `Oracle` (`schema/oracle.capnp`), `get(key)` and `keys()`;
//! - `http` (WAGI): `GET` on its route answers every feed as JSON, with
//!   `?key=K` or `/K` after the route the feed `K` (404 if there is none);
//!   other methods are 405.
//!
//! A source that cannot be read or is not feeds is an error saying why:
//! every RPC call gets it and the cell exits 1, or the HTTP answer is 502.

mod feeds;
mod http;
mod vat;

use ww_guest::Mode;
use ww_guest::wagi::Request;

use feeds::Feeds;

/// The variable naming the source, and the source without it.
const FEEDS_VAR: &str = "ORACLE_FEEDS";
const DEFAULT_FEEDS: &str = "/etc/oracle/feeds.json";

fn main() {
    let path = std::env::var(FEEDS_VAR).unwrap_or_else(|_| DEFAULT_FEEDS.to_owned());
    let feeds = Feeds::load(&path);
    match ww_guest::mode() {
        Mode::Vat => {
            if let Err(e) = vat::serve(feeds) {
                fail(&e.to_string());
            }
        }
        Mode::Http => {
            if let Err(why) = &feeds {
                eprintln!("oracle: {why}");
            }
            let response = http::respond(&Request::from_env(), feeds.as_ref());
            if let Err(e) = response.send() {
                fail(&format!("cannot write the response: {e}"));
            }
        }
        other => fail(&format!(
            "serves in vat or http mode, not {}",
            other.as_value().unwrap_or("kernel mode")
        )),
    }
}

fn fail(why: &str) -> ! {
    eprintln!("oracle: {why}");
    ww_guest::exit(1)
}
