//! `HttpClient` as Glia calls, shaped like clj-http's requests and
//! responses.

use std::rc::Rc;

use capnp::traits::HasTypeId;
use glia_eval::value::{Map, pr_str};
use glia_eval::{Error, Value};

use super::{Call, key_name};
use crate::bindings::Registry;
use crate::schema::http_capnp::http_client;

const REQUEST_USAGE: &str = "(perform http :request \"https://...\") or (perform http :request {:url \"https://...\", :method :post, :headers {\"accept\" \"text/plain\"}, :body \"...\", :as :bytes})";

fn request_error(message: String) -> Error {
    Error::illegal_argument(message).with_hint(format!("usage: {REQUEST_USAGE}"))
}

/// A request's parts, from a URL or an options map.
#[derive(Default)]
struct Request {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// `:as :bytes`: the body as bytes, not as text.
    as_bytes: bool,
}

impl Call<'_> {
    fn http_request(&self, v: &Value) -> Result<Request, Error> {
        if let Some(url) = v.as_str() {
            return Ok(Request {
                url: url.to_string(),
                ..Request::default()
            });
        }
        let Value::Map(options) = v.map_view().into_owned() else {
            return Err(request_error(format!(
                "HttpClient :request takes a URL or an options map, not {}",
                v.type_name()
            )));
        };
        let mut request = Request::default();
        for (k, v) in options.iter() {
            match (key_name(k), v) {
                (Some("url"), v) => request.url = self.text(v, "`:url`")?.to_string(),
                (Some("method"), v) => {
                    request.method = match key_name(v) {
                        Some(m) => m.to_string(),
                        None => self.text(v, "`:method`")?.to_string(),
                    }
                }
                (Some("headers"), Value::Map(headers)) => {
                    for (name, value) in headers.iter() {
                        let name = match key_name(name) {
                            Some(n) => n,
                            None => self.text(name, "a header's name")?,
                        };
                        request.headers.push((
                            name.to_string(),
                            self.text(value, "a header's value")?.to_string(),
                        ));
                    }
                }
                (Some("body"), v) => request.body = self.bytes(v)?,
                (Some("as"), v) if key_name(v) == Some("bytes") => request.as_bytes = true,
                (Some("as"), v) if key_name(v) == Some("text") => request.as_bytes = false,
                _ => {
                    return Err(request_error(format!(
                        "unknown or malformed request option {} {}",
                        pr_str(k),
                        pr_str(v)
                    )));
                }
            }
        }
        if request.url.is_empty() {
            return Err(request_error("the request has no `:url`".into()));
        }
        Ok(request)
    }

    pub(super) async fn http_client(
        &self,
        registry: &mut Registry,
        cap: http_client::Client,
    ) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("request", [v]) => {
                let request = self.http_request(v)?;
                let mut call = cap.request_request();
                {
                    let mut p = call.get();
                    p.set_method(&request.method);
                    p.set_url(&request.url);
                    let mut headers = p.reborrow().init_headers(request.headers.len() as u32);
                    for (i, (name, value)) in request.headers.iter().enumerate() {
                        let mut h = headers.reborrow().get(i as u32);
                        h.set_name(name);
                        h.set_value(value);
                    }
                    p.set_body(&request.body);
                }
                let (status, pairs, body) = self
                    .ask(call, |r| {
                        let pairs = r
                            .get_headers()?
                            .iter()
                            .map(|h| Ok((h.get_name()?.to_string()?, h.get_value()?.to_string()?)))
                            .collect::<capnp::Result<Vec<_>>>()?;
                        Ok((r.get_status(), pairs, r.get_body()?.to_vec()))
                    })
                    .await?;
                let mut headers = Map::default();
                for (name, value) in pairs {
                    // Repeated headers join as HTTP allows (RFC 9110 5.3).
                    let key = Value::str(name);
                    let joined = match headers.get(&key).and_then(Value::as_str) {
                        Some(before) => format!("{before}, {value}"),
                        None => value,
                    };
                    headers.insert(key, Value::str(joined));
                }
                let body = if request.as_bytes {
                    Value::Bytes(Rc::new(body))
                } else {
                    Value::str(String::from_utf8_lossy(&body))
                };
                let map: Map = [
                    (
                        Value::keyword(None, "status"),
                        Value::Int(i64::from(status)),
                    ),
                    (
                        Value::keyword(None, "headers"),
                        Value::Map(Rc::new(headers)),
                    ),
                    (Value::keyword(None, "body"), body),
                ]
                .into_iter()
                .collect();
                Ok(Value::Map(Rc::new(map)))
            }
            ("request", _) => Err(self.arity(REQUEST_USAGE)),
            ("restrict", [hosts]) => {
                let hosts = self.strings(hosts, "a host")?;
                let mut call = cap.restrict_request();
                let mut list = call.get().init_hosts(hosts.len() as u32);
                for (i, h) in hosts.iter().enumerate() {
                    list.set(i as u32, h);
                }
                let client = self.ask(call, |r| r.get_client()).await?;
                Ok(registry.value(client.client, Some(http_client::Client::TYPE_ID)))
            }
            ("restrict", _) => {
                Err(self.arity("(perform http :restrict [\"api.example.com\" \"*.example.org\"])"))
            }
            ("hosts", []) => {
                let hosts = self
                    .ask(cap.hosts_request(), |r| {
                        r.get_hosts()?
                            .iter()
                            .map(|h| Ok(h?.to_string()?))
                            .collect::<capnp::Result<Vec<String>>>()
                    })
                    .await?;
                let out: Vec<Value> = hosts.into_iter().map(Value::str).collect();
                Ok(Value::vector(out))
            }
            ("hosts", _) => Err(self.arity("(perform http :hosts)")),
            _ => Err(self.unbound()),
        }
    }
}
