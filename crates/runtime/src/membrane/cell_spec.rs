//! [`CellSpec`]: a cell to run for each request or stream (the `Cell`
//! struct of the schema), and how a listener spawns it.

use capnp::capability::Client;

use crate::schema::runtime_capnp::{Mode, cell, executor, process};

/// A cell as a listener runs it, a process per request or stream: the
/// `Cell` struct, owned.
#[derive(Clone)]
pub(super) struct CellSpec {
    executor: executor::Client,
    args: Vec<String>,
    env: Vec<(String, String)>,
    /// What each process is granted (it grafts them over its membrane
    /// channel).
    grants: Vec<(String, Client)>,
    limits: [u64; 4],
}

impl CellSpec {
    /// The CID of the cell, asked of its executor.
    pub(super) async fn cid(&self) -> Result<String, capnp::Error> {
        let response = self.executor.cid_request().send().promise.await?;
        Ok(response.get()?.get_cid()?.to_string()?)
    }

    pub(super) fn read(cell: cell::Reader<'_>) -> Result<CellSpec, capnp::Error> {
        let mut grants = Vec::new();
        for export in cell.get_grants()? {
            grants.push((
                export.get_name()?.to_string()?,
                export.get_cap().get_as_capability()?,
            ));
        }
        let mut env = Vec::new();
        for var in cell.get_env()? {
            env.push((var.get_name()?.to_string()?, var.get_value()?.to_string()?));
        }
        let limits = if cell.has_limits() {
            let l = cell.get_limits()?;
            [
                l.get_memory_bytes(),
                l.get_cpu_millis(),
                l.get_timeout_millis(),
                l.get_fuel(),
            ]
        } else {
            [0; 4]
        };
        Ok(CellSpec {
            executor: cell.get_executor()?,
            args: cell
                .get_args()?
                .iter()
                .map(|a| Ok(a?.to_string()?))
                .collect::<Result<_, capnp::Error>>()?,
            env,
            grants,
            limits,
        })
    }
}

impl CellSpec {
    /// Spawns a process of the cell in `mode` with `env` before the
    /// cell's own variables; a cell without a timeout of its own gets
    /// `timeout_ms` (zero: the executor's default). Pipelined: the process
    /// can be called before it is spawned.
    pub(super) fn spawn(
        &self,
        mode: Mode,
        mut env: Vec<(String, String)>,
        timeout_ms: u64,
    ) -> process::Client {
        env.extend(self.env.iter().cloned());
        let mut spawn = self.executor.spawn_request();
        let mut p = spawn.get();
        p.set_mode(mode);
        let mut args = p.reborrow().init_args(self.args.len() as u32);
        for (i, a) in self.args.iter().enumerate() {
            args.set(i as u32, a);
        }
        let mut vars = p.reborrow().init_env(env.len() as u32);
        for (i, (name, value)) in env.iter().enumerate() {
            let mut v = vars.reborrow().get(i as u32);
            v.set_name(name);
            v.set_value(value);
        }
        let mut grants = p.reborrow().init_grants(self.grants.len() as u32);
        for (i, (name, cap)) in self.grants.iter().enumerate() {
            let mut export = grants.reborrow().get(i as u32);
            export.set_name(name);
            export.init_cap().set_as_capability(cap.hook.add_ref());
        }
        let [memory, cpu, timeout, fuel] = self.limits;
        let mut l = p.init_limits();
        l.set_memory_bytes(memory);
        l.set_cpu_millis(cpu);
        l.set_timeout_millis(if timeout == 0 { timeout_ms } else { timeout });
        l.set_fuel(fuel);
        spawn.send().pipeline.get_process()
    }
}
