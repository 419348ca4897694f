//! WAGI through the cell host: the CGI contract on cells written in
//! WebAssembly text (the standard cells have their own tests).

use crate::common;

use std::time::Duration;

use http::{Request, StatusCode};
use runtime::cells::wagi::{self, CELL_HEADER, Wagi};
use runtime::cells::{CellHost, Limits};

use common::{module, write_data};

/// Copies stdin to stdout after a header: a byte-exact echo of the body.
fn echo() -> Vec<u8> {
    let header = "Content-Type: application/octet-stream\n\n";
    module(
        &format!(
            "{}
    (block $done (loop $l
      (local.set $n (call $read (i32.const 4096) (i32.const 65536)))
      (br_if $done (i32.eqz (local.get $n)))
      (call $write (i32.const 4096) (local.get $n))
      (br $l)))",
            write_data(0, header.len())
        ),
        &[header],
    )
}

/// Writes `out` and exits 0.
fn printing(out: &str) -> Vec<u8> {
    module(&write_data(0, out.len()), &[out])
}

fn request(body: Vec<u8>) -> Request<Vec<u8>> {
    Request::post("/echo/x?a=1")
        .header("content-type", "application/octet-stream")
        .body(body)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mebibyte_echoes_byte_exact_with_the_cells_cid() {
    let host = CellHost::new(None).unwrap();
    let cell = host.load(&echo()).unwrap();
    let body: Vec<u8> = (0..1 << 20)
        .map(|i: u32| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    let response = wagi::serve(&host, &cell, request(body.clone()), &Wagi::default()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream"
    );
    assert_eq!(response.headers()[CELL_HEADER], cell.cid.as_str());
    assert!(
        response.body() == &body,
        "the body comes back byte for byte"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_codes_and_the_default_content_type() {
    let host = CellHost::new(None).unwrap();
    let cases = [
        (
            "Status: 404 Not Found\n\nnothing here",
            StatusCode::NOT_FOUND,
            "text/plain",
            "nothing here",
        ),
        (
            "Content-Type: application/json\r\n\r\n{\"ok\":true}",
            StatusCode::OK,
            "application/json",
            "{\"ok\":true}",
        ),
        (
            "Status: 201\nX-Extra: yes\n\n",
            StatusCode::CREATED,
            "text/plain",
            "",
        ),
    ];
    for (out, status, content_type, body) in cases {
        let cell = host.load(&printing(out)).unwrap();
        let response = wagi::serve(&host, &cell, request(Vec::new()), &Wagi::default()).await;
        assert_eq!(response.status(), status, "{out:?}");
        assert_eq!(response.headers()["content-type"], content_type, "{out:?}");
        assert_eq!(response.body(), body.as_bytes(), "{out:?}");
        assert_eq!(response.headers()[CELL_HEADER], cell.cid.as_str());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_output_oversize_requests_and_slow_cells() {
    let host = CellHost::new(None).unwrap();
    let wagi = Wagi {
        max_body: 1024,
        limits: Limits {
            timeout: Duration::from_millis(200),
            ..Limits::default()
        },
        ..Wagi::default()
    };
    // Empty or malformed output, or a crash: 502.
    for cell in [
        printing(""),
        printing("no headers at all"),
        printing("Status: teapot\n\n"),
        module("unreachable", &[]),
    ] {
        let cell = host.load(&cell).unwrap();
        let response = wagi::serve(&host, &cell, request(Vec::new()), &wagi).await;
        assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
        assert_eq!(response.headers()[CELL_HEADER], cell.cid.as_str());
    }
    // A body over the limit is refused before the cell runs: 413.
    let cell = host.load(&echo()).unwrap();
    let response = wagi::serve(&host, &cell, request(vec![0; 1025]), &wagi).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A cell that never answers: 504.
    let spin = host.load(&module("(loop $l (br $l))", &[])).unwrap();
    let response = wagi::serve(&host, &spin, request(Vec::new()), &wagi).await;
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(response.headers()[CELL_HEADER], spin.cid.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_each_get_their_own_answer() {
    let host = std::sync::Arc::new(CellHost::new(None).unwrap());
    let cell = host.load(&echo()).unwrap();
    let tasks: Vec<_> = (0..32u8)
        .map(|i| {
            let (host, cell) = (host.clone(), cell.clone());
            tokio::spawn(async move {
                let body = vec![i; 1000 + i as usize];
                let response =
                    wagi::serve(&host, &cell, request(body.clone()), &Wagi::default()).await;
                (response.status(), response.into_body() == body)
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), (StatusCode::OK, true));
    }
}
