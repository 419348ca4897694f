//! A Cap'n Proto connection over a cell's stdio.

use capnp::capability::FromClientHook;
use capnp_rpc::rpc_twoparty_capnp::Side;
use capnp_rpc::{RpcSystem, twoparty};
use tokio::io::DuplexStream;
use tokio_util::compat::{TokioAsyncReadCompatExt, TokioAsyncWriteCompatExt};

use crate::schema::membrane_capnp::membrane;

/// The host's end of a `vat`-mode cell's connection: the host is the
/// client side of a two-party network whose server side is the cell.
///
/// Nothing moves until [`Vat::run`] is polled; it is not `Send` (Cap'n
/// Proto RPC is single-threaded), so run it on a `LocalSet`.
pub struct Vat {
    system: RpcSystem<Side>,
}

impl std::fmt::Debug for Vat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vat").finish_non_exhaustive()
    }
}

impl Vat {
    /// Speaks Cap'n Proto RPC with a spawned cell over its `stdin` and
    /// `stdout` (a [`crate::cells::Process`]'s ends), offering it
    /// `membrane` as the bootstrap capability it grafts.
    pub fn connect(stdin: DuplexStream, stdout: DuplexStream, membrane: membrane::Client) -> Vat {
        let network = twoparty::VatNetwork::new(
            stdout.compat(),
            stdin.compat_write(),
            Side::Client,
            capnp::message::ReaderOptions::default(),
        );
        Vat {
            system: RpcSystem::new(Box::new(network), Some(membrane.client)),
        }
    }

    /// The capability the cell serves (its bootstrap capability). Calls
    /// on it are queued until the cell answers, and fail if it never
    /// serves one.
    pub fn export<T: FromClientHook>(&mut self) -> T {
        self.system.bootstrap(Side::Server)
    }

    /// Carries the conversation until either side ends it. A cell that
    /// exits ends it without an error; dropping the future hangs up (the
    /// cell sees its stdin end).
    pub async fn run(self) -> Result<(), capnp::Error> {
        self.system.await
    }
}
