//! `Identity` and `Signer`: signatures by the host's key, which no method
//! returns.

use std::rc::Rc;

use libp2p_identity::{Keypair, PublicKey};

use crate::schema::identity_capnp::{identity, signer};

/// The longest domain a signer may have, in bytes.
const MAX_DOMAIN: usize = 256;

/// What is signed for `data` in `domain`: a prefix that no other use of
/// the key shares, the domain's length and the domain, then the data. The
/// length makes the split between domain and data unambiguous.
pub(super) fn signed_bytes(domain: &str, data: &[u8]) -> Vec<u8> {
    const PREFIX: &[u8] = b"ww-signed:";
    let mut bytes = Vec::with_capacity(PREFIX.len() + 4 + domain.len() + data.len());
    bytes.extend_from_slice(PREFIX);
    // At most MAX_DOMAIN, checked by the callers.
    bytes.extend_from_slice(&(domain.len() as u32).to_be_bytes());
    bytes.extend_from_slice(domain.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

fn check_domain(domain: &str) -> Result<(), capnp::Error> {
    if domain.is_empty() || domain.len() > MAX_DOMAIN {
        return Err(capnp::Error::failed(format!(
            "a signing domain is 1 to {MAX_DOMAIN} bytes, not {}",
            domain.len()
        )));
    }
    Ok(())
}

/// The `Identity` capability over a key pair.
pub struct IdentityServer {
    key: Rc<Keypair>,
}

impl std::fmt::Debug for IdentityServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityServer")
            .field("peer_id", &self.key.public().to_peer_id())
            .finish_non_exhaustive()
    }
}

impl IdentityServer {
    pub fn new(key: Keypair) -> IdentityServer {
        IdentityServer { key: Rc::new(key) }
    }

    pub fn client(self) -> identity::Client {
        capnp_rpc::new_client(self)
    }
}

impl identity::Server for IdentityServer {
    async fn signer(
        self: Rc<Self>,
        params: identity::SignerParams,
        mut results: identity::SignerResults,
    ) -> Result<(), capnp::Error> {
        let domain = params.get()?.get_domain()?.to_string()?;
        check_domain(&domain)?;
        let signer = SignerServer {
            key: self.key.clone(),
            domain,
        };
        results.get().set_signer(capnp_rpc::new_client(signer));
        Ok(())
    }

    async fn verify(
        self: Rc<Self>,
        params: identity::VerifyParams,
        mut results: identity::VerifyResults,
    ) -> Result<(), capnp::Error> {
        let params = params.get()?;
        let domain = params.get_domain()?.to_string()?;
        check_domain(&domain)?;
        let key = PublicKey::try_decode_protobuf(params.get_public_key()?).map_err(|e| {
            capnp::Error::failed(format!(
                "the public key is not a protobuf-encoded libp2p key: {e}"
            ))
        })?;
        let signed = signed_bytes(&domain, params.get_data()?);
        results
            .get()
            .set_valid(key.verify(&signed, params.get_signature()?));
        Ok(())
    }
}

/// Signs for one domain.
struct SignerServer {
    key: Rc<Keypair>,
    domain: String,
}

impl signer::Server for SignerServer {
    async fn public_key(
        self: Rc<Self>,
        _: signer::PublicKeyParams,
        mut results: signer::PublicKeyResults,
    ) -> Result<(), capnp::Error> {
        let public = self.key.public();
        let mut r = results.get();
        r.set_key(&public.encode_protobuf());
        r.set_peer_id(public.to_peer_id().to_string());
        Ok(())
    }

    async fn sign(
        self: Rc<Self>,
        params: signer::SignParams,
        mut results: signer::SignResults,
    ) -> Result<(), capnp::Error> {
        let signed = signed_bytes(&self.domain, params.get()?.get_data()?);
        let signature = self
            .key
            .sign(&signed)
            .map_err(|e| capnp::Error::failed(format!("signing failed: {e}")))?;
        results.get().set_signature(&signature);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_is_framed_so_no_split_collides() {
        assert_ne!(signed_bytes("ab", b"c"), signed_bytes("a", b"bc"));
        assert_eq!(&signed_bytes("d", b"x")[..10], b"ww-signed:");
    }
}
