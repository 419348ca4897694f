//! `HttpClient`: outbound HTTP to the hosts of an allow-list, checked
//! again at every redirect.

use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use super::AllowList;
use crate::outbound_http::{http_client, with_causes};
use crate::schema::http_capnp::{header, http_client};

/// The most redirects one request follows.
const MAX_REDIRECTS: usize = 10;
/// The largest response body a request returns.
const MAX_BODY: usize = 16 << 20;
/// How long a request may take, redirects and body included.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The `HttpClient` capability.
#[derive(Debug)]
pub struct HttpClientServer {
    allow: Arc<AllowList>,
    client: reqwest::Client,
}

fn failed(message: impl Into<String>) -> capnp::Error {
    capnp::Error::failed(message.into())
}

impl HttpClientServer {
    /// A client that may reach any host.
    pub fn any_host() -> Result<HttpClientServer, capnp::Error> {
        HttpClientServer::new(AllowList::any())
    }

    /// A client that may reach the hosts `allow` names.
    pub fn new(allow: AllowList) -> Result<HttpClientServer, capnp::Error> {
        let allow = Arc::new(allow);
        let policy_allow = allow.clone();
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            let host = attempt.url().host_str().unwrap_or_default().to_string();
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                let scheme = attempt.url().scheme().to_string();
                attempt.error(format!("a redirect to a {scheme}: URL is not followed"))
            } else if policy_allow.allows(&host) {
                attempt.follow()
            } else {
                attempt.error(format!(
                    "{}: the redirect to {host} is refused, it is not on the allow-list ({policy_allow})",
                    super::DENIED
                ))
            }
        });
        let client = http_client()
            .redirect(redirects)
            .timeout(TIMEOUT)
            .build()
            .map_err(|e| failed(format!("cannot make an HTTP client: {}", with_causes(&e))))?;
        Ok(HttpClientServer { allow, client })
    }

    pub fn client(self) -> http_client::Client {
        capnp_rpc::new_client(self)
    }
}

fn set_headers<'a>(
    mut out: capnp::struct_list::Builder<'_, header::Owned>,
    headers: impl Iterator<Item = (&'a str, &'a [u8])>,
) {
    for (i, (name, value)) in headers.enumerate() {
        let mut h = out.reborrow().get(i as u32);
        h.set_name(name);
        h.set_value(String::from_utf8_lossy(value).as_ref());
    }
}

impl http_client::Server for HttpClientServer {
    async fn request(
        self: Rc<Self>,
        params: http_client::RequestParams,
        mut results: http_client::RequestResults,
    ) -> Result<(), capnp::Error> {
        let params = params.get()?;
        let method = params.get_method()?.to_str()?;
        let method = if method.is_empty() { "GET" } else { method };
        let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| failed(format!("{method:?} is not an HTTP method")))?;
        let url_text = params.get_url()?.to_str()?;
        let url = reqwest::Url::parse(url_text)
            .map_err(|e| failed(format!("{url_text:?} is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(failed(format!(
                "{url_text:?}: only http and https URLs can be requested"
            )));
        }
        let host = url.host_str().unwrap_or_default();
        if !self.allow.allows(host) {
            return Err(failed(format!(
                "{}: {host} is not on this client's allow-list ({})",
                super::DENIED,
                self.allow
            )));
        }
        let mut request = self.client.request(method, url.clone());
        for h in params.get_headers()? {
            let name = h.get_name()?.to_str()?;
            let value = h.get_value()?.to_str()?;
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| failed(format!("{name:?} is not a header name")))?;
            let value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| failed(format!("the value of header {name} is not valid")))?;
            request = request.header(name, value);
        }
        let body = params.get_body()?;
        if !body.is_empty() {
            request = request.body(body.to_vec());
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| failed(format!("{url}: {}", with_causes(&e))))?;

        let mut data = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| failed(format!("{url}: {}", with_causes(&e))))?
        {
            if data.len() + chunk.len() > MAX_BODY {
                return Err(failed(format!(
                    "{url}: the response body is larger than {} MiB",
                    MAX_BODY >> 20
                )));
            }
            data.extend_from_slice(&chunk);
        }
        let mut r = results.get();
        r.set_status(response.status().as_u16());
        let headers = response.headers();
        set_headers(
            r.reborrow().init_headers(headers.len() as u32),
            headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())),
        );
        r.set_body(&data);
        Ok(())
    }

    async fn restrict(
        self: Rc<Self>,
        params: http_client::RestrictParams,
        mut results: http_client::RestrictResults,
    ) -> Result<(), capnp::Error> {
        let mut hosts = Vec::new();
        for host in params.get()?.get_hosts()? {
            hosts.push(host?.to_string()?);
        }
        let narrower = AllowList::parse(&hosts).map_err(failed)?;
        let narrower = self.allow.narrow(narrower).map_err(|host| {
            failed(format!(
                "{}: this client may not reach {host}, so it cannot grant it (it may reach {})",
                super::DENIED,
                self.allow
            ))
        })?;
        results
            .get()
            .set_client(HttpClientServer::new(narrower)?.client());
        Ok(())
    }

    async fn hosts(
        self: Rc<Self>,
        _: http_client::HostsParams,
        mut results: http_client::HostsResults,
    ) -> Result<(), capnp::Error> {
        let entries = self.allow.entries();
        let mut list = results.get().init_hosts(entries.len() as u32);
        for (i, e) in entries.iter().enumerate() {
            list.set(i as u32, e);
        }
        Ok(())
    }
}
