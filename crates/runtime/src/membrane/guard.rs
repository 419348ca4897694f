//! The membrane proxy: a capability seen through a [`Policy`] and an
//! [`Epoch`], checked on every call below the typed layer.
//!
//! The guard is a `ClientHook` of its own rather than a server behind
//! capnp-rpc's local client: a call through it is the check and one
//! virtual call to the target, with the caller's parameters and results
//! passed through untouched whenever the schema says the results cannot
//! hold a capability. Only results that can are copied, to wrap the
//! capabilities in them.

use std::rc::Rc;

use capnp::any_pointer;
use capnp::capability::{FromClientHook, Promise, RemotePromise, Request, Response};
use capnp::private::capability::{
    ClientHook, ParamsHook, PipelineHook, PipelineOp, RequestHook, ResponseHook, ResultsHook,
};
use capnp::traits::{Imbue, ImbueMut};

use super::{Epoch, Policy};
use crate::schema;

/// How a call refused for its method begins; the rest names the method.
/// Stable: clients may match on it.
pub const DENIED: &str = "ww.membrane.denied";

/// How a call on a capability of an ended epoch begins. Stable.
pub const REVOKED: &str = "ww.membrane.revoked";

/// `target` as seen through `policy`, valid while `epoch` stays where it is
/// now. Every capability a call through it returns (in its results, and
/// so to pipelined calls) is seen through the same policy and epoch.
/// Guarding a guarded capability applies both: it only narrows.
pub fn guard<C: FromClientHook>(target: C, policy: Rc<Policy>, epoch: &Epoch) -> C {
    let guard = Guard {
        target: target.into_client_hook(),
        policy,
        epoch: epoch.clone(),
        issued: epoch.current(),
    };
    C::new(Box::new(Guarded(Rc::new(guard))))
}

struct Guard {
    target: Box<dyn ClientHook>,
    policy: Rc<Policy>,
    epoch: Epoch,
    issued: u64,
}

impl Guard {
    fn admit(&self, interface: u64, method: u16) -> Result<(), capnp::Error> {
        let now = self.epoch.current();
        if now != self.issued {
            return Err(capnp::Error::failed(format!(
                "{REVOKED}: this capability was issued in epoch {}, which has ended (now {now}); graft again for fresh ones",
                self.issued
            )));
        }
        if !self.policy.allows(interface, method) {
            let method = match schema::interfaces().get(&interface) {
                Some(i) => i.describe(method),
                None => format!("method @{method} of interface {interface:#x}"),
            };
            return Err(capnp::Error::failed(format!(
                "{DENIED}: {method} is not granted to this capability"
            )));
        }
        Ok(())
    }

    /// The same policy and epoch over another capability.
    fn wrap(&self, target: Box<dyn ClientHook>) -> Box<dyn ClientHook> {
        Box::new(Guarded(Rc::new(Guard {
            target,
            policy: self.policy.clone(),
            epoch: self.epoch.clone(),
            issued: self.issued,
        })))
    }

    /// A copy of `response` with every capability in it wrapped. Below the
    /// typed layer a message's capabilities are its cap table: the copy
    /// collects them, they are wrapped in place, and the copy is read with
    /// the wrapped table.
    fn wrapped(&self, response: any_pointer::Reader<'_>) -> capnp::Result<Wrapped> {
        // One segment the size of the copy (and its root pointer): the
        // default first segment, 8 KiB zeroed, cost more than the copy.
        let words = response.target_size()?.word_count + 1;
        let allocator = capnp::message::HeapAllocator::new()
            .first_segment_words(u32::try_from(words).unwrap_or(u32::MAX));
        let mut message = capnp::message::Builder::new(allocator);
        let mut caps: Vec<Option<Box<dyn ClientHook>>> = Vec::new();
        {
            let mut root: any_pointer::Builder = message.get_root()?;
            root.imbue_mut(&mut caps);
            root.set_as(response)?;
        }
        for cap in &mut caps {
            if let Some(hook) = cap.take() {
                *cap = Some(self.wrap(hook));
            }
        }
        Ok(Wrapped { message, caps })
    }
}

/// Whether method `method` of `interface` can return a capability (true
/// for an interface the schemas do not have).
fn results_hold_caps(interface: u64, method: u16) -> bool {
    schema::interfaces()
        .get(&interface)
        .and_then(|i| i.results_hold_caps.get(usize::from(method)).copied())
        .unwrap_or(true)
}

/// The guard as a capability.
#[derive(Clone)]
struct Guarded(Rc<Guard>);

impl ClientHook for Guarded {
    fn add_ref(&self) -> Box<dyn ClientHook> {
        Box::new(self.clone())
    }

    fn new_call(
        &self,
        interface_id: u64,
        method_id: u16,
        size_hint: Option<capnp::MessageSize>,
    ) -> Request<any_pointer::Owned, any_pointer::Owned> {
        let inner = self.0.target.new_call(interface_id, method_id, size_hint);
        Request::new(Box::new(GuardedRequest {
            inner: inner.hook,
            guard: self.0.clone(),
            interface_id,
            method_id,
        }))
    }

    fn call(
        &self,
        interface_id: u64,
        method_id: u16,
        params: Box<dyn ParamsHook>,
        mut results: Box<dyn ResultsHook>,
    ) -> Promise<(), capnp::Error> {
        if let Err(e) = self.0.admit(interface_id, method_id) {
            return Promise::err(e);
        }
        if !results_hold_caps(interface_id, method_id) {
            return self.0.target.call(interface_id, method_id, params, results);
        }
        // The results must be looked at: call the target with a copy of
        // the parameters and fill the caller's results with its answer,
        // wrapped.
        let mut request = self.0.target.new_call(interface_id, method_id, None);
        if let Err(e) = params.get().and_then(|p| request.get().set_as(p)) {
            return Promise::err(e);
        }
        let guard = self.0.clone();
        let response = request.send().promise;
        Promise::from_future(async move {
            let response = response.await?;
            let wrapped = guard.wrapped(response.get()?)?;
            results.get()?.set_as(wrapped.get()?)
        })
    }

    fn get_brand(&self) -> usize {
        // Not tied to any connection, like a local server.
        0
    }

    fn get_ptr(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }

    fn get_resolved(&self) -> Option<Box<dyn ClientHook>> {
        // The guard itself is settled, even over a promise: it stays in
        // front of whatever the promise becomes.
        None
    }

    fn when_more_resolved(&self) -> Option<Promise<Box<dyn ClientHook>, capnp::Error>> {
        None
    }

    fn when_resolved(&self) -> Promise<(), capnp::Error> {
        self.0.target.when_resolved()
    }
}

/// A call on a guarded capability, not sent yet.
struct GuardedRequest {
    inner: Box<dyn RequestHook>,
    guard: Rc<Guard>,
    interface_id: u64,
    method_id: u16,
}

impl RequestHook for GuardedRequest {
    fn get(&mut self) -> any_pointer::Builder<'_> {
        self.inner.get()
    }

    fn get_brand(&self) -> usize {
        0
    }

    fn send(self: Box<Self>) -> RemotePromise<any_pointer::Owned> {
        if let Err(e) = self.guard.admit(self.interface_id, self.method_id) {
            return RemotePromise {
                promise: Promise::err(e.clone()),
                pipeline: any_pointer::Pipeline::new(Box::new(Refused(e))),
            };
        }
        let sent = self.inner.send();
        if !results_hold_caps(self.interface_id, self.method_id) {
            return sent;
        }
        let guard = self.guard.clone();
        let promise = sent.promise;
        RemotePromise {
            promise: Promise::from_future(async move {
                let response = promise.await?;
                let wrapped = guard.wrapped(response.get()?)?;
                Ok(Response::new(Box::new(wrapped) as Box<dyn ResponseHook>))
            }),
            pipeline: any_pointer::Pipeline::new(Box::new(GuardedPipeline {
                inner: sent.pipeline.hook,
                guard: self.guard,
            })),
        }
    }

    fn send_streaming(self: Box<Self>) -> Promise<(), capnp::Error> {
        match self.guard.admit(self.interface_id, self.method_id) {
            Ok(()) => self.inner.send_streaming(),
            Err(e) => Promise::err(e),
        }
    }

    fn tail_send(
        self: Box<Self>,
    ) -> Option<(u32, Promise<(), capnp::Error>, Box<dyn PipelineHook>)> {
        // A tail call would hand the target's results to our caller
        // unwrapped; declining makes the caller send and copy instead.
        None
    }
}

/// A response whose capabilities are wrapped: a copy, read with the
/// wrapped cap table.
struct Wrapped {
    message: capnp::message::Builder<capnp::message::HeapAllocator>,
    caps: Vec<Option<Box<dyn ClientHook>>>,
}

impl Wrapped {
    fn get(&self) -> capnp::Result<any_pointer::Reader<'_>> {
        let mut root: any_pointer::Reader = self.message.get_root_as_reader()?;
        root.imbue(&self.caps);
        Ok(root)
    }
}

impl ResponseHook for Wrapped {
    fn get(&self) -> capnp::Result<any_pointer::Reader<'_>> {
        Wrapped::get(self)
    }
}

/// Promised results of a guarded call: calls pipelined on a capability in
/// them go through the same guard.
struct GuardedPipeline {
    inner: Box<dyn PipelineHook>,
    guard: Rc<Guard>,
}

impl PipelineHook for GuardedPipeline {
    fn add_ref(&self) -> Box<dyn PipelineHook> {
        Box::new(GuardedPipeline {
            inner: self.inner.add_ref(),
            guard: self.guard.clone(),
        })
    }

    fn get_pipelined_cap(&self, ops: &[PipelineOp]) -> Box<dyn ClientHook> {
        self.guard.wrap(self.inner.get_pipelined_cap(ops))
    }
}

/// The promised results of a refused call: every capability in them is
/// refused the same way.
struct Refused(capnp::Error);

impl PipelineHook for Refused {
    fn add_ref(&self) -> Box<dyn PipelineHook> {
        Box::new(Refused(self.0.clone()))
    }

    fn get_pipelined_cap(&self, _: &[PipelineOp]) -> Box<dyn ClientHook> {
        capnp_rpc::new_broken_cap(self.0.clone()).hook
    }
}
