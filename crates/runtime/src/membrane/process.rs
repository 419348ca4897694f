//! `Process`: a spawned cell over Cap'n Proto.

use std::rc::Rc;

use capnp::capability::Client;
use tokio::io::DuplexStream;

use super::{ByteStream, Epoch, Grant, Membrane, Vat};
use crate::cells::{Ended, KillSwitch, Mode, Outcome, Process};
use crate::schema::runtime_capnp::process;
use crate::schema::stream_capnp::byte_stream;

/// A process's end: `None` until it is known.
type Ending = tokio::sync::watch::Receiver<Option<Result<Outcome, String>>>;

/// The `Process` capability of one spawned cell. Dropping the last
/// reference to it stops the cell.
pub(super) struct ProcessServer {
    stdin: Option<byte_stream::Client>,
    stdout: Option<byte_stream::Client>,
    bootstrap: Option<Client>,
    ending: Ending,
    kill: KillSwitch,
}

impl ProcessServer {
    /// Serves `process`: in `vat` mode, by connecting to it over its stdio
    /// with a membrane of `grants` (under `epoch`); in `raw` and `http`
    /// mode, by serving its stdio as streams, and connecting over its
    /// membrane channel if it has grants. Must run on a `LocalSet`.
    pub(super) fn start(
        process: Process,
        mode: Mode,
        grants: Vec<Grant>,
        epoch: &Epoch,
    ) -> Result<ProcessServer, capnp::Error> {
        let Process {
            stdin,
            stdout,
            channel,
            exit,
        } = process;
        let kill = exit.kill_switch();
        let (stdin, stdout, bootstrap) = match (mode, channel) {
            (Mode::Vat, _) => (None, None, connect(stdin, stdout, grants, epoch, true)?),
            (_, channel) => {
                // The membrane is on the channel, if there are grants (the
                // executor asks for one then). A WAGI cell answers its
                // request on stdout and serves nothing over it.
                let bootstrap = match channel {
                    Some(ends) => {
                        connect(ends.writer, ends.reader, grants, epoch, mode == Mode::Raw)?
                    }
                    None if grants.is_empty() => None,
                    None => return Err(capnp::Error::failed(NO_CHANNEL.into())),
                };
                let writer = ByteStream::new(None::<DuplexStream>, Some(stdin)).client();
                let reader = ByteStream::new(Some(stdout), None::<DuplexStream>).client();
                (Some(writer), Some(reader), bootstrap)
            }
        };
        let (record, ending) = tokio::sync::watch::channel(None);
        tokio::task::spawn_local(async move {
            record.send_replace(Some(exit.wait().await.map_err(|e| e.to_string())));
        });
        Ok(ProcessServer {
            stdin,
            stdout,
            bootstrap,
            ending,
            kill,
        })
    }

    async fn outcome(&self) -> Result<Outcome, capnp::Error> {
        let mut ending = self.ending.clone();
        let ended = ending
            .wait_for(Option::is_some)
            .await
            .map_err(|_| capnp::Error::failed("the process's waiter is gone".into()))?;
        match &*ended {
            Some(Ok(outcome)) => Ok(outcome.clone()),
            Some(Err(e)) => Err(capnp::Error::failed(format!(
                "the cell could not start: {e}"
            ))),
            None => unreachable!("wait_for returns once the outcome is there"),
        }
    }
}

impl Drop for ProcessServer {
    fn drop(&mut self) {
        self.kill.kill();
    }
}

/// Why grants cannot reach a process spawned without a membrane channel.
const NO_CHANNEL: &str = "this process has no membrane channel to graft its grants over";

/// Connects to a cell, writing to `to_cell` and reading `from_cell`, with
/// a membrane of `grants` (under `epoch`) as the host's side; returns what
/// the cell serves if `export` is asked for (asking costs a message each
/// way, which a cell that serves nothing need not answer). The connection
/// runs as a task of the `LocalSet`.
pub(crate) fn connect(
    to_cell: DuplexStream,
    from_cell: DuplexStream,
    grants: Vec<Grant>,
    epoch: &Epoch,
    export: bool,
) -> Result<Option<Client>, capnp::Error> {
    let membrane = Membrane::new(epoch, grants)
        .map_err(|e| capnp::Error::failed(e.to_string()))?
        .client();
    let mut vat = Vat::connect(to_cell, from_cell, membrane);
    let export: Option<Client> = export.then(|| vat.export());
    tokio::task::spawn_local(async move {
        if let Err(e) = vat.run().await {
            eprintln!("ww: the connection with a cell failed: {e}");
        }
    });
    Ok(export)
}

fn not_in_this_mode(what: &str, mode: &str) -> capnp::Error {
    capnp::Error::failed(format!(
        "this process has no {what}: that is for a cell spawned in {mode} mode"
    ))
}

impl process::Server for ProcessServer {
    async fn stdin(
        self: Rc<Self>,
        _: process::StdinParams,
        mut results: process::StdinResults,
    ) -> Result<(), capnp::Error> {
        let stream = self
            .stdin
            .clone()
            .ok_or_else(|| not_in_this_mode("stdin stream", "raw or http"))?;
        results.get().set_stream(stream);
        Ok(())
    }

    async fn stdout(
        self: Rc<Self>,
        _: process::StdoutParams,
        mut results: process::StdoutResults,
    ) -> Result<(), capnp::Error> {
        let stream = self
            .stdout
            .clone()
            .ok_or_else(|| not_in_this_mode("stdout stream", "raw or http"))?;
        results.get().set_stream(stream);
        Ok(())
    }

    async fn stderr(
        self: Rc<Self>,
        _: process::StderrParams,
        mut results: process::StderrResults,
    ) -> Result<(), capnp::Error> {
        let outcome = self.outcome().await?;
        let stream = ByteStream::new(
            Some(std::io::Cursor::new(outcome.stderr)),
            None::<DuplexStream>,
        );
        results.get().set_stream(stream.client());
        Ok(())
    }

    async fn wait(
        self: Rc<Self>,
        _: process::WaitParams,
        mut results: process::WaitResults,
    ) -> Result<(), capnp::Error> {
        let outcome = self.outcome().await?;
        let mut r = results.get();
        r.set_exit_code(match outcome.ended {
            Ended::Exit(code) => code,
            _ => -1,
        });
        r.set_ended(outcome.ended.kind());
        r.set_reason(format!("the cell {}", outcome.ended));
        Ok(())
    }

    async fn kill(
        self: Rc<Self>,
        _: process::KillParams,
        _: process::KillResults,
    ) -> Result<(), capnp::Error> {
        self.kill.kill();
        Ok(())
    }

    async fn bootstrap(
        self: Rc<Self>,
        _: process::BootstrapParams,
        mut results: process::BootstrapResults,
    ) -> Result<(), capnp::Error> {
        let cap = self
            .bootstrap
            .as_ref()
            .ok_or_else(|| not_in_this_mode("bootstrap capability", "vat"))?;
        results
            .get()
            .init_cap()
            .set_as_capability(cap.hook.add_ref());
        Ok(())
    }
}
