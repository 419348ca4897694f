//! Capabilities over Cap'n Proto: what a cell in `vat` mode is granted and
//! how the host talks to it.
//!
//! - `grants.rs`: the [`Membrane`] a parent hands a cell, whose `graft`
//!   returns exactly the capabilities granted to it, by name.
//! - `vat.rs`: a Cap'n Proto connection over a spawned cell's stdio
//!   ([`Vat`]): the host's bootstrap capability is the cell's membrane, the
//!   cell's is whatever it serves.
//! - `stream.rs`: [`ByteStream`] served over a pair of tokio streams.
//! - `executor.rs`, `process.rs`: `Runtime` ([`RuntimeServer`]) loads a
//!   cell into an `Executor`, which spawns `Process`es: a vat-mode one
//!   connected through a membrane of the grants it was given, a raw one
//!   with its stdio as `ByteStream`s.
//! - `identity.rs`: `Identity` ([`IdentityServer`]) and the `Signer`s
//!   it makes, over the host's key pair, which no method returns.
//! - `host.rs`, `routing.rs`: `Host` ([`HostServer`]) and `Routing`
//!   ([`RoutingServer`]) over the node's libp2p network.
//! - `cell_spec.rs`, `route.rs`, `services.rs`, `listener.rs`: what
//!   `Host.listen` and `Host.export` serve: an HTTP route with a cell
//!   spawned (through its `Executor`) in `http` mode for each request, a
//!   libp2p protocol with a cell for each stream or a capability for
//!   every peer; the `Listener` that closes them. `services.rs` also dials
//!   peers' vats and streams.
//! - `http.rs`, `allow_list.rs`: `HttpClient` ([`HttpClientServer`]),
//!   outbound HTTP to the hosts of an [`AllowList`], re-checked at every
//!   redirect.
//! - `policy.rs`, `epoch.rs`, `guard.rs`: attenuation and revocation. A
//!   [`guard`]ed capability checks every call's (interface id, method
//!   ordinal) against a [`Policy`] and its issuing [`Epoch`] before
//!   forwarding it, and guards every capability the call returns the same
//!   way.

mod allow_list;
mod cell_spec;
mod epoch;
mod executor;
mod grants;
mod guard;
mod host;
mod http;
mod identity;
mod listener;
mod policy;
pub(crate) mod process;
mod route;
mod routing;
pub(crate) mod services;
mod stream;
mod vat;
mod vat_login;

pub use allow_list::AllowList;
use cell_spec::CellSpec;
pub use epoch::Epoch;
pub use executor::RuntimeServer;
pub use grants::{DuplicateGrant, Grant, Membrane};
pub use guard::{DENIED, REVOKED, guard};
pub use host::HostServer;
pub use http::HttpClientServer;
pub use identity::IdentityServer;
pub use policy::{Policy, PolicyError};
pub use routing::RoutingServer;
pub use stream::ByteStream;
pub use vat::Vat;
pub use vat_login::DOMAIN as VAT_LOGIN_DOMAIN;
