//! WAGI: an HTTP request served by a cell in `http` mode, as CGI 1.1 has
//! it. The request line and headers become the environment, the body is
//! the cell's stdin, and the cell's stdout is the response: header lines
//! (`Status: 404 Not Found` sets the code), a blank line, the body.

use std::time::Duration;

use http::{HeaderName, HeaderValue, Request, Response, StatusCode};

use super::{Cell, CellHost, Ended, Limits, Mode, Run};

/// Where a WAGI request is served, and what it may send and use.
#[derive(Clone, Debug)]
pub struct Wagi {
    pub server_name: String,
    pub server_port: u16,
    /// Larger request bodies are refused with 413.
    pub max_body: usize,
    pub limits: Limits,
}

impl Default for Wagi {
    fn default() -> Self {
        Wagi {
            server_name: "127.0.0.1".into(),
            server_port: 2080,
            max_body: 16 << 20,
            limits: Limits {
                timeout: Duration::from_secs(30),
                ..Limits::default()
            },
        }
    }
}

/// The header every response carries: the CID of the cell that served it.
pub const CELL_HEADER: &str = "x-wetware-cell";

/// Serves `request` with `cell`. Every answer, errors included, carries
/// the cell's CID in `X-Wetware-Cell`: 413 for a body over the limit, 504
/// when the cell runs out of time, 502 when it fails or its output is not
/// a CGI response.
pub async fn serve(
    host: &CellHost,
    cell: &Cell,
    request: Request<Vec<u8>>,
    wagi: &Wagi,
) -> Response<Vec<u8>> {
    if request.body().len() > wagi.max_body {
        return too_large(&cell.cid);
    }
    let env = environment(&request, request.body().len(), "", wagi);
    let run = Run {
        mode: Some(Mode::Http),
        args: Vec::new(),
        env,
        stdin: request.into_body(),
        limits: wagi.limits.clone(),
        image: None,
        channel: false,
    };
    match host.run(cell, run).await {
        Ok(outcome) => {
            log_stderr(&cell.cid, &outcome.stderr);
            response(&cell.cid, &outcome.ended, &outcome.stdout)
        }
        Err(e) => error(
            &cell.cid,
            StatusCode::BAD_GATEWAY,
            &format!("the cell could not start: {e}"),
        ),
    }
}

/// The answer to a request whose body is over the limit.
pub fn too_large(cid: &str) -> Response<Vec<u8>> {
    error(
        cid,
        StatusCode::PAYLOAD_TOO_LARGE,
        "the request body is larger than this route takes",
    )
}

/// The CGI environment of a request with a body of `body_len` bytes, to a
/// cell mounted at `script_name` (`/status`; empty for none): `PATH_INFO`
/// is the rest of the path.
pub fn environment<B>(
    request: &Request<B>,
    body_len: usize,
    script_name: &str,
    wagi: &Wagi,
) -> Vec<(String, String)> {
    let path = request.uri().path();
    let path_info = path.strip_prefix(script_name).unwrap_or(path);
    let mut env = vec![
        ("REQUEST_METHOD".to_string(), request.method().to_string()),
        ("SCRIPT_NAME".to_string(), script_name.to_string()),
        ("PATH_INFO".to_string(), path_info.to_string()),
        (
            "QUERY_STRING".to_string(),
            request.uri().query().unwrap_or("").to_string(),
        ),
        ("SERVER_NAME".to_string(), wagi.server_name.clone()),
        ("SERVER_PORT".to_string(), wagi.server_port.to_string()),
        (
            "SERVER_PROTOCOL".to_string(),
            format!("{:?}", request.version()),
        ),
        ("GATEWAY_INTERFACE".to_string(), "CGI/1.1".to_string()),
        ("CONTENT_LENGTH".to_string(), body_len.to_string()),
    ];
    if let Some(t) = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        env.push(("CONTENT_TYPE".to_string(), t.to_string()));
    }
    for (name, value) in request.headers() {
        // CGI passes the others as HTTP_NAME (content type and length
        // have variables of their own).
        if name == http::header::CONTENT_TYPE || name == http::header::CONTENT_LENGTH {
            continue;
        }
        if let Ok(v) = value.to_str() {
            let var = format!(
                "HTTP_{}",
                name.as_str().to_ascii_uppercase().replace('-', "_")
            );
            env.push((var, v.to_string()));
        }
    }
    env
}

/// The response of the cell `cid` that ended as `ended` having written
/// `stdout`: its CGI output if it exited 0 with a valid one, else 504 (out
/// of time) or 502.
pub fn response(cid: &str, ended: &Ended, stdout: &[u8]) -> Response<Vec<u8>> {
    match ended {
        Ended::Exit(0) => {}
        Ended::Timeout | Ended::Cpu => {
            return error(
                cid,
                StatusCode::GATEWAY_TIMEOUT,
                "the cell did not answer in time",
            );
        }
        other => {
            return error(
                cid,
                StatusCode::BAD_GATEWAY,
                &format!("the cell failed: {other}"),
            );
        }
    }
    match parse(stdout) {
        Ok(mut response) => {
            stamp(cid, &mut response);
            response
        }
        Err(why) => error(
            cid,
            StatusCode::BAD_GATEWAY,
            &format!("the cell's output is not a CGI response: {why}"),
        ),
    }
}

/// Reads a CGI response: header lines up to a blank line (`\n` or
/// `\r\n`), then the body. Hand-written: CGI output is not HTTP (no status
/// line, a `Status` header instead), which HTTP parsers reject.
fn parse(out: &[u8]) -> Result<Response<Vec<u8>>, String> {
    if out.is_empty() {
        return Err("it is empty".into());
    }
    let mut status = StatusCode::OK;
    let mut headers = Vec::new();
    let mut rest = out;
    loop {
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return Err("the headers do not end with a blank line".into());
        };
        let line = &rest[..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        rest = &rest[end + 1..];
        if line.is_empty() {
            break;
        }
        let line =
            std::str::from_utf8(line).map_err(|_| "a header line is not UTF-8".to_string())?;
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("`{line}` is not a header line"));
        };
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("status") {
            let code = value.split_whitespace().next().unwrap_or("");
            status = code
                .parse::<u16>()
                .ok()
                .and_then(|c| StatusCode::from_u16(c).ok())
                .ok_or_else(|| format!("`Status: {value}` has no valid code"))?;
            continue;
        }
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("`{name}` is not a header name"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| format!("the value of `{name}` is not valid"))?;
        headers.push((name, value));
    }
    if headers.is_empty() && status == StatusCode::OK && rest.is_empty() {
        return Err("it has no headers and no body".into());
    }
    let mut response = Response::new(rest.to_vec());
    *response.status_mut() = status;
    for (name, value) in headers {
        response.headers_mut().append(name, value);
    }
    if !response.headers().contains_key(http::header::CONTENT_TYPE) {
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain"),
        );
    }
    Ok(response)
}

fn stamp(cid: &str, response: &mut Response<Vec<u8>>) {
    if let Ok(v) = HeaderValue::from_str(cid) {
        response.headers_mut().insert(CELL_HEADER, v);
    }
}

/// An answer of the host's for the cell `cid`: `message` as text.
pub fn error(cid: &str, status: StatusCode, message: &str) -> Response<Vec<u8>> {
    let mut response = Response::new(format!("{message}\n").into_bytes());
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain"),
    );
    stamp(cid, &mut response);
    response
}

/// Writes what the cell wrote to stderr to the host's log, a line at a
/// time, tagged with its CID.
pub fn log_stderr(cid: &str, stderr: &[u8]) {
    for line in String::from_utf8_lossy(stderr).lines() {
        eprintln!("cell {cid}: {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgi_output_is_read_as_a_response() {
        let r = parse(b"Content-Type: application/json\r\nStatus: 201 Created\r\n\r\n{}").unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(r.headers()["content-type"], "application/json");
        assert_eq!(r.body(), b"{}");
        let r = parse(b"X-A: 1\n\nbody").unwrap();
        assert_eq!(r.headers()["content-type"], "text/plain");
        assert_eq!(r.body(), b"body");
        for bad in [
            &b""[..],
            b"no blank line",
            b"not a header\n\n",
            b"Status: abc\n\n",
            b"\n",
        ] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
