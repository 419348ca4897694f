//! [`LazyHttp`]: a node's HTTP routes and the server in front of them.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::OnceCell;

use super::{Routes, start};

/// Routes and where they are served: a server that runs already, or one
/// started when the first route is added (an evaluation that serves
/// nothing binds no port). Clones share them.
#[derive(Clone, Debug)]
pub struct LazyHttp(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    routes: Routes,
    addr: SocketAddr,
    bound: OnceCell<SocketAddr>,
}

impl LazyHttp {
    /// Routes served at `bound` already.
    pub fn ready(routes: Routes, bound: SocketAddr) -> LazyHttp {
        LazyHttp(Arc::new(Inner {
            routes,
            addr: bound,
            bound: OnceCell::new_with(Some(bound)),
        }))
    }

    /// Routes whose server binds `addr` when first asked for.
    pub fn new(addr: SocketAddr) -> LazyHttp {
        LazyHttp(Arc::new(Inner {
            routes: Routes::new(),
            addr,
            bound: OnceCell::new(),
        }))
    }

    pub fn routes(&self) -> &Routes {
        &self.0.routes
    }

    /// Where the routes are served, the server started now if it was not.
    /// It runs as long as the tokio runtime does.
    pub async fn addr(&self) -> std::io::Result<SocketAddr> {
        self.0
            .bound
            .get_or_try_init(|| async {
                let (bound, _task) = start(self.0.addr, self.0.routes.clone()).await?;
                Ok(bound)
            })
            .await
            .copied()
    }
}
