//! `HttpClient` against a real HTTP server on loopback: requests, the
//! allow-list, and redirects checked against it at every hop.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use runtime::membrane::{AllowList, DENIED, HttpClientServer};
use runtime::schema::http_capnp::http_client;

/// A server on 127.0.0.1 counting the requests it got.
struct Server {
    port: u16,
    hits: Arc<AtomicUsize>,
}

async fn serve() -> Server {
    let hits = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let counted = hits.clone();
    let app = Router::new()
        .route(
            "/echo",
            any(
                |method: axum::http::Method, headers: HeaderMap, body: String| async move {
                    let greeting = headers
                        .get("x-greeting")
                        .map(|v| v.to_str().unwrap().to_string())
                        .unwrap_or_default();
                    (
                        axum::response::AppendHeaders([("x-seen", "one"), ("x-seen", "two")]),
                        format!("{method} {greeting} {body}"),
                    )
                },
            ),
        )
        .route("/bytes", get(|| async { vec![0u8, 159, 146, 150] }))
        .route(
            "/to-echo",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/echo")]) }),
        )
        .route(
            "/to-localhost",
            get(move || async move {
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, format!("http://localhost:{port}/echo"))],
                )
            }),
        )
        .route(
            "/loop",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }),
        )
        .route(
            "/huge",
            get(|| async { vec![b'x'; (16 << 20) + 1].into_response() }),
        )
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let counted = counted.clone();
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    next.run(req).await
                }
            },
        ));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server { port, hits }
}

fn client(hosts: &[&str]) -> http_client::Client {
    HttpClientServer::new(AllowList::parse(hosts).unwrap())
        .unwrap()
        .client()
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

async fn request(
    client: &http_client::Client,
    method: &str,
    url: &str,
    body: &[u8],
) -> Result<Response, capnp::Error> {
    let mut call = client.request_request();
    {
        let mut p = call.get();
        p.set_method(method);
        p.set_url(url);
        let mut h = p.reborrow().init_headers(1).get(0);
        h.set_name("X-Greeting");
        h.set_value("hello");
        p.set_body(body);
    }
    let response = call.send().promise.await?;
    let r = response.get()?;
    let mut headers = Vec::new();
    for h in r.get_headers()? {
        headers.push((h.get_name()?.to_string()?, h.get_value()?.to_string()?));
    }
    Ok(Response {
        status: r.get_status(),
        headers,
        body: r.get_body()?.to_vec(),
    })
}

/// Runs `test` on a thread-local executor, as Cap'n Proto needs.
fn local(test: impl AsyncFnOnce()) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    tokio::task::LocalSet::new().block_on(&rt, test());
}

#[test]
fn a_request_to_an_allowed_host_returns_the_whole_response() {
    local(async || {
        let server = serve().await;
        let http = client(&["127.0.0.1"]);
        let url = format!("http://127.0.0.1:{}/echo", server.port);
        let r = request(&http, "post", &url, b"the body").await.unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(String::from_utf8(r.body).unwrap(), "POST hello the body");
        let seen: Vec<&str> = r
            .headers
            .iter()
            .filter(|(n, _)| n == "x-seen")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(seen, ["one", "two"], "repeated headers are all kept");

        let url = format!("http://127.0.0.1:{}/bytes", server.port);
        let r = request(&http, "", &url, b"").await.unwrap();
        assert_eq!(r.body, [0, 159, 146, 150], "bodies are bytes, unchanged");
    });
}

#[test]
fn a_host_off_the_allow_list_gets_no_request() {
    local(async || {
        let server = serve().await;
        let http = client(&["127.0.0.1"]);
        let url = format!("http://localhost:{}/echo", server.port);
        let err = request(&http, "GET", &url, b"").await.err().unwrap();
        let text = err.to_string();
        assert!(
            text.contains(DENIED) && text.contains("localhost is not on"),
            "{text}"
        );
        assert_eq!(server.hits.load(Ordering::SeqCst), 0);

        let err = request(&http, "GET", "file:///etc/passwd", b"")
            .await
            .err()
            .unwrap();
        assert!(err.to_string().contains("only http and https"), "{err}");
        let err = request(&http, "GE T", &url, b"").await.err().unwrap();
        assert!(err.to_string().contains("is not an HTTP method"), "{err}");
    });
}

#[test]
fn redirects_are_followed_only_to_allowed_hosts() {
    local(async || {
        let server = serve().await;
        let http = client(&["127.0.0.1"]);
        let base = format!("http://127.0.0.1:{}", server.port);

        let r = request(&http, "GET", &format!("{base}/to-echo"), b"")
            .await
            .unwrap();
        assert_eq!(String::from_utf8(r.body).unwrap(), "GET hello ");
        assert_eq!(server.hits.load(Ordering::SeqCst), 2);

        let err = request(&http, "GET", &format!("{base}/to-localhost"), b"")
            .await
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(
            text.contains(DENIED) && text.contains("redirect to localhost is refused"),
            "{text}"
        );
        assert_eq!(
            server.hits.load(Ordering::SeqCst),
            3,
            "the redirect's target was never asked"
        );

        let err = request(&http, "GET", &format!("{base}/loop"), b"")
            .await
            .err()
            .unwrap();
        assert!(err.to_string().contains("more than 10 redirects"), "{err}");
    });
}

#[test]
fn a_body_over_the_limit_is_an_error_not_a_truncation() {
    local(async || {
        let server = serve().await;
        let http = client(&["127.0.0.1"]);
        let url = format!("http://127.0.0.1:{}/huge", server.port);
        let err = request(&http, "GET", &url, b"").await.err().unwrap();
        assert!(err.to_string().contains("larger than 16 MiB"), "{err}");
    });
}

#[test]
fn restricting_only_narrows() {
    local(async || {
        let http = client(&["*.example.com", "127.0.0.1"]);
        let mut call = http.restrict_request();
        call.get().init_hosts(1).set(0, "api.example.com");
        let narrow = call.send().pipeline.get_client();
        let hosts = narrow.hosts_request().send().promise.await.unwrap();
        let hosts: Vec<String> = hosts
            .get()
            .unwrap()
            .get_hosts()
            .unwrap()
            .iter()
            .map(|h| h.unwrap().to_string().unwrap())
            .collect();
        assert_eq!(hosts, ["api.example.com"]);

        // The narrowed client cannot widen back.
        let mut call = narrow.restrict_request();
        call.get().init_hosts(1).set(0, "127.0.0.1");
        let err = call.send().promise.await.err().unwrap();
        assert!(
            err.to_string().contains(DENIED) && err.to_string().contains("may not reach 127.0.0.1"),
            "{err}"
        );
    });
}
