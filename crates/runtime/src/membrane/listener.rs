//! `Listener`: what serves a route or a protocol, until closed.

use std::rc::Rc;

use crate::schema::host_capnp::listener;
use crate::web::Routes;

/// What a listener stops when closed.
pub(super) enum Serving {
    /// An HTTP route of the node's server.
    Route { routes: Routes, path: String },
    /// A libp2p protocol, accepted by this task.
    Protocol(tokio::task::AbortHandle),
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
            // protocol; connections already made go on.
            Serving::Protocol(task) => task.abort(),
        }
        Ok(())
    }
}
