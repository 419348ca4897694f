//! The methods of the schemas' interfaces as Glia calls: Glia arguments to
//! Cap'n Proto parameters, results back to Glia values.
//!
//! Written per interface (the typed layer): Cap'n Proto's dynamic API needs
//! schemas compiled into the program, and each method's arguments deserve a
//! Glia-shaped signature and messages anyway.

mod http;
mod network;
mod oracle;
mod run_options;

use std::rc::Rc;

use capnp::capability::{Client, FromClientHook};
use capnp::traits::HasTypeId;
use glia_eval::value::Keyword;
use glia_eval::{Error, ErrorType, Value};

use super::registry::Registry;
use crate::membrane::{DENIED, REVOKED};
use crate::schema::greeter_capnp::greeter;
use crate::schema::host_capnp::{host, listener};
use crate::schema::http_capnp::http_client;
use crate::schema::identity_capnp::{identity, signer};
use crate::schema::membrane_capnp::membrane;
use crate::schema::oracle_capnp;
use crate::schema::routing_capnp::routing;
use crate::schema::runtime_capnp::{executor, process, runtime};
use crate::schema::stream_capnp::byte_stream;
use run_options::{Purpose, RunOptions};

/// What `(perform cap :method args...)` does for a Cap'n Proto `client`
/// of `interface`.
pub async fn call(
    registry: &mut Registry,
    client: Client,
    interface: Option<u64>,
    method: &Keyword,
    args: Vec<Value>,
) -> Result<Value, Error> {
    let Some(interface) = interface else {
        return Err(Error::illegal_argument(format!(
            "this capability's interface is unknown to the host, so {method} cannot be called from Glia"
        ))
        .with_hint("grant it to a cell that knows its schema"));
    };
    let name = method.name();
    let call = Call {
        interface: crate::schema::interfaces()
            .get(&interface)
            .map_or("capability", |i| i.name.as_str()),
        method: name,
        args: &args,
    };
    match interface {
        membrane::Client::TYPE_ID => call.membrane(registry, typed(client)).await,
        identity::Client::TYPE_ID => call.identity(registry, typed(client)).await,
        signer::Client::TYPE_ID => call.signer(typed(client)).await,
        greeter::Client::TYPE_ID => call.greeter(typed(client)).await,
        oracle_capnp::oracle::Client::TYPE_ID => call.oracle(typed(client)).await,
        byte_stream::Client::TYPE_ID => call.byte_stream(typed(client)).await,
        runtime::Client::TYPE_ID => call.runtime(registry, typed(client)).await,
        executor::Client::TYPE_ID => call.executor(registry, typed(client)).await,
        process::Client::TYPE_ID => call.process(registry, typed(client)).await,
        host::Client::TYPE_ID => call.host(registry, typed(client)).await,
        listener::Client::TYPE_ID => call.listener(typed(client)).await,
        routing::Client::TYPE_ID => call.routing(typed(client)).await,
        http_client::Client::TYPE_ID => call.http_client(registry, typed(client)).await,
        _ => Err(call.unbound()),
    }
}

fn typed<C: FromClientHook>(client: Client) -> C {
    C::new(client.hook)
}

/// One call's names and arguments, for its conversions and messages.
struct Call<'a> {
    interface: &'a str,
    method: &'a str,
    args: &'a [Value],
}

impl Call<'_> {
    fn unbound(&self) -> Error {
        Error::illegal_argument(format!(
            "{}.{} has no Glia binding yet",
            self.interface, self.method
        ))
    }

    fn arity(&self, usage: &str) -> Error {
        Error::new(
            ErrorType::Arity,
            format!(
                "{} :{} takes other arguments ({} given)",
                self.interface,
                self.method,
                self.args.len()
            ),
        )
        .with_hint(format!("usage: {usage}"))
    }

    fn no_args(&self) -> Result<(), Error> {
        if self.args.is_empty() {
            Ok(())
        } else {
            Err(self.arity(&format!("(perform cap :{})", self.method)))
        }
    }

    /// Sends `request` and reads its results with `read`; a failure either
    /// way is this call's error (see [`Call::failed`]).
    async fn ask<P, R, T>(
        &self,
        request: capnp::capability::Request<P, R>,
        read: impl FnOnce(<R as capnp::traits::Owned>::Reader<'_>) -> capnp::Result<T>,
    ) -> Result<T, Error>
    where
        R: capnp::traits::Pipelined + capnp::traits::Owned + 'static + Unpin,
        <R as capnp::traits::Pipelined>::Pipeline: capnp::capability::FromTypelessPipeline,
    {
        let response = request.send().promise.await.map_err(|e| self.failed(e))?;
        response.get().and_then(read).map_err(|e| self.failed(e))
    }

    /// A failed call as a Glia error: a refusal by a membrane is
    /// `:glia.error/permission-denied`, anything else `:glia.error/io`.
    fn failed(&self, e: capnp::Error) -> Error {
        let text = e.to_string();
        let ty = if text.contains(DENIED) || text.contains(REVOKED) {
            ErrorType::PermissionDenied
        } else {
            ErrorType::Io
        };
        Error::new(
            ty,
            format!("{}.{} failed: {text}", self.interface, self.method),
        )
    }

    fn bytes(&self, v: &Value) -> Result<Vec<u8>, Error> {
        match v {
            Value::Bytes(b) => Ok(b.to_vec()),
            Value::Str(s) => Ok(s.as_str().as_bytes().to_vec()),
            other => Err(Error::new(
                ErrorType::TypeMismatch,
                format!(
                    "{} :{} needs bytes or a string, not {}",
                    self.interface,
                    self.method,
                    other.type_name()
                ),
            )),
        }
    }

    async fn membrane(
        &self,
        registry: &mut Registry,
        cap: membrane::Client,
    ) -> Result<Value, Error> {
        match self.method {
            "graft" => {
                self.no_args()?;
                let exports = self
                    .ask(cap.graft_request(), |r| {
                        r.get_exports()?
                            .iter()
                            .map(|e| {
                                let cap: Client = e.get_cap().get_as_capability()?;
                                Ok((e.get_name()?.to_string()?, cap))
                            })
                            .collect::<capnp::Result<Vec<_>>>()
                    })
                    .await?;
                let mut grants = glia_eval::value::Map::default();
                for (name, cap) in exports {
                    grants.insert(Value::keyword(None, &name), registry.value(cap, None));
                }
                Ok(Value::Map(Rc::new(grants)))
            }
            _ => Err(self.unbound()),
        }
    }

    fn text<'v>(&self, v: &'v Value, what: &str) -> Result<&'v str, Error> {
        v.as_str().ok_or_else(|| {
            Error::new(
                ErrorType::TypeMismatch,
                format!(
                    "{} :{}: {what} is a string, not {}",
                    self.interface,
                    self.method,
                    v.type_name()
                ),
            )
        })
    }

    /// Strings from a string or a vector of them.
    fn strings(&self, v: &Value, what: &str) -> Result<Vec<String>, Error> {
        match v {
            Value::Vector(items) => items
                .items
                .iter()
                .map(|item| self.text(item, what).map(str::to_string))
                .collect(),
            other => Ok(vec![self.text(other, what)?.to_string()]),
        }
    }

    async fn identity(
        &self,
        registry: &mut Registry,
        cap: identity::Client,
    ) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("signer", [domain]) => {
                let mut request = cap.signer_request();
                request.get().set_domain(self.text(domain, "the domain")?);
                let signer = self.ask(request, |r| r.get_signer()).await?;
                Ok(registry.value(signer.client, Some(signer::Client::TYPE_ID)))
            }
            ("signer", _) => Err(self.arity("(perform identity :signer \"domain\")")),
            ("verify", [key, domain, data, signature]) => {
                let mut request = cap.verify_request();
                {
                    let mut p = request.get();
                    p.set_public_key(&self.bytes(key)?);
                    p.set_domain(self.text(domain, "the domain")?);
                    p.set_data(&self.bytes(data)?);
                    p.set_signature(&self.bytes(signature)?);
                }
                let valid = self.ask(request, |r| Ok(r.get_valid())).await?;
                Ok(Value::Bool(valid))
            }
            ("verify", _) => {
                Err(self.arity("(perform identity :verify public-key \"domain\" data signature)"))
            }
            _ => Err(self.unbound()),
        }
    }

    async fn signer(&self, cap: signer::Client) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("public-key", []) => {
                let (key, peer_id) = self
                    .ask(cap.public_key_request(), |r| {
                        Ok((r.get_key()?.to_vec(), r.get_peer_id()?.to_string()?))
                    })
                    .await?;
                let map: glia_eval::value::Map = [
                    (Value::keyword(None, "key"), Value::Bytes(Rc::new(key))),
                    (Value::keyword(None, "peer-id"), Value::str(peer_id)),
                ]
                .into_iter()
                .collect();
                Ok(Value::Map(Rc::new(map)))
            }
            ("public-key", _) => Err(self.arity("(perform signer :public-key)")),
            ("sign", [data]) => {
                let mut request = cap.sign_request();
                request.get().set_data(&self.bytes(data)?);
                let signature = self
                    .ask(request, |r| Ok(r.get_signature()?.to_vec()))
                    .await?;
                Ok(Value::Bytes(Rc::new(signature)))
            }
            ("sign", _) => Err(self.arity("(perform signer :sign bytes-or-string)")),
            _ => Err(self.unbound()),
        }
    }

    async fn greeter(&self, cap: greeter::Client) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("greet", [name]) => {
                let mut request = cap.greet_request();
                request.get().set_name(self.text(name, "the name")?);
                let (greeting, count) = self
                    .ask(request, |r| {
                        Ok((r.get_greeting()?.to_string()?, r.get_count()))
                    })
                    .await?;
                let map: glia_eval::value::Map = [
                    (Value::keyword(None, "greeting"), Value::str(greeting)),
                    (
                        Value::keyword(None, "count"),
                        Value::Int(i64::try_from(count).unwrap_or(i64::MAX)),
                    ),
                ]
                .into_iter()
                .collect();
                Ok(Value::Map(Rc::new(map)))
            }
            ("greet", _) => Err(self.arity("(perform greeter :greet \"name\")")),
            _ => Err(self.unbound()),
        }
    }

    async fn byte_stream(&self, cap: byte_stream::Client) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("write", [data]) => {
                let data = self.bytes(data)?;
                let mut request = cap.write_request();
                request.get().set_data(&data);
                self.ask(request, |_| Ok(())).await?;
                Ok(Value::Nil)
            }
            ("write", _) => Err(self.arity("(perform stream :write bytes-or-string)")),
            ("read", [] | [Value::Int(_)]) => {
                let max = match self.args {
                    [Value::Int(n)] => u32::try_from(*n).map_err(|_| {
                        Error::illegal_argument(format!("cannot read {n} bytes"))
                            .with_hint("give a count from 0 to 4294967295")
                    })?,
                    _ => 64 << 10,
                };
                let mut request = cap.read_request();
                request.get().set_max(max);
                let data = self.ask(request, |r| Ok(r.get_data()?.to_vec())).await?;
                Ok(Value::Bytes(Rc::new(data)))
            }
            ("read", _) => {
                Err(self.arity("(perform stream :read) or (perform stream :read max-bytes)"))
            }
            ("close", []) => {
                self.ask(cap.close_request(), |_| Ok(())).await?;
                Ok(Value::Nil)
            }
            ("close", _) => Err(self.arity("(perform stream :close)")),
            _ => Err(self.unbound()),
        }
    }

    async fn runtime(&self, registry: &mut Registry, cap: runtime::Client) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("load", [wasm]) => {
                let Value::Bytes(wasm) = wasm else {
                    return Err(Error::new(
                        ErrorType::TypeMismatch,
                        format!(
                            "Runtime :load needs the cell's bytes, not {}",
                            wasm.type_name()
                        ),
                    )
                    .with_hint("read them with (perform :load \"path/to/cell.wasm\")"));
                };
                let mut request = cap.load_request();
                request.get().set_wasm(wasm);
                let executor = self.ask(request, |r| r.get_executor()).await?;
                Ok(registry.value(executor.client, Some(executor::Client::TYPE_ID)))
            }
            ("load", _) => Err(self.arity("(perform runtime :load wasm-bytes)")),
            _ => Err(self.unbound()),
        }
    }

    async fn executor(
        &self,
        registry: &mut Registry,
        cap: executor::Client,
    ) -> Result<Value, Error> {
        match (self.method, self.args) {
            ("cid", []) => {
                let cid = self
                    .ask(cap.cid_request(), |r| Ok(r.get_cid()?.to_string()?))
                    .await?;
                Ok(Value::str(cid))
            }
            ("spawn", [] | [_]) => {
                let mut request = cap.spawn_request();
                let options = match self.args {
                    [options] => RunOptions::parse(registry, options, Purpose::Spawn)?,
                    _ => RunOptions::default(),
                };
                options.write_spawn(request.get());
                let process = self.ask(request, |r| r.get_process()).await?;
                Ok(registry.value(process.client, Some(process::Client::TYPE_ID)))
            }
            ("spawn", _) => Err(self.arity(run_options::SPAWN_USAGE)),
            _ => Err(self.unbound()),
        }
    }

    async fn process(&self, registry: &mut Registry, cap: process::Client) -> Result<Value, Error> {
        if self.method == "bootstrap" {
            return self.bootstrap(registry, cap).await;
        }
        self.no_args()?;
        match self.method {
            "stdin" => {
                let s = self.ask(cap.stdin_request(), |r| r.get_stream()).await?;
                Ok(registry.value(s.client, Some(byte_stream::Client::TYPE_ID)))
            }
            "stdout" => {
                let s = self.ask(cap.stdout_request(), |r| r.get_stream()).await?;
                Ok(registry.value(s.client, Some(byte_stream::Client::TYPE_ID)))
            }
            "stderr" => {
                let s = self.ask(cap.stderr_request(), |r| r.get_stream()).await?;
                Ok(registry.value(s.client, Some(byte_stream::Client::TYPE_ID)))
            }
            "wait" => {
                let (exit_code, ended, reason) = self
                    .ask(cap.wait_request(), |r| {
                        Ok((
                            r.get_exit_code(),
                            r.get_ended()?.to_string()?,
                            r.get_reason()?.to_string()?,
                        ))
                    })
                    .await?;
                let map: glia_eval::value::Map = [
                    (
                        Value::keyword(None, "exit-code"),
                        Value::Int(i64::from(exit_code)),
                    ),
                    (Value::keyword(None, "ended"), Value::keyword(None, &ended)),
                    (Value::keyword(None, "reason"), Value::str(reason)),
                ]
                .into_iter()
                .collect();
                Ok(Value::Map(Rc::new(map)))
            }
            "kill" => {
                self.ask(cap.kill_request(), |_| Ok(())).await?;
                Ok(Value::Nil)
            }
            _ => Err(self.unbound()),
        }
    }

    /// The id of the schemas' interface named `k` (`:ByteStream`): how a
    /// caller says what a capability the host cannot know the type of is.
    fn interface(&self, k: &Keyword) -> Result<u64, Error> {
        crate::schema::interface_named(k.name())
            .map(|i| i.id)
            .ok_or_else(|| {
                let mut known: Vec<String> = crate::schema::interfaces()
                    .values()
                    .map(|i| format!(":{}", i.name))
                    .collect();
                known.sort();
                Error::illegal_argument(format!("no interface of the schemas is called {k}"))
                    .with_hint(format!("the interfaces are {}", known.join(" ")))
            })
    }

    /// `(perform process :bootstrap)`: what the cell serves, an opaque
    /// capability (to grant onwards); `(perform process :bootstrap
    /// :ByteStream)` sees it as that interface of the schemas, so Glia can
    /// call it. Cap'n Proto capabilities do not carry their interface, so
    /// only the caller can say.
    async fn bootstrap(
        &self,
        registry: &mut Registry,
        cap: process::Client,
    ) -> Result<Value, Error> {
        let interface = match self.args {
            [] => None,
            [Value::Keyword(k)] if k.ns().is_none() => Some(self.interface(k)?),
            _ => {
                return Err(self.arity(
                    "(perform process :bootstrap) or (perform process :bootstrap :Interface)",
                ));
            }
        };
        let client: Client = self
            .ask(cap.bootstrap_request(), |r| r.get_cap().get_as_capability())
            .await?;
        Ok(registry.value(client, interface))
    }
}

/// A keyword's name, if `k` is a keyword without a namespace.
fn key_name(k: &Value) -> Option<&str> {
    match k {
        Value::Keyword(k) if k.ns().is_none() => Some(k.name()),
        _ => None,
    }
}
