//! `ww push --ipfs-url URL`: a DAG of the store added to a Kubo node and
//! pinned there, through Kubo's HTTP RPC API.
//!
//! The DAG goes as a CAR file to `POST /api/v0/dag/import?pin-roots=true`.
//! Kubo stores the blocks as they are, so the root keeps the CID `ww`
//! gave it whatever Kubo's own import settings are (`/api/v0/add` would
//! import the files again with those). Kubo answers a JSON line per root,
//! `{"Root":{"Cid":{"/":CID},"PinErrorMsg":WHY}}`, and an error as
//! `{"Message":WHY,...}` with a non-2xx status.

use std::time::Duration;

use ::cid::Cid;
use iroh_car::{CarHeader, CarWriter};

use super::{BlockStore, StoreError};
use crate::outbound_http::{http_client, with_causes};

/// How long reaching the API may take; the import itself has no limit, as
/// a large image takes Kubo a while.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What went wrong adding a DAG to Kubo.
#[derive(Debug, thiserror::Error)]
pub enum KuboError {
    #[error(
        "{0:?} is not the http:// URL of a Kubo RPC API (like http://127.0.0.1:5001, Kubo's default)"
    )]
    Url(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the DAG as a CAR file: {0}")]
    Car(String),
    #[error(
        "cannot reach Kubo at {url}: {why}; is its daemon running (`ipfs daemon`), with its API there?"
    )]
    Unreachable { url: String, why: String },
    #[error("Kubo at {url} refused the import ({status}): {message}")]
    Refused {
        url: String,
        status: u16,
        message: String,
    },
    #[error("Kubo at {url} took the blocks but could not pin {cid}: {why}")]
    Pin {
        url: String,
        cid: String,
        why: String,
    },
    #[error("Kubo at {url} answered without saying it pinned {cid}: {body:?}")]
    Unexpected {
        url: String,
        cid: String,
        body: String,
    },
}

/// Adds the DAG of `root` (which the store holds whole) to the Kubo node
/// whose RPC API is at `api`, and pins it there.
pub async fn push(store: &BlockStore, root: &Cid, api: &str) -> Result<(), KuboError> {
    let mut url = endpoint(api, &["dag", "import"])?;
    url.query_pairs_mut().append_pair("pin-roots", "true");

    let car = car(store, root).await?;
    let part = reqwest::multipart::Part::bytes(car)
        .file_name(format!("{root}.car"))
        .mime_str("application/vnd.ipld.car")
        .expect("a valid media type");
    let unreachable = unreachable(api);
    let client = http_client()
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(unreachable)?;
    let response = client
        .post(url)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(unreachable)?;
    outcome(api, root, status, &body)
}

/// The version of the Kubo node whose RPC API is at `api`
/// (`POST /api/v0/version`), given `timeout` to answer in all.
pub async fn version(api: &str, timeout: Duration) -> Result<String, KuboError> {
    let url = endpoint(api, &["version"])?;
    let unreachable = unreachable(api);
    let client = http_client()
        .timeout(timeout)
        .build()
        .map_err(unreachable)?;
    let response = client.post(url).send().await.map_err(unreachable)?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(unreachable)?;
    let answer = serde_json::from_str::<serde_json::Value>(&body).ok();
    match answer.as_ref().and_then(|v| v["Version"].as_str()) {
        Some(version) if (200..300).contains(&status) => Ok(version.to_string()),
        _ => Err(refused(api, status, &body)),
    }
}

/// `api/v0/<path>` under the RPC API at `api`.
fn endpoint(api: &str, path: &[&str]) -> Result<reqwest::Url, KuboError> {
    let mut url = reqwest::Url::parse(api)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
        .ok_or_else(|| KuboError::Url(api.to_string()))?;
    url.path_segments_mut()
        .map_err(|()| KuboError::Url(api.to_string()))?
        .pop_if_empty()
        .extend(["api", "v0"])
        .extend(path);
    Ok(url)
}

fn unreachable(api: &str) -> impl Fn(reqwest::Error) -> KuboError + Copy + '_ {
    move |e| KuboError::Unreachable {
        url: api.to_string(),
        why: with_causes(&e),
    }
}

/// The DAG of `root` as a CARv1 file, every block checked as it is read.
async fn car(store: &BlockStore, root: &Cid) -> Result<Vec<u8>, KuboError> {
    let mut blocks = Vec::new();
    store.walk(vec![*root], |cid, block| {
        blocks.push((*cid, block.to_vec()));
        Ok(())
    })?;
    let mut writer = CarWriter::new(CarHeader::new_v1(vec![*root]), Vec::new());
    for (cid, block) in blocks {
        writer
            .write(cid, block)
            .await
            .map_err(|e| KuboError::Car(e.to_string()))?;
    }
    writer
        .finish()
        .await
        .map_err(|e| KuboError::Car(e.to_string()))
}

/// Kubo's refusal (`status`, `body`) of a call to the API at `url`: its
/// `{"Message":WHY}`, or the body as it is.
fn refused(url: &str, status: u16, body: &str) -> KuboError {
    let message = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["Message"].as_str().map(str::to_string))
        .unwrap_or_else(|| body.trim().to_string());
    KuboError::Refused {
        url: url.to_string(),
        status,
        message,
    }
}

/// What Kubo's answer (`status`, `body`) to importing `root` says.
fn outcome(url: &str, root: &Cid, status: u16, body: &str) -> Result<(), KuboError> {
    let json = |line: &str| serde_json::from_str::<serde_json::Value>(line).ok();
    if !(200..300).contains(&status) {
        return Err(refused(url, status, body));
    }
    let cid = root.to_string();
    for line in body.lines().filter_map(json) {
        let Some(reported) = line.get("Root") else {
            continue;
        };
        if reported["Cid"]["/"].as_str() != Some(cid.as_str()) {
            continue;
        }
        return match reported["PinErrorMsg"].as_str().unwrap_or_default() {
            "" => Ok(()),
            why => Err(KuboError::Pin {
                url: url.to_string(),
                cid,
                why: why.to_string(),
            }),
        };
    }
    Err(KuboError::Unexpected {
        url: url.to_string(),
        cid,
        body: body.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::unixfs;

    fn root() -> Cid {
        unixfs::block_cid(unixfs::RAW, b"root")
    }

    #[test]
    fn kubos_answers_are_read_as_it_documents_them() {
        let cid = root();
        let pinned = format!(
            "{{\"Root\":{{\"Cid\":{{\"/\":\"{cid}\"}},\"PinErrorMsg\":\"\"}}}}\n\
             {{\"Stats\":{{\"BlockCount\":3,\"BlockBytesCount\":120}}}}\n"
        );
        outcome("u", &cid, 200, &pinned).unwrap();

        let failed = format!(
            "{{\"Root\":{{\"Cid\":{{\"/\":\"{cid}\"}},\"PinErrorMsg\":\"block missing\"}}}}"
        );
        let err = outcome("u", &cid, 200, &failed).unwrap_err();
        assert!(err.to_string().contains("could not pin"), "{err}");
        assert!(err.to_string().contains("block missing"), "{err}");

        let refused = r#"{"Message":"unexpected EOF","Code":0,"Type":"error"}"#;
        let err = outcome("u", &cid, 500, refused).unwrap_err();
        assert!(
            err.to_string()
                .contains("refused the import (500): unexpected EOF"),
            "{err}"
        );
        let err = outcome("u", &cid, 404, "404 page not found").unwrap_err();
        assert!(err.to_string().contains("404 page not found"), "{err}");

        let err = outcome("u", &cid, 200, "").unwrap_err();
        assert!(
            err.to_string().contains("without saying it pinned"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn urls_that_are_not_an_http_api_are_refused_before_anything_is_sent() {
        let dir = std::env::temp_dir().join(format!("ww-kubo-url-{}", std::process::id()));
        let store = BlockStore::open(&dir).unwrap();
        for url in [
            "127.0.0.1:5001",
            "/ip4/127.0.0.1/tcp/5001",
            "ftp://host/",
            "http://",
        ] {
            let err = push(&store, &root(), url).await.unwrap_err();
            assert!(matches!(err, KuboError::Url(_)), "{url}: {err}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
