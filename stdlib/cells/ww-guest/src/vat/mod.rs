//! Cap'n Proto RPC with the host: over stdin and stdout in vat mode
//! (`WW_CELL_MODE=vat`), over the membrane channel in the others (a cell
//! in `http` or `raw` mode that was granted capabilities: its stdio is
//! the request or the data).
//!
//! At the host's end of the connection is the cell's [`Membrane`]; grafting
//! it gives the capabilities the cell's parent granted, by name
//! ([`Grants`]), and nothing else. At the cell's end is whatever the cell
//! serves: its bootstrap capability, which the host hands to whoever
//! spawned the cell.
//!
//! ```no_run
//! use ww_guest::schema::stream_capnp::byte_stream;
//!
//! fn main() -> Result<(), capnp::Error> {
//!     // Serve the stream granted as `out` back to whoever spawned us.
//!     ww_guest::vat::serve(|grants| async move {
//!         let out: byte_stream::Client = grants.get("out")?;
//!         Ok(out.client)
//!     })
//! }
//! ```
//!
//! In vat mode nothing else may write to stdout while the connection is
//! up: it would corrupt the RPC stream. Log to stderr (the host's log)
//! instead.

#[cfg(target_os = "wasi")]
mod channel;
#[cfg(target_os = "wasi")]
mod streams;

use capnp::capability::{Client, FromClientHook};

pub use crate::schema::membrane_capnp::membrane::Client as Membrane;

/// The capabilities a cell was granted, by name, in the order its parent
/// named them.
pub struct Grants {
    exports: Vec<(String, Client)>,
}

impl std::fmt::Debug for Grants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl Grants {
    /// Grants made of these exports (what [`graft`] builds).
    pub fn new(exports: Vec<(String, Client)>) -> Grants {
        Grants { exports }
    }

    /// The names granted, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.exports.iter().map(|(name, _)| name.as_str())
    }

    /// The capability granted as `name`, typed as `T` (the type is not
    /// checked here: a call of a method it lacks fails at the call).
    ///
    /// An error names what was granted instead, since the usual cause is a
    /// parent that did not pass the grant or a typo.
    pub fn get<T: FromClientHook>(&self, name: &str) -> Result<T, capnp::Error> {
        match self.exports.iter().find(|(n, _)| n == name) {
            Some((_, cap)) => Ok(T::new(cap.hook.add_ref())),
            None => {
                let granted: Vec<&str> = self.names().collect();
                Err(capnp::Error::failed(if granted.is_empty() {
                    format!("no capability is granted as `{name}`: this cell was granted nothing")
                } else {
                    format!(
                        "no capability is granted as `{name}`; granted: {}",
                        granted.join(", ")
                    )
                }))
            }
        }
    }
}

/// Grafts `membrane`: the capabilities it grants.
pub async fn graft(membrane: &Membrane) -> Result<Grants, capnp::Error> {
    let response = membrane.graft_request().send().promise.await?;
    let exports = response.get()?.get_exports()?;
    let mut grants = Vec::with_capacity(exports.len() as usize);
    for export in exports.iter() {
        let name = export
            .get_name()?
            .to_string()
            .map_err(|e| capnp::Error::failed(format!("a grant's name is not UTF-8: {e}")))?;
        let cap: Client = export.get_cap().get_as_capability()?;
        grants.push((name, cap));
    }
    Ok(Grants::new(grants))
}

/// How long a cell whose setup failed keeps its connection so that the
/// host hears why, unless the host hangs up first.
#[cfg(target_os = "wasi")]
const FAILURE_GRACE_MS: u64 = 1000;

/// Connects to the host over stdio, grafts the membrane, and serves what
/// `cell` makes of the grants as this cell's capability until the host
/// hangs up (then returns `Ok`). An error from grafting or `cell` is what
/// calls on the export get, and is returned, as is an error of the
/// connection; returning it from `main` exits with code 1.
///
/// Outside a cell (not `wasm32-wasip2`) there is no host to talk to: it
/// fails at once.
pub fn serve<F, Fut>(cell: F) -> Result<(), capnp::Error>
where
    F: FnOnce(Grants) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<Client, capnp::Error>> + 'static,
{
    #[cfg(not(target_os = "wasi"))]
    return Err(outside_a_cell(cell));
    #[cfg(target_os = "wasi")]
    wstd::runtime::block_on(async move {
        let (serving, served) =
            futures::channel::oneshot::channel::<Result<Client, capnp::Error>>();
        let export: Client = capnp_rpc::new_future_client(async move {
            served.await.unwrap_or_else(|_| {
                Err(capnp::Error::failed(
                    "the cell stopped before serving a capability".into(),
                ))
            })
        });
        let (membrane, system) = connect(Some(export))?;
        let system = wstd::runtime::spawn(system);
        let made = match graft(&membrane).await {
            Ok(grants) => cell(grants).await,
            Err(e) => Err(e),
        };
        match made {
            Ok(client) => {
                // The receiver lives in the future client; it is gone only
                // if the connection is, which `system` reports.
                let _ = serving.send(Ok(client));
                system.await
            }
            Err(e) => {
                // Calls waiting for the export get the reason, once the
                // connection has carried it: it stays up until the host
                // hangs up, or for a grace period.
                let _ = serving.send(Err(e.clone()));
                let grace = wstd::task::sleep(wstd::time::Duration::from_millis(FAILURE_GRACE_MS));
                futures::future::select(system, std::pin::pin!(grace)).await;
                Err(e)
            }
        }
    })
}

/// Connects to the host over stdio, grafts the membrane, runs `cell` with
/// the grants, and ends the connection: for a cell that does a job rather
/// than serve (it serves nothing meanwhile). Returns what `cell` returns.
///
/// Outside a cell (not `wasm32-wasip2`) it fails at once, as [`serve`]
/// does.
pub fn run<F, Fut, T>(cell: F) -> Result<T, capnp::Error>
where
    F: FnOnce(Grants) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<T, capnp::Error>> + 'static,
    T: 'static,
{
    #[cfg(not(target_os = "wasi"))]
    return Err(outside_a_cell(cell));
    #[cfg(target_os = "wasi")]
    wstd::runtime::block_on(async move {
        let (membrane, system) = connect(None)?;
        let disconnect = system.get_disconnector();
        let system = wstd::runtime::spawn(system);
        let result = cell(graft(&membrane).await?).await;
        drop(membrane);
        disconnect.await?;
        system.await?;
        result
    })
}

/// Why vat mode cannot start here (the cell function is dropped unrun).
#[cfg(not(target_os = "wasi"))]
fn outside_a_cell<F>(_cell: F) -> capnp::Error {
    capnp::Error::unimplemented(
        "RPC with the host runs only inside a cell (wasm32-wasip2), where the host is at the other end"
            .into(),
    )
}

/// A two-party RPC system with the host, the cell being the server side:
/// its bootstrap capability is `export` and the host's is the membrane.
/// Over stdio in vat mode, else over the membrane channel.
#[cfg(target_os = "wasi")]
fn connect(
    export: Option<Client>,
) -> Result<
    (
        Membrane,
        capnp_rpc::RpcSystem<capnp_rpc::rpc_twoparty_capnp::Side>,
    ),
    capnp::Error,
> {
    use capnp_rpc::rpc_twoparty_capnp::Side;
    let (input, output) = match crate::mode() {
        crate::Mode::Vat => (streams::Input::stdin(), streams::Output::stdout()),
        _ => channel::connect()?,
    };
    let (input, output) = streams::buffered(input, output);
    let network = capnp_rpc::twoparty::VatNetwork::new(
        input,
        output,
        Side::Server,
        capnp::message::ReaderOptions::default(),
    );
    let mut system = capnp_rpc::RpcSystem::new(Box::new(network), export);
    let membrane = system.bootstrap(Side::Client);
    Ok((membrane, system))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken() -> Client {
        capnp_rpc::new_broken_cap(capnp::Error::failed("test".into()))
    }

    #[test]
    fn outside_a_cell_vat_mode_fails_at_once() {
        let e = serve(|_| async { Ok(broken()) }).unwrap_err();
        assert_eq!(e.kind, capnp::ErrorKind::Unimplemented);
        assert!(e.extra.contains("inside a cell"), "{e}");
        assert!(run(|_| async { Ok(()) }).is_err());
    }

    #[test]
    fn a_missing_grant_names_what_was_granted() {
        let grants = Grants::new(vec![("host".into(), broken()), ("out".into(), broken())]);
        assert_eq!(grants.names().collect::<Vec<_>>(), ["host", "out"]);
        assert!(grants.get::<Client>("out").is_ok());
        let Err(e) = grants.get::<Client>("hots") else {
            panic!("a name not granted is found");
        };
        assert_eq!(
            e.extra,
            "no capability is granted as `hots`; granted: host, out"
        );
        let Err(e) = Grants::new(Vec::new()).get::<Client>("host") else {
            panic!("a cell granted nothing finds something");
        };
        assert!(e.extra.contains("granted nothing"));
    }
}
