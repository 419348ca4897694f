//! The oracle over HTTP (WAGI): `GET <route>` answers every feed,
//! `GET <route>?key=K` or `GET <route>/K` the feed `K`.

use ww_guest::json::Object;
use ww_guest::wagi::{Request, Response};

use crate::feeds::Feeds;

/// The answer to `req`, from `feeds` or the reason there are none.
pub fn respond(req: &Request, feeds: Result<&Feeds, &String>) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        return error(405, &format!("method {} not allowed", req.method))
            .header("Allow", "GET, HEAD");
    }
    // The source is the oracle's upstream: one it cannot read is a bad
    // gateway, not a fault of the request.
    let feeds = match feeds {
        Ok(feeds) => feeds,
        Err(why) => return error(502, why),
    };
    match key(req) {
        None => Response::json(200, feeds.json() + "\n"),
        Some(key) => match feeds.get(&key) {
            Ok(feed) => Response::json(200, feed.json() + "\n"),
            Err(why) => error(404, &why),
        },
    }
}

/// The key asked for: the `key` query parameter, else the rest of the path
/// after the route (`/BTC-USD`); none, or an empty one, asks for all.
fn key(req: &Request) -> Option<String> {
    req.query_param("key")
        .or_else(|| Some(req.path_decoded().trim_start_matches('/').to_owned()))
        .filter(|k| !k.is_empty())
}

fn error(status: u16, why: &str) -> Response {
    Response::json(status, Object::new().str("error", why).build() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::tests::SOURCE;

    fn answer(vars: &[(&str, &str)]) -> String {
        let feeds = Feeds::parse(SOURCE).unwrap();
        let req = Request::from_vars(vars.iter().copied());
        String::from_utf8(respond(&req, Ok(&feeds)).to_bytes().unwrap()).unwrap()
    }

    const BTC: &str = r#"{"key":"BTC-USD","value":"97012.50","asOf":"2025-01-15T12:00:00Z"}"#;

    #[test]
    fn the_route_answers_every_feed() {
        let all = format!(
            "Status: 200 OK\ncontent-type: application/json\n\n{}\n",
            Feeds::parse(SOURCE).unwrap().json()
        );
        assert_eq!(answer(&[("SCRIPT_NAME", "/oracle")]), all);
        assert_eq!(answer(&[("PATH_INFO", "/")]), all);
        assert_eq!(answer(&[("QUERY_STRING", "key=")]), all);
    }

    #[test]
    fn a_key_by_query_or_path_answers_its_feed() {
        let one = format!("Status: 200 OK\ncontent-type: application/json\n\n{BTC}\n");
        assert_eq!(answer(&[("QUERY_STRING", "key=BTC-USD")]), one);
        assert_eq!(answer(&[("PATH_INFO", "/BTC-USD")]), one);
        assert_eq!(answer(&[("PATH_INFO", "/BTC%2DUSD")]), one);
        // The query wins over the path.
        assert_eq!(
            answer(&[("PATH_INFO", "/EUR-USD"), ("QUERY_STRING", "key=BTC-USD")]),
            one
        );
    }

    #[test]
    fn an_unknown_key_is_404() {
        assert_eq!(
            answer(&[("PATH_INFO", "/DOGE-USD")]),
            "Status: 404 Not Found\ncontent-type: application/json\n\n\
             {\"error\":\"no feed named \\\"DOGE-USD\\\"; feeds: BTC-USD, EUR-USD\"}\n"
        );
    }

    #[test]
    fn other_methods_are_405() {
        let out = answer(&[("REQUEST_METHOD", "POST")]);
        assert!(out.starts_with("Status: 405 Method Not Allowed\n"), "{out}");
        assert!(out.contains("\nAllow: GET, HEAD\n"), "{out}");
        assert!(
            out.ends_with("{\"error\":\"method POST not allowed\"}\n"),
            "{out}"
        );
    }

    #[test]
    fn a_bad_source_is_502_saying_why() {
        let why = "cannot read /etc/oracle/feeds.json: no such file".to_string();
        let req = Request::from_vars([("REQUEST_METHOD", "GET")]);
        let out = String::from_utf8(respond(&req, Err(&why)).to_bytes().unwrap()).unwrap();
        assert_eq!(
            out,
            "Status: 502 Bad Gateway\ncontent-type: application/json\n\n\
             {\"error\":\"cannot read /etc/oracle/feeds.json: no such file\"}\n"
        );
    }
}
