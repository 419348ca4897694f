//! `Listener`: what serves a route or a protocol, until closed.

use std::rc::Rc;

use crate::schema::host_capnp::listener;
use crate::web::Routes;

/// What a listener stops when closed.
pub(super) enum Serving {
    /// An HTTP route of the node's server.
    Route { routes: Routes, path: String },
    /// A libp2p protocol, accepted by this task (until closed).
    Protocol(std::cell::RefCell<Option<tokio::task::JoinHandle<()>>>),
}

/// The `Listener` of one route or protocol.
pub(super) struct ListenerServer {
    pub(super) serving: Serving,
    /// The route's URL, or the protocol.
    pub(super) url: String,
}

impl listener::Server for ListenerServer {
    async fn url(
        self: Rc<Self>,
        _: listener::UrlParams,
        mut results: listener::UrlResults,
    ) -> Result<(), capnp::Error> {
        results.get().set_url(&self.url);
        Ok(())
    }

    async fn close(
        self: Rc<Self>,
        _: listener::CloseParams,
        _: listener::CloseResults,
    ) -> Result<(), capnp::Error> {
        match &self.serving {
            Serving::Route { routes, path } => routes.remove(path),
            // Dropping the accepting task's stream handle stops the
            // protocol; connections already made go on. The task is
            // awaited, not only aborted: an aborted task is dropped at its
            // next poll, and until then a peer could still open the
            // protocol after `close` has answered.
            Serving::Protocol(task) => {
                let task = task.borrow_mut().take();
                if let Some(task) = task {
                    task.abort();
                    let _ = task.await;
                }
            }
        }
        Ok(())
    }
}
