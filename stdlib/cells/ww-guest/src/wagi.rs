//! HTTP mode (`WW_CELL_MODE=http`): WAGI, i.e. CGI 1.1 (RFC 3875) for
//! WebAssembly.
//!
//! The host runs one cell process per request. The request arrives as
//! environment variables (`REQUEST_METHOD`, `PATH_INFO`, `QUERY_STRING`,
//! `SERVER_NAME`, `SERVER_PORT`, `SERVER_PROTOCOL`, `GATEWAY_INTERFACE`,
//! `CONTENT_TYPE`, `CONTENT_LENGTH`, and one `HTTP_<NAME>` per request
//! header) with the body on stdin; [`Request`] reads them. The response is
//! written to stdout as CGI output: header lines, a blank line, then the body;
//! a `Status:` header sets the code (else 200) and the host adds
//! `Content-Type: text/plain` when the cell gives none. [`Response`] writes it.
//!
//! ```no_run
//! use ww_guest::wagi::{Request, Response};
//!
//! let req = Request::from_env();
//! let resp = match req.path.as_str() {
//!     "/" => Response::text(200, "home\n"),
//!     _ => Response::text(404, "no such page\n"),
//! };
//! resp.send().expect("stdout is the response");
//! ```

use std::io::{self, ErrorKind, Read, Write};

/// One WAGI request, as the host describes it in the environment.
///
/// The fields are the CGI variables; `None` (or an empty string for the
/// always-present ones) where the host did not set them. Build one with
/// [`Request::from_env`] in a cell and [`Request::from_vars`] in tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Request {
    /// `REQUEST_METHOD`, e.g. `GET` (`GET` if unset).
    pub method: String,
    /// `PATH_INFO`: the request's path as the client sent it (still
    /// percent-encoded; empty if unset).
    pub path: String,
    /// `QUERY_STRING`, still encoded, without the `?` (empty if unset). See
    /// [`Request::query_pairs`].
    pub query: String,
    /// The request headers, from the `HTTP_*` variables: names lower-cased
    /// with `_` turned into `-` (`HTTP_X_REQUEST_ID` → `x-request-id`), in
    /// the order the host listed them. `Content-Type` and `Content-Length`
    /// are not here (CGI passes them as [`Request::content_type`] and
    /// [`Request::content_length`]).
    pub headers: Vec<(String, String)>,
    /// `CONTENT_TYPE` of the request body.
    pub content_type: Option<String>,
    /// `CONTENT_LENGTH` of the request body; `None` when unset, empty or not
    /// a number.
    pub content_length: Option<u64>,
    /// `SCRIPT_NAME`: the route the cell is mounted at.
    pub script_name: Option<String>,
    /// `SERVER_NAME`.
    pub server_name: Option<String>,
    /// `SERVER_PORT`.
    pub server_port: Option<String>,
    /// `SERVER_PROTOCOL`, e.g. `HTTP/1.1`.
    pub server_protocol: Option<String>,
    /// `SERVER_SOFTWARE`, e.g. `ww/0.1.0`.
    pub server_software: Option<String>,
    /// `GATEWAY_INTERFACE`, `CGI/1.1`.
    pub gateway_interface: Option<String>,
    /// `REMOTE_ADDR`, if the host discloses it.
    pub remote_addr: Option<String>,
    /// Every variable, as given (for anything the fields above leave out).
    pub vars: Vec<(String, String)>,
}

impl Request {
    /// The request described by this process's environment. Variables that
    /// are not valid Unicode are converted lossily.
    pub fn from_env() -> Request {
        Request::from_vars(std::env::vars_os().map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        }))
    }

    /// The request described by these environment variables.
    ///
    /// ```
    /// use ww_guest::wagi::Request;
    /// let req = Request::from_vars([
    ///     ("REQUEST_METHOD", "POST"),
    ///     ("PATH_INFO", "/items"),
    ///     ("QUERY_STRING", "tag=a%20b"),
    ///     ("CONTENT_LENGTH", "2"),
    ///     ("HTTP_X_REQUEST_ID", "42"),
    /// ]);
    /// assert_eq!(req.method, "POST");
    /// assert_eq!(req.query_param("tag").as_deref(), Some("a b"));
    /// assert_eq!(req.header("X-Request-Id"), Some("42"));
    /// assert_eq!(req.content_length, Some(2));
    /// ```
    pub fn from_vars<I, K, V>(vars: I) -> Request
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars: Vec<(String, String)> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let get = |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let headers = vars
            .iter()
            .filter_map(|(k, v)| {
                let name = k.strip_prefix("HTTP_")?;
                (!name.is_empty()).then(|| (header_name_from_cgi(name), v.clone()))
            })
            .collect();
        Request {
            method: get("REQUEST_METHOD").unwrap_or_else(|| "GET".to_owned()),
            path: get("PATH_INFO").unwrap_or_default(),
            query: get("QUERY_STRING").unwrap_or_default(),
            headers,
            content_type: get("CONTENT_TYPE").filter(|s| !s.is_empty()),
            content_length: get("CONTENT_LENGTH").and_then(|s| s.trim().parse().ok()),
            script_name: get("SCRIPT_NAME"),
            server_name: get("SERVER_NAME"),
            server_port: get("SERVER_PORT"),
            server_protocol: get("SERVER_PROTOCOL"),
            server_software: get("SERVER_SOFTWARE"),
            gateway_interface: get("GATEWAY_INTERFACE"),
            remote_addr: get("REMOTE_ADDR"),
            vars,
        }
    }

    /// The value of a CGI variable by its exact name.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first request header called `name`, compared case-insensitively
    /// with `-` and `_` alike (`"x-request-id"`, `"X_Request_Id"`).
    pub fn header(&self, name: &str) -> Option<&str> {
        let want = header_name_from_cgi(name);
        self.headers
            .iter()
            .find(|(k, _)| *k == want)
            .map(|(_, v)| v.as_str())
    }

    /// The query string decoded as `application/x-www-form-urlencoded`
    /// pairs: split on `&`, `+` read as a space, `%XX` escapes decoded
    /// (lossily, if they do not form UTF-8), a pair without `=` has an empty
    /// value, empty pieces are skipped.
    ///
    /// ```
    /// let req = ww_guest::wagi::Request::from_vars([("QUERY_STRING", "a=1&b&c=x+y%21&&a=2")]);
    /// assert_eq!(
    ///     req.query_pairs(),
    ///     [("a", "1"), ("b", ""), ("c", "x y!"), ("a", "2")].map(|(k, v)| (k.to_owned(), v.to_owned()))
    /// );
    /// ```
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        parse_form(&self.query)
    }

    /// [`Request::path`] with its `%XX` escapes decoded (lossily, if they
    /// do not form UTF-8). Unlike in a query, `+` stays `+`.
    ///
    /// ```
    /// let req = ww_guest::wagi::Request::from_vars([("PATH_INFO", "/EUR%2FUSD+1")]);
    /// assert_eq!(req.path_decoded(), "/EUR/USD+1");
    /// ```
    pub fn path_decoded(&self) -> String {
        percent_decode(&self.path, false)
    }

    /// The first query parameter called `name`, decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The value of cookie `name` from the `Cookie` request header(s).
    ///
    /// ```
    /// let req = ww_guest::wagi::Request::from_vars([("HTTP_COOKIE", "a=1; n=41")]);
    /// assert_eq!(req.cookie("n"), Some("41"));
    /// ```
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "cookie")
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim_matches('"'))
    }

    /// Reads the request body from stdin (see [`Request::read_body`]).
    /// Call it once: stdin is consumed.
    pub fn body(&self) -> io::Result<Vec<u8>> {
        self.read_body(&mut io::stdin().lock())
    }

    /// Reads the request body from `input`: exactly `CONTENT_LENGTH` bytes
    /// when that is set (an `UnexpectedEof` error if the input ends sooner;
    /// anything after them is left unread), else everything up to end of
    /// input.
    ///
    /// ```
    /// let req = ww_guest::wagi::Request::from_vars([("CONTENT_LENGTH", "3")]);
    /// assert_eq!(req.read_body(&mut &b"abcdef"[..]).unwrap(), b"abc");
    /// ```
    pub fn read_body<R: Read + ?Sized>(&self, input: &mut R) -> io::Result<Vec<u8>> {
        let mut body = Vec::new();
        match self.content_length {
            None => {
                input.read_to_end(&mut body)?;
            }
            Some(len) => {
                // Do not trust the length for an up-front allocation.
                body.reserve(len.min(1 << 20) as usize);
                input.take(len).read_to_end(&mut body)?;
                if (body.len() as u64) < len {
                    return Err(io::Error::new(
                        ErrorKind::UnexpectedEof,
                        format!(
                            "request body ended after {} of {len} bytes (CONTENT_LENGTH)",
                            body.len()
                        ),
                    ));
                }
            }
        }
        Ok(body)
    }

    /// [`Request::body`] as UTF-8 text (an `InvalidData` error if it is not).
    pub fn body_text(&self) -> io::Result<String> {
        String::from_utf8(self.body()?).map_err(|e| io::Error::new(ErrorKind::InvalidData, e))
    }
}

/// `X_REQUEST_ID` / `X-Request-Id` → `x-request-id`.
fn header_name_from_cgi(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Decodes `application/x-www-form-urlencoded` text.
fn parse_form(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// `%XX` → byte, and `+` → space if `plus_is_space` (a form, not a path);
/// a `%` not followed by two hex digits is kept.
fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// A WAGI response: status, headers and body, written as CGI output.
///
/// ```
/// use ww_guest::wagi::Response;
/// let out = Response::json(201, r#"{"id":7}"#).header("Location", "/items/7").to_bytes().unwrap();
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "Status: 201 Created\ncontent-type: application/json\nLocation: /items/7\n\n{\"id\":7}"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Default for Response {
    fn default() -> Self {
        Response::new(200)
    }
}

impl Response {
    /// An empty response with this status code and no headers (the host will
    /// label it `text/plain`).
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A `text/plain; charset=utf-8` response.
    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response::new(status)
            .header("content-type", "text/plain; charset=utf-8")
            .body(body.into())
    }

    /// An `application/json` response; `body` must already be JSON text (see
    /// [`crate::json`]).
    pub fn json(status: u16, body: impl Into<String>) -> Response {
        Response::new(status)
            .header("content-type", "application/json")
            .body(body.into())
    }

    /// Sets header `name` to `value`, replacing any earlier header of that
    /// name (compared case-insensitively). Checked when written: see
    /// [`Response::write_to`].
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Response {
        let name = name.into();
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }

    /// Adds a header line, keeping earlier ones of the same name (for
    /// `Set-Cookie` and the like).
    pub fn append_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }

    /// Replaces the status code.
    pub fn with_status(mut self, status: u16) -> Response {
        self.status = status;
        self
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body.
    pub fn body_bytes(&self) -> &[u8] {
        &self.body
    }

    /// Writes the CGI response: `Status: <code> <reason>`, each header as
    /// `Name: value`, a blank line, the body. Lines end in `\n` (RFC 3875's
    /// NL).
    ///
    /// Nothing is written, and an `InvalidInput` error is returned, if the
    /// status is not a three-digit code (100–999), a header name is not an
    /// HTTP token or is `Status` (use [`Response::with_status`]), or a value
    /// holds CR, LF or NUL (which would let a value forge headers).
    pub fn write_to<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(&self.head()?)?;
        out.write_all(&self.body)
    }

    /// The whole CGI response as bytes (see [`Response::write_to`]).
    pub fn to_bytes(&self) -> io::Result<Vec<u8>> {
        let mut out = self.head()?;
        out.extend_from_slice(&self.body);
        Ok(out)
    }

    /// Writes the response to stdout and flushes it. Send one response per
    /// request, then return from `main`.
    pub fn send(&self) -> io::Result<()> {
        let mut out = io::stdout().lock();
        self.write_to(&mut out)?;
        out.flush()
    }

    fn head(&self) -> io::Result<Vec<u8>> {
        let invalid = |msg: String| io::Error::new(ErrorKind::InvalidInput, msg);
        if !(100..=999).contains(&self.status) {
            return Err(invalid(format!(
                "status {} is not a three-digit HTTP status code",
                self.status
            )));
        }
        let mut head = format!("Status: {} {}\n", self.status, reason_phrase(self.status));
        for (name, value) in &self.headers {
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                return Err(invalid(format!(
                    "header name {name:?} is not an HTTP token"
                )));
            }
            if name.eq_ignore_ascii_case("status") {
                return Err(invalid(
                    "set the status with Response::with_status, not a Status header".into(),
                ));
            }
            if value.contains(['\r', '\n', '\0']) {
                return Err(invalid(format!(
                    "value of header {name:?} holds CR, LF or NUL"
                )));
            }
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push('\n');
        }
        head.push('\n');
        Ok(head.into_bytes())
    }
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The reason phrase for a status code (RFC 9110), or a generic one for
/// codes it does not name.
pub fn reason_phrase(status: u16) -> &'static str {
    let named = match status {
        100 => Some("Continue"),
        101 => Some("Switching Protocols"),
        200 => Some("OK"),
        201 => Some("Created"),
        202 => Some("Accepted"),
        203 => Some("Non-Authoritative Information"),
        204 => Some("No Content"),
        205 => Some("Reset Content"),
        206 => Some("Partial Content"),
        300 => Some("Multiple Choices"),
        301 => Some("Moved Permanently"),
        302 => Some("Found"),
        303 => Some("See Other"),
        304 => Some("Not Modified"),
        307 => Some("Temporary Redirect"),
        308 => Some("Permanent Redirect"),
        400 => Some("Bad Request"),
        401 => Some("Unauthorized"),
        402 => Some("Payment Required"),
        403 => Some("Forbidden"),
        404 => Some("Not Found"),
        405 => Some("Method Not Allowed"),
        406 => Some("Not Acceptable"),
        408 => Some("Request Timeout"),
        409 => Some("Conflict"),
        410 => Some("Gone"),
        411 => Some("Length Required"),
        412 => Some("Precondition Failed"),
        413 => Some("Content Too Large"),
        414 => Some("URI Too Long"),
        415 => Some("Unsupported Media Type"),
        416 => Some("Range Not Satisfiable"),
        417 => Some("Expectation Failed"),
        418 => Some("I'm a teapot"),
        421 => Some("Misdirected Request"),
        422 => Some("Unprocessable Content"),
        425 => Some("Too Early"),
        426 => Some("Upgrade Required"),
        428 => Some("Precondition Required"),
        429 => Some("Too Many Requests"),
        431 => Some("Request Header Fields Too Large"),
        451 => Some("Unavailable For Legal Reasons"),
        500 => Some("Internal Server Error"),
        501 => Some("Not Implemented"),
        502 => Some("Bad Gateway"),
        503 => Some("Service Unavailable"),
        504 => Some("Gateway Timeout"),
        505 => Some("HTTP Version Not Supported"),
        _ => None,
    };
    named.unwrap_or(match status {
        100..=199 => "Informational",
        200..=299 => "Success",
        300..=399 => "Redirection",
        400..=499 => "Client Error",
        _ => "Server Error",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_env() -> Vec<(&'static str, &'static str)> {
        vec![
            ("REQUEST_METHOD", "PUT"),
            ("PATH_INFO", "/a/b"),
            ("QUERY_STRING", "x=%E2%98%83&y=%zz&z=%4"),
            ("SCRIPT_NAME", "/status"),
            ("SERVER_NAME", "localhost"),
            ("SERVER_PORT", "2080"),
            ("SERVER_PROTOCOL", "HTTP/1.1"),
            ("SERVER_SOFTWARE", "ww/0.1.0"),
            ("GATEWAY_INTERFACE", "CGI/1.1"),
            ("CONTENT_TYPE", "text/plain"),
            ("CONTENT_LENGTH", " 5 "),
            ("HTTP_HOST", "localhost:2080"),
            ("HTTP_X_FORWARDED_FOR", "10.0.0.1"),
            ("HTTP_", "ignored: no name"),
            ("WW_CELL_MODE", "http"),
        ]
    }

    #[test]
    fn request_fields_from_cgi_vars() {
        let r = Request::from_vars(full_env());
        assert_eq!(r.method, "PUT");
        assert_eq!(r.path, "/a/b");
        assert_eq!(r.script_name.as_deref(), Some("/status"));
        assert_eq!(r.server_name.as_deref(), Some("localhost"));
        assert_eq!(r.server_port.as_deref(), Some("2080"));
        assert_eq!(r.server_protocol.as_deref(), Some("HTTP/1.1"));
        assert_eq!(r.server_software.as_deref(), Some("ww/0.1.0"));
        assert_eq!(r.gateway_interface.as_deref(), Some("CGI/1.1"));
        assert_eq!(r.content_type.as_deref(), Some("text/plain"));
        assert_eq!(r.content_length, Some(5));
        assert_eq!(r.remote_addr, None);
        assert_eq!(
            r.headers,
            [("host", "localhost:2080"), ("x-forwarded-for", "10.0.0.1")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(r.header("HOST"), Some("localhost:2080"));
        assert_eq!(r.header("X_Forwarded_For"), Some("10.0.0.1"));
        assert_eq!(r.header("accept"), None);
        assert_eq!(r.var("WW_CELL_MODE"), Some("http"));
    }

    #[test]
    fn request_defaults_when_vars_are_missing() {
        let r = Request::from_vars(Vec::<(String, String)>::new());
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "");
        assert_eq!(r.query, "");
        assert!(r.headers.is_empty());
        assert_eq!(r.content_length, None);
        assert_eq!(r.content_type, None);
        let r = Request::from_vars([("CONTENT_LENGTH", "-1"), ("CONTENT_TYPE", "")]);
        assert_eq!(r.content_length, None);
        assert_eq!(r.content_type, None);
    }

    #[test]
    fn query_decoding() {
        let r = Request::from_vars(full_env());
        assert_eq!(r.query_param("x").as_deref(), Some("☃"));
        assert_eq!(
            r.query_param("y").as_deref(),
            Some("%zz"),
            "bad escapes are kept"
        );
        assert_eq!(
            r.query_param("z").as_deref(),
            Some("%4"),
            "truncated escapes are kept"
        );
        assert_eq!(r.query_param("w"), None);
        assert_eq!(
            percent_decode("%ff%41", true),
            "\u{fffd}A",
            "invalid UTF-8 is decoded lossily"
        );
        assert_eq!(percent_decode("a%2Bb+c%", true), "a+b c%");
        assert_eq!(percent_decode("a%2Bb+c%", false), "a+b+c%");
        assert_eq!(
            parse_form("=v&k="),
            [("".into(), "v".into()), ("k".into(), "".into())]
        );
    }

    #[test]
    fn cookies() {
        let r = Request::from_vars([("HTTP_COOKIE", "a=1;b=\"two\" ; c")]);
        assert_eq!(r.cookie("a"), Some("1"));
        assert_eq!(r.cookie("b"), Some("two"));
        assert_eq!(r.cookie("c"), None);
        assert_eq!(Request::default().cookie("a"), None);
    }

    #[test]
    fn body_reading() {
        let with_len = |n: &str| Request::from_vars([("CONTENT_LENGTH", n.to_owned())]);
        assert_eq!(with_len("0").read_body(&mut &b"ignored"[..]).unwrap(), b"");
        assert_eq!(
            with_len("5").read_body(&mut &b"hello world"[..]).unwrap(),
            b"hello"
        );
        let err = with_len("50").read_body(&mut &b"short"[..]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
        assert_eq!(
            err.to_string(),
            "request body ended after 5 of 50 bytes (CONTENT_LENGTH)"
        );
        // An absurd length does not allocate it up front.
        let err = with_len("18446744073709551615")
            .read_body(&mut &b"x"[..])
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
        // Without a length: everything.
        assert_eq!(
            Request::default()
                .read_body(&mut &b"all of it"[..])
                .unwrap(),
            b"all of it"
        );
    }

    fn text(r: &Response) -> String {
        String::from_utf8(r.to_bytes().unwrap()).unwrap()
    }

    #[test]
    fn response_formatting() {
        assert_eq!(text(&Response::new(204)), "Status: 204 No Content\n\n");
        assert_eq!(text(&Response::default().body("x")), "Status: 200 OK\n\nx");
        assert_eq!(
            text(&Response::text(404, "nope\n")),
            "Status: 404 Not Found\ncontent-type: text/plain; charset=utf-8\n\nnope\n"
        );
        assert_eq!(
            text(
                &Response::text(200, "x")
                    .header("Content-Type", "text/html")
                    .append_header("Set-Cookie", "a=1")
                    .append_header("Set-Cookie", "b=2")
            ),
            "Status: 200 OK\nContent-Type: text/html\nSet-Cookie: a=1\nSet-Cookie: b=2\n\nx"
        );
        assert_eq!(text(&Response::new(299)), "Status: 299 Success\n\n");
        assert_eq!(
            text(&Response::new(200).with_status(599)),
            "Status: 599 Server Error\n\n"
        );
        // Bodies are bytes, written verbatim.
        let r = Response::new(200).body(vec![0u8, 255, b'\n']);
        assert_eq!(r.to_bytes().unwrap(), b"Status: 200 OK\n\n\x00\xff\n");
        let mut out = Vec::new();
        r.write_to(&mut out).unwrap();
        assert_eq!(out, r.to_bytes().unwrap());
        assert_eq!(
            (r.status(), r.headers().len(), r.body_bytes()),
            (200, 0, &[0u8, 255, b'\n'][..])
        );
    }

    #[test]
    fn invalid_responses_write_nothing() {
        let bad = [
            Response::new(99),
            Response::new(1000),
            Response::new(200).header("", "v"),
            Response::new(200).header("bad name", "v"),
            Response::new(200).header("a:b", "v"),
            Response::new(200).header("status", "500"),
            Response::new(200).header("x", "a\r\nSet-Cookie: evil=1"),
            Response::new(200).header("x", "a\nb"),
            Response::new(200).header("x", "a\0"),
        ];
        for r in bad {
            let mut out = Vec::new();
            let err = r.write_to(&mut out).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{r:?}");
            assert!(out.is_empty(), "{r:?} wrote {out:?}");
        }
    }

    #[test]
    fn reason_phrases() {
        assert_eq!(reason_phrase(200), "OK");
        assert_eq!(reason_phrase(404), "Not Found");
        assert_eq!(reason_phrase(502), "Bad Gateway");
        assert_eq!(reason_phrase(450), "Client Error");
        assert_eq!(reason_phrase(199), "Informational");
    }
}
