//! How to run a cell, from a Glia map: the options of `Executor :spawn`,
//! and the cell maps `(cell executor ...)` makes for `Host :listen`.

use capnp::capability::{Client, FromClientHook};
use glia_eval::value::pr_str;
use glia_eval::{Error, Value};

use super::key_name;
use crate::bindings::Registry;
use crate::schema::runtime_capnp::{Mode, cell, executor, limits};

pub(super) const SPAWN_USAGE: &str = "(perform executor :spawn {:mode :vat, :args [\"a\"], :env {\"K\" \"v\"}, :grants {:name cap}, :limits {:memory bytes, :cpu-ms n, :timeout-ms n, :fuel n}})";

const CELL_USAGE: &str = "(cell executor :args [\"a\"] :env {\"K\" \"v\"} :grants {:name cap} :limits {:memory bytes, :cpu-ms n, :timeout-ms n, :fuel n})";

/// What the options are for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    /// `Executor :spawn`: a `:mode`, no `:executor`.
    Spawn,
    /// A cell map: an `:executor`, no `:mode` (the runner decides).
    Cell,
}

impl Purpose {
    fn error(self, message: String) -> Error {
        let usage = match self {
            Purpose::Spawn => SPAWN_USAGE,
            Purpose::Cell => CELL_USAGE,
        };
        Error::illegal_argument(message).with_hint(format!("usage: {usage}"))
    }
}

/// The options, checked.
pub(super) struct RunOptions {
    mode: Mode,
    executor: Option<Client>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    grants: Vec<(String, Client)>,
    /// Memory bytes, CPU ms, timeout ms, fuel; zero for the default.
    limits: Option<[u64; 4]>,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            mode: Mode::Vat,
            executor: None,
            args: Vec::new(),
            env: Vec::new(),
            grants: Vec::new(),
            limits: None,
        }
    }
}

impl RunOptions {
    pub(super) fn parse(
        registry: &Registry,
        options: &Value,
        purpose: Purpose,
    ) -> Result<RunOptions, Error> {
        let Value::Map(options) = options.map_view().into_owned() else {
            return Err(purpose.error(match purpose {
                Purpose::Spawn => format!(
                    "Executor :spawn takes an options map, not {}",
                    options.type_name()
                ),
                Purpose::Cell => format!(
                    "a cell is a map made by (cell executor ...), not {}",
                    options.type_name()
                ),
            }));
        };
        let mut out = RunOptions::default();
        for (key, value) in options.iter() {
            match (key_name(key), value) {
                (Some("mode"), v) if purpose == Purpose::Spawn => {
                    out.mode = match key_name(v) {
                        Some("vat") => Mode::Vat,
                        Some("raw") => Mode::Raw,
                        Some("http") => Mode::Http,
                        _ => {
                            return Err(purpose.error(format!(
                                "`:mode` is :vat, :raw or :http, not {}",
                                pr_str(v)
                            )));
                        }
                    }
                }
                (Some("executor"), v) if purpose == Purpose::Cell => {
                    out.executor = Some(registry.wire(v, "the cell's executor")?);
                }
                (Some("args"), v) => {
                    let Value::Vector(args) = v else {
                        return Err(purpose.error("`:args` is a vector of strings".into()));
                    };
                    for arg in args.items.iter() {
                        let s = arg.as_str().ok_or_else(|| {
                            purpose.error(format!("`:args` holds strings, not {}", arg.type_name()))
                        })?;
                        out.args.push(s.to_string());
                    }
                }
                (Some("env"), Value::Map(env)) => {
                    for (k, v) in env.iter() {
                        let (Some(k), Some(v)) = (k.as_str(), v.as_str()) else {
                            return Err(purpose.error("`:env` maps strings to strings".into()));
                        };
                        out.env.push((k.to_string(), v.to_string()));
                    }
                }
                (Some("grants"), Value::Map(grants)) => {
                    for (k, v) in grants.iter() {
                        let name = key_name(k).ok_or_else(|| {
                            purpose.error(format!("grant names are keywords, not {}", pr_str(k)))
                        })?;
                        let client = registry.wire(v, &format!("the grant :{name}"))?;
                        out.grants.push((name.to_string(), client));
                    }
                }
                (Some("limits"), Value::Map(limits)) => {
                    let mut out_limits = [0; 4];
                    for (k, v) in limits.iter() {
                        let n = match v {
                            Value::Int(n) if *n > 0 => *n as u64,
                            _ => {
                                return Err(purpose.error(format!(
                                    "limits are positive integers, not {}",
                                    pr_str(v)
                                )));
                            }
                        };
                        let slot = match key_name(k) {
                            Some("memory") => 0,
                            Some("cpu-ms") => 1,
                            Some("timeout-ms") => 2,
                            Some("fuel") => 3,
                            _ => {
                                return Err(purpose.error(format!(
                                    "unknown limit {}; the limits are :memory :cpu-ms :timeout-ms :fuel",
                                    pr_str(k)
                                )));
                            }
                        };
                        out_limits[slot] = n;
                    }
                    out.limits = Some(out_limits);
                }
                _ => {
                    return Err(purpose.error(format!(
                        "unknown or malformed option {} {}",
                        pr_str(key),
                        pr_str(value)
                    )));
                }
            }
        }
        if purpose == Purpose::Cell && out.executor.is_none() {
            return Err(purpose.error("the cell has no `:executor`".into()));
        }
        Ok(out)
    }

    /// Fills `Executor.spawn`'s parameters.
    pub(super) fn write_spawn(&self, mut p: executor::spawn_params::Builder<'_>) {
        p.set_mode(self.mode);
        self.write_args(p.reborrow().init_args(self.args.len() as u32));
        self.write_env(p.reborrow().init_env(self.env.len() as u32));
        self.write_grants(p.reborrow().init_grants(self.grants.len() as u32));
        if let Some(limits) = self.limits {
            write_limits(p.init_limits(), limits);
        }
    }

    /// Fills a `Cell` (parsed for [`Purpose::Cell`], so with an executor).
    pub(super) fn write_cell(&self, mut c: cell::Builder<'_>) {
        if let Some(executor) = &self.executor {
            c.set_executor(executor::Client::new(executor.hook.add_ref()));
        }
        self.write_args(c.reborrow().init_args(self.args.len() as u32));
        self.write_env(c.reborrow().init_env(self.env.len() as u32));
        self.write_grants(c.reborrow().init_grants(self.grants.len() as u32));
        if let Some(limits) = self.limits {
            write_limits(c.init_limits(), limits);
        }
    }

    fn write_args(&self, mut list: capnp::text_list::Builder<'_>) {
        for (i, a) in self.args.iter().enumerate() {
            list.set(i as u32, a);
        }
    }

    fn write_env(
        &self,
        mut list: capnp::struct_list::Builder<'_, crate::schema::runtime_capnp::env_var::Owned>,
    ) {
        for (i, (name, value)) in self.env.iter().enumerate() {
            let mut var = list.reborrow().get(i as u32);
            var.set_name(name);
            var.set_value(value);
        }
    }

    fn write_grants(
        &self,
        mut list: capnp::struct_list::Builder<'_, crate::schema::membrane_capnp::export::Owned>,
    ) {
        for (i, (name, client)) in self.grants.iter().enumerate() {
            let mut export = list.reborrow().get(i as u32);
            export.set_name(name);
            export.init_cap().set_as_capability(client.hook.add_ref());
        }
    }
}

fn write_limits(mut out: limits::Builder<'_>, [memory, cpu, timeout, fuel]: [u64; 4]) {
    out.set_memory_bytes(memory);
    out.set_cpu_millis(cpu);
    out.set_timeout_millis(timeout);
    out.set_fuel(fuel);
}
