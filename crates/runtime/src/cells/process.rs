//! A running cell whose stdio the host holds as streams: what `vat` and
//! `raw` modes need, where the conversation with the cell goes on while it
//! runs.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, DuplexStream};
use tokio::task::JoinHandle;

use super::channel::{self, HostEnds};
use super::engine::{CellHost, Running};
use super::run::{Cell, CellError, Ended, Outcome, Run, execute};
use super::sandbox::Stdio;

/// Bytes in flight each way between the host and a cell before the writer
/// waits for the reader.
const PIPE_CAPACITY: usize = 64 << 10;

/// A spawned cell.
///
/// Take the streams apart (`let Process { stdin, stdout, exit, .. } = ...`):
/// what the host writes to `stdin` the cell reads from its stdin (after
/// [`Run::stdin`]); what the cell writes to its stdout the host reads from
/// `stdout`. Dropping `stdin` is the end of the cell's input.
#[derive(Debug)]
pub struct Process {
    pub stdin: DuplexStream,
    pub stdout: DuplexStream,
    /// The host's ends of the membrane channel, if [`Run::channel`] asked
    /// for one.
    pub channel: Option<HostEnds>,
    pub exit: Exit,
}

/// How to learn how a spawned cell ended, or to stop it. Dropping it stops
/// the cell: a cell nobody can wait for has no business running.
#[derive(Debug)]
pub struct Exit {
    task: JoinHandle<Result<Outcome, CellError>>,
}

impl CellHost {
    /// Starts `cell` as `run` says, with its stdin and stdout as streams
    /// the returned [`Process`] holds the other ends of. Its limits hold
    /// as for [`CellHost::run`], except that stdout is a stream, so
    /// `limits.stdout` does not apply: a cell that writes faster than the
    /// host reads waits.
    ///
    /// Must be called within a tokio runtime, which runs the cell.
    pub fn spawn(&self, cell: Arc<Cell>, mut run: Run) -> Process {
        let (stdin, cell_stdin) = tokio::io::duplex(PIPE_CAPACITY);
        let (cell_stdout, stdout) = tokio::io::duplex(PIPE_CAPACITY);
        let first = std::io::Cursor::new(std::mem::take(&mut run.stdin));
        let stdio = Stdio::Streamed {
            stdin: Box::new(first.chain(cell_stdin)),
            stdout: cell_stdout,
        };
        let (channel, cell_ends) = match run.channel {
            true => {
                let (host, cell) = channel::pair();
                (Some(host), Some(cell))
            }
            false => (None, None),
        };
        let engine = self.engine.clone();
        let tmp = self.tmp.clone();
        let running = Running::new(&self.running);
        let task = tokio::spawn(async move {
            let _running = running;
            execute(&engine, &tmp, &cell, run, stdio, cell_ends).await
        });
        Process {
            stdin,
            stdout,
            channel,
            exit: Exit { task },
        }
    }
}

impl Exit {
    /// Waits for the cell to end. Errors are only for what stopped it from
    /// starting, as for [`CellHost::run`].
    pub async fn wait(mut self) -> Result<Outcome, CellError> {
        match (&mut self.task).await {
            Ok(result) => result,
            Err(e) if e.is_cancelled() => Ok(Outcome {
                ended: Ended::Killed,
                stdout: Vec::new(),
                stderr: Vec::new(),
            }),
            Err(e) => Err(CellError::Engine(format!("the cell's task failed: {e}"))),
        }
    }

    /// Stops the cell at once; [`Exit::wait`] then says [`Ended::Killed`]
    /// (unless it had already ended).
    pub fn kill(&self) {
        self.task.abort();
    }

    /// Something that stops the cell as [`Exit::kill`] does, for whoever
    /// does not hold the `Exit` (which its waiter does).
    pub fn kill_switch(&self) -> KillSwitch {
        KillSwitch(self.task.abort_handle())
    }
}

/// Stops a spawned cell ([`Exit::kill_switch`]).
#[derive(Debug, Clone)]
pub struct KillSwitch(tokio::task::AbortHandle);

impl KillSwitch {
    pub fn kill(&self) {
        self.0.abort();
    }
}

impl Drop for Exit {
    fn drop(&mut self) {
        self.task.abort();
    }
}
