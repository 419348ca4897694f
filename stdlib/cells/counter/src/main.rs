//! `counter`: the standard WAGI (`WW_CELL_MODE=http`) example of state.
//!
//! A WAGI cell is a fresh process per request with no memory of earlier ones,
//! and its `/tmp` is private to that process, so the cell cannot keep a count
//! itself. The count lives with the client instead, which is honest and
//! works with both curl and browsers:
//!
//! - the previous count comes from the `n` query parameter
//!   (`/counter?n=41`), else from the `ww-counter` cookie, else it is 0;
//! - the answer is that count plus one, as JSON
//!   `{"count":42,"next":"/counter?n=42"}`, with
//!   `Set-Cookie: ww-counter=42; Path=/counter; SameSite=Strict`, so a
//!   client that keeps cookies (a browser, `curl -b jar -c jar`) counts up on
//!   every request and one that follows `next` does too.
//!
//! A count that is not a decimal number below 2^64 − 1 answers `400` with
//! `{"error":"..."}`.

use ww_guest::json::Object;
use ww_guest::wagi::{Request, Response};

/// The cookie that carries the count between requests.
const COOKIE: &str = "ww-counter";

fn main() {
    let resp = respond(&Request::from_env());
    if let Err(e) = resp.send() {
        eprintln!("counter: cannot write the response: {e}");
        std::process::exit(1);
    }
}

fn respond(req: &Request) -> Response {
    let (previous, source) = match req.query_param("n") {
        Some(n) => (n, "query parameter n"),
        None => match req.cookie(COOKIE) {
            Some(c) => (c.to_owned(), "cookie ww-counter"),
            None => ("0".to_owned(), ""),
        },
    };
    let count = match previous.parse::<u64>().ok().and_then(|n| n.checked_add(1)) {
        Some(count) => count,
        None => {
            let error = format!(
                "{source} must be a count from 0 to {}, not {previous:?}",
                u64::MAX - 1
            );
            return Response::json(400, Object::new().str("error", &error).build() + "\n");
        }
    };
    // The cookie is scoped to the route the cell is mounted at, when that
    // route is safe to put in a cookie attribute.
    let route = req.script_name.as_deref().filter(|s| {
        s.starts_with('/')
            && !s.contains(|c: char| c == ';' || c == ',' || c.is_whitespace() || c.is_control())
    });
    let body = Object::new()
        .num("count", count)
        .str("next", &format!("{}?n={count}", route.unwrap_or("")))
        .build();
    Response::json(200, body + "\n").header(
        "Set-Cookie",
        format!(
            "{COOKIE}={count}; Path={}; SameSite=Strict",
            route.unwrap_or("/")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(vars: &[(&str, &str)]) -> String {
        String::from_utf8(
            respond(&Request::from_vars(vars.iter().copied()))
                .to_bytes()
                .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn counts_from_zero() {
        assert_eq!(
            answer(&[("SCRIPT_NAME", "/counter")]),
            "Status: 200 OK\ncontent-type: application/json\n\
             Set-Cookie: ww-counter=1; Path=/counter; SameSite=Strict\n\n\
             {\"count\":1,\"next\":\"/counter?n=1\"}\n"
        );
    }

    #[test]
    fn query_wins_over_cookie() {
        let out = answer(&[("QUERY_STRING", "n=41"), ("HTTP_COOKIE", "ww-counter=7")]);
        assert!(out.contains("{\"count\":42,\"next\":\"?n=42\"}"), "{out}");
        assert!(
            out.contains("Set-Cookie: ww-counter=42; Path=/; SameSite=Strict\n"),
            "{out}"
        );
        let out = answer(&[("HTTP_COOKIE", "other=1; ww-counter=7")]);
        assert!(out.contains("{\"count\":8,"), "{out}");
    }

    #[test]
    fn bad_counts_are_400() {
        for n in ["x", "-1", "18446744073709551615", ""] {
            let out = answer(&[("QUERY_STRING", &format!("n={n}"))]);
            assert!(out.starts_with("Status: 400 Bad Request\n"), "{n}: {out}");
            assert!(
                out.contains("{\"error\":\"query parameter n must be a count"),
                "{n}: {out}"
            );
        }
        let out = answer(&[("HTTP_COOKIE", "ww-counter=abc"), ("SCRIPT_NAME", "/a b")]);
        assert!(out.contains("cookie ww-counter must be"), "{out}");
        // An unsafe route is not put in the cookie.
        let out = answer(&[("SCRIPT_NAME", "/a;b")]);
        assert!(out.contains("Path=/;"), "{out}");
    }
}
