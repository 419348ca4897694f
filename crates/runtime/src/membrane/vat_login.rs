//! Authenticated vats: a name exported with a view per key. A peer that
//! dials it says it will log in (the 8 bytes of [`HELLO`]), answers the
//! challenge of [`crate::p2p::challenge`] through a `Signer` for
//! [`DOMAIN`], and is then served the view of the key that logged in.
//!
//! What is signed binds the exporter's peer id, the name and the nonce,
//! so a signature made for one service or node is useless at another.
//! [`HELLO`] starts with `0xff`, which no Cap'n Proto message of ours
//! starts with (it would claim 2^32 segments): a plain dial to an
//! authenticated name, and a login to a plain one, are each told so
//! rather than left reading garbage.

use std::collections::HashMap;
use std::rc::Rc;

use capnp::capability::Client;
use futures::{AsyncReadExt, AsyncWriteExt};
use libp2p::PeerId;

use super::DENIED;
use super::identity::signed_bytes;
use super::services;
use crate::p2p::challenge::{self, Answer, LoginError, TIMEOUT};
use crate::schema::identity_capnp::signer;

/// The domain of the `Signer` a vat login signs with.
pub const DOMAIN: &str = "ww/vat-login";

/// What a dialler that will log in sends first.
const HELLO: &[u8; 8] = b"\xffwwlogin";

/// What a login to `exporter`'s `name` signs for `nonce` (before the
/// signer's domain framing).
fn signed(exporter: &PeerId, name: &str, nonce: &[u8]) -> Vec<u8> {
    let mut data = exporter.to_bytes();
    data.extend((name.len() as u32).to_be_bytes());
    data.extend(name.as_bytes());
    data.extend(nonce);
    data
}

/// The views of an authenticated vat, by the key that sees each.
pub(super) struct Views {
    pub(super) exporter: PeerId,
    pub(super) name: String,
    pub(super) views: HashMap<PeerId, Client>,
}

/// Serves `peer`'s `stream` of an authenticated vat: a login, then the
/// view of the key that logged in.
pub(super) async fn serve(peer: PeerId, mut stream: libp2p::Stream, views: Rc<Views>) {
    let login = async {
        let mut hello = [0; HELLO.len()];
        stream.read_exact(&mut hello).await?;
        if hello != *HELLO {
            let reason = format!(
                "/ww/0.1.0/vat/{} needs a login: dial it with a signer, \
                 (perform host :dial-login \"{}\" \"{}\" (perform identity :signer \"{DOMAIN}\"))",
                views.name, views.exporter, views.name
            );
            abort(&mut stream, &reason).await?;
            return Err(LoginError::Refused(reason));
        }
        challenge::challenge(
            &mut stream,
            |key, nonce, signature| {
                let data = signed(&views.exporter, &views.name, nonce);
                key.verify(&signed_bytes(DOMAIN, &data), signature)
            },
            |id| match views.views.contains_key(id) {
                true => Ok(()),
                false => Err(format!(
                    "{id} may not log in to /ww/0.1.0/vat/{}: its exporter gives that key no view",
                    views.name
                )),
            },
        )
        .await
    };
    match tokio::time::timeout(TIMEOUT, login).await {
        Ok(Ok(id)) => {
            let view = Client::new(views.views[&id].hook.add_ref());
            services::serve_capability(peer, stream, view).await;
        }
        Ok(Err(e)) => eprintln!("ww: {peer} did not log in to {}: {e}", views.name),
        Err(_) => eprintln!(
            "ww: {peer} did not log in to {} within {TIMEOUT:?}",
            views.name
        ),
    }
}

/// Tells a Cap'n Proto peer why it is not served, as Cap'n Proto's own
/// `Abort` message (its calls fail with `reason`), and hangs up.
async fn abort(stream: &mut libp2p::Stream, reason: &str) -> std::io::Result<()> {
    let mut message = capnp::message::Builder::new_default();
    let mut exception = message
        .init_root::<capnp_rpc::rpc_capnp::message::Builder>()
        .init_abort();
    exception.set_reason(reason);
    exception.set_type(capnp_rpc::rpc_capnp::exception::Type::Failed);
    stream
        .write_all(&capnp::serialize::write_message_to_words(&message))
        .await?;
    stream.close().await
}

/// Logs in to `exporter`'s authenticated vat `name` on `stream` with
/// `signer`; the view the exporter gives its key.
pub(super) async fn dial(
    mut stream: libp2p::Stream,
    exporter: PeerId,
    name: &str,
    signer: signer::Client,
) -> Result<Client, capnp::Error> {
    stream.write_all(HELLO).await.map_err(disconnected)?;
    let answer = async |nonce: Vec<u8>| {
        let key = signer.public_key_request().send().promise.await;
        let key = key.map_err(|e| e.to_string())?;
        let key = key
            .get()
            .and_then(|k| k.get_key())
            .map_err(|e| e.to_string())?;
        let mut sign = signer.sign_request();
        sign.get().set_data(&signed(&exporter, name, &nonce));
        let signature = sign.send().promise.await.map_err(|e| e.to_string())?;
        let signature = signature
            .get()
            .and_then(|s| s.get_signature())
            .map_err(|e| e.to_string())?;
        Ok(Answer {
            key: key.to_vec(),
            signature: signature.to_vec(),
        })
    };
    let login = challenge::respond(&mut stream, answer);
    match tokio::time::timeout(TIMEOUT, login).await {
        Ok(Ok(())) => Ok(services::dial(stream)),
        Ok(Err(LoginError::NoChallenge(_))) => Err(capnp::Error::failed(format!(
            "{exporter} serves /ww/0.1.0/vat/{name} without a login: dial it with :dial"
        ))),
        // A refusal is a denial, as a membrane's is (Glia catches both as
        // `:glia.error/permission-denied`).
        Ok(Err(LoginError::Refused(why))) if why.contains("does not verify") => {
            Err(capnp::Error::failed(format!(
                "{DENIED}: {exporter} refused the login: {why} (sign with (perform identity :signer \"{DOMAIN}\"))"
            )))
        }
        Ok(Err(LoginError::Refused(why))) => Err(capnp::Error::failed(format!(
            "{DENIED}: {exporter} refused the login: {why}"
        ))),
        Ok(Err(e)) => Err(capnp::Error::failed(format!(
            "cannot log in to /ww/0.1.0/vat/{name} on {exporter}: {e}"
        ))),
        Err(_) => Err(capnp::Error::failed(format!(
            "{exporter} did not answer the login to /ww/0.1.0/vat/{name} within {TIMEOUT:?}"
        ))),
    }
}

fn disconnected(e: std::io::Error) -> capnp::Error {
    capnp::Error::disconnected(e.to_string())
}
