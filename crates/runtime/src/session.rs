//! A Glia session holding a node's capabilities: what `ww shell` and `ww
//! mcp` evaluate in.
//!
//! The capabilities are a node's: the one running on this machine (its
//! state file under `~/.ww/run`), a remote one logged in to, or, with
//! neither, an in-process node. The session's other host effects are the
//! host it is made with (this process's stdout for the shell, a buffer
//! for MCP).

use std::path::PathBuf;

use glia_effects::{Answer, EvalError, Host};
use glia_eval::vm::Exceeded;
use glia_eval::{Glia, Value};

/// A Glia session and the node it is attached to.
pub struct Session<H> {
    pub glia: Glia,
    runtime: tokio::runtime::Runtime,
    /// Cap'n Proto objects (capabilities, and the processes they run) live
    /// on this thread, across evaluations.
    local: tokio::task::LocalSet,
    pub host: runtime::bindings::CapHost<H>,
    /// The connection to the node the session is attached to, if any.
    _attached: Option<runtime::node::attach::Attached>,
}

/// Whose capabilities a session holds.
#[derive(Debug, Clone)]
pub enum Target {
    /// The newest node running on this machine (its state file under
    /// `~/.ww/run`); with none, an in-process node the session makes.
    Here,
    /// The node serving its membrane on this socket: for a session the
    /// node itself runs (its MCP endpoint), which must not find another.
    Socket(PathBuf),
    /// A remote node, logged in to.
    Remote(Remote),
}

/// A remote node to log in to, and the key to log in with.
#[derive(Debug, Clone)]
pub struct Remote {
    pub addr: libp2p::Multiaddr,
    pub identity: PathBuf,
}

/// Root capabilities by name.
type Clients = Vec<(String, capnp::capability::Client)>;

/// The root capabilities granted by the node `target` names. `None` when
/// it is [`Target::Here`] and no node runs here (the session makes its
/// own). `who` names the command in what it reports (on stderr).
async fn attach(
    target: Target,
    who: &str,
) -> Result<Option<(runtime::node::attach::Attached, Clients)>, String> {
    use runtime::node::attach;
    let attached = match target {
        Target::Remote(Remote { addr, identity }) => {
            let attached = attach::remote(&addr, &identity)
                .await
                .map_err(|e| format!("cannot log in to {addr}: {e}"))?;
            eprintln!("{who}: logged in to {addr}");
            attached
        }
        Target::Socket(socket) => attach::local(&socket).await?,
        Target::Here => {
            let Some(node) = runtime::node::state::running(&runtime::home::run_dir())
                .into_iter()
                .next()
            else {
                return Ok(None);
            };
            let attached = attach::local(&node.socket).await?;
            eprintln!(
                "{who}: attached to the node {} (pid {})",
                node.peer_id, node.pid
            );
            attached
        }
    };
    let clients = attach::graft(&attached.membrane).await?;
    Ok(Some((attached, clients)))
}

impl<H: Host> Session<H> {
    /// A session holding `target`'s capabilities, its other effects served
    /// by `inner`.
    pub fn new(target: Target, inner: H, who: &str) -> Result<Session<H>, String> {
        // A worker thread keeps the node's network running between inputs.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let mut glia = Glia::new();
        let local = tokio::task::LocalSet::new();
        let attached = runtime.block_on(local.run_until(attach(target, who)))?;
        let (attached, clients) = attached.unzip();
        let host = match clients {
            Some(clients) => runtime::bindings::CapHost::with_clients(
                inner,
                &mut glia,
                &runtime::membrane::Epoch::new(),
                clients,
            ),
            None => {
                let roots = runtime::bindings::Roots::in_process();
                runtime::bindings::CapHost::with_roots(inner, &mut glia, &roots)
            }
        };
        Ok(Session {
            glia,
            runtime,
            local,
            host,
            _attached: attached,
        })
    }

    /// Evaluates `text` (named `name` in reports) under the VM's limits.
    /// Its time limit (`limits.timeout`) also bounds the effects it waits
    /// on: the VM enforces it only while it computes.
    pub fn eval(&mut self, name: &str, text: &str) -> Result<Value, EvalError> {
        self.eval_at(name, text, None)
    }

    /// As [`Session::eval`], but only the top-level form at `form` of
    /// `text` when given: its errors point into the whole text, so a
    /// script run form by form reports each at its real line.
    pub fn eval_at(
        &mut self,
        name: &str,
        text: &str,
        form: Option<usize>,
    ) -> Result<Value, EvalError> {
        let limits = self.glia.vm.limits.clone();
        let deadline = limits.timeout.map(|t| tokio::time::Instant::now() + t);
        let mut host = Timed {
            inner: &mut self.host,
            deadline,
            limits,
        };
        let glia = &mut self.glia;
        let run = self.local.run_until(async move {
            match form {
                None => glia_effects::eval(glia, name, text, &mut host).await,
                Some(index) => glia_effects::eval_form(glia, name, text, index, &mut host).await,
            }
        });
        self.runtime.block_on(run)
    }
}

/// Answers effects through `inner` until `deadline`, or until the
/// evaluation is interrupted (Ctrl-C at the shell sets the flag): a
/// perform still waiting then raises the time limit's or the interrupt's
/// error. The VM looks at both only while it computes, so a wait on a
/// capability is bounded here. Glia cannot catch these errors, so the
/// evaluation ends as a runaway loop's does and the session stays usable.
struct Timed<'h, H> {
    inner: &'h mut H,
    deadline: Option<tokio::time::Instant>,
    limits: glia_eval::Limits,
}

impl<H: Host> Host for Timed<'_, H> {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        let limits = &self.limits;
        let deadline = self.deadline;
        let timed_out = async {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        // The flag is set from a signal handler, which cannot wake a task:
        // it is looked at every 20 ms, a delay no one at a prompt notices.
        let interrupted = async {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(20));
            while !limits.interrupt.load(std::sync::atomic::Ordering::SeqCst) {
                tick.tick().await;
            }
        };
        tokio::select! {
            // An answer ready at once is taken before the timers are set.
            biased;
            answer = self.inner.perform(target, data) => answer,
            () = timed_out => Answer::Error(Exceeded::Deadline.error(limits)),
            () = interrupted => Answer::Error(Exceeded::Interrupted.error(limits)),
        }
    }
}
