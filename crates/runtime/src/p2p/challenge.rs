//! A challenge-response login over a stream, shared by remote shells
//! (`/ww/0.1.0/login`) and authenticated vats (`/ww/0.1.0/vat/<name>`
//! exported with a view per key).
//!
//! The server sends a fresh 32-byte nonce; the client answers with its
//! public key and a signature over what the protocol says is signed for
//! that nonce; the server checks the signature and whether the key may log
//! in, and says which in one byte and a message. What is signed binds the
//! server's peer id (which Noise authenticated to the client), so a
//! signature made for one node is useless at another.
//!
//! Frames are a big-endian `u16` length and that many bytes.

use std::time::Duration;

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p_identity::{PeerId, PublicKey};

/// How long a server waits for a client to answer its challenge.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The length of a challenge.
pub const NONCE: usize = 32;
/// The longest frame either side reads (a public key or signature is far
/// shorter; a message too).
const MAX_FRAME: usize = 1024;
const ACCEPTED: u8 = 0;
const REFUSED: u8 = 1;

/// What went wrong logging in.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("the node refused the login: {0}")]
    Refused(String),
    #[error("the login stream failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the other side does not speak the login protocol: {0}")]
    Protocol(String),
    /// The other side hung up, or sent something else, where the
    /// challenge should be: it does not ask for a login here.
    #[error("the other side sent no challenge: {0}")]
    NoChallenge(String),
}

/// A client's answer to a challenge: its public key (libp2p protobuf
/// encoding) and its signature.
#[derive(Debug)]
pub struct Answer {
    pub key: Vec<u8>,
    pub signature: Vec<u8>,
}

pub(crate) async fn write_frame<S: AsyncWrite + Unpin>(
    stream: &mut S,
    bytes: &[u8],
) -> std::io::Result<()> {
    let len = u16::try_from(bytes.len()).map_err(std::io::Error::other)?;
    stream.write_all(&len.to_be_bytes()).await?;
    stream.write_all(bytes).await?;
    stream.flush().await
}

pub(crate) async fn read_frame<S: AsyncRead + Unpin>(
    stream: &mut S,
) -> Result<Vec<u8>, LoginError> {
    let mut len = [0; 2];
    stream.read_exact(&mut len).await?;
    let len = usize::from(u16::from_be_bytes(len));
    if len > MAX_FRAME {
        return Err(LoginError::Protocol(format!(
            "a frame of {len} bytes (at most {MAX_FRAME})"
        )));
    }
    let mut bytes = vec![0; len];
    stream.read_exact(&mut bytes).await?;
    Ok(bytes)
}

/// The server's side: challenges the client on `stream` and tells it the
/// outcome. `verify` says whether a key's signature of a nonce is valid
/// (what is signed is the protocol's); `admit` whether the key's peer id
/// may log in, or why not. Returns who logged in; a refusal has been sent
/// to the client when this returns [`LoginError::Refused`].
pub async fn challenge<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    verify: impl Fn(&PublicKey, &[u8], &[u8]) -> bool,
    admit: impl Fn(&PeerId) -> Result<(), String>,
) -> Result<PeerId, LoginError> {
    let nonce: [u8; NONCE] = rand::random();
    write_frame(stream, &nonce).await?;
    let key = read_frame(stream).await?;
    let signature = read_frame(stream).await?;
    let verdict = PublicKey::try_decode_protobuf(&key)
        .map_err(|e| format!("the key sent is not a libp2p public key: {e}"))
        .and_then(|key| {
            let id = key.to_peer_id();
            if !verify(&key, &nonce, &signature) {
                Err(format!("the signature does not verify for {id}"))
            } else {
                admit(&id).map(|()| id)
            }
        });
    let (code, message) = match &verdict {
        Ok(id) => (ACCEPTED, format!("logged in as {id}")),
        Err(why) => (REFUSED, why.clone()),
    };
    stream.write_all(&[code]).await?;
    write_frame(stream, message.as_bytes()).await?;
    verdict.map_err(LoginError::Refused)
}

/// The client's side: answers the challenge on `stream` with what `answer`
/// makes of the nonce.
pub async fn respond<S, F, Fut>(stream: &mut S, answer: F) -> Result<(), LoginError>
where
    S: AsyncRead + AsyncWrite + Unpin,
    F: FnOnce(Vec<u8>) -> Fut,
    Fut: Future<Output = Result<Answer, String>>,
{
    let nonce = read_frame(stream)
        .await
        .map_err(|e| LoginError::NoChallenge(e.to_string()))?;
    if nonce.len() != NONCE {
        return Err(LoginError::NoChallenge(format!(
            "a challenge of {} bytes (expected {NONCE})",
            nonce.len()
        )));
    }
    let answer = answer(nonce)
        .await
        .map_err(|e| LoginError::Protocol(format!("cannot sign the challenge: {e}")))?;
    write_frame(stream, &answer.key).await?;
    write_frame(stream, &answer.signature).await?;
    let mut code = [0];
    stream.read_exact(&mut code).await?;
    let message = String::from_utf8_lossy(&read_frame(stream).await?).into_owned();
    match code[0] {
        ACCEPTED => Ok(()),
        REFUSED => Err(LoginError::Refused(message)),
        other => Err(LoginError::Protocol(format!("an answer coded {other}"))),
    }
}
