# The host's identity: signatures by its key, which never leaves the host.
@0xb20b266cee62ef43;

interface Identity {
  # A signer for `domain` (not empty, at most 256 bytes): its signatures
  # are valid for that domain only, so one signed for a login cannot pass
  # for anything else.
  signer @0 (domain :Text) -> (signer :Signer);

  # Whether `signature` is the signature of `data` for `domain` by the key
  # `publicKey` (a libp2p public key, protobuf-encoded).
  verify @1 (publicKey :Data, domain :Text, data :Data, signature :Data)
         -> (valid :Bool);
}

interface Signer {
  # The public key (libp2p protobuf encoding) and its peer id
  # (`12D3KooW...` for Ed25519).
  publicKey @0 () -> (key :Data, peerId :Text);

  # The signature of `data` for this signer's domain.
  sign @1 (data :Data) -> (signature :Data);
}
