//! `ww perform install`: `~/.ww` set up as a node's home (its key, the
//! keys that may log in, and the standard cells and status script its
//! default image carries, to read and build on), and `ww mcp` registered
//! with Claude Code. Run twice, it leaves the same
//! state: what exists is kept (a key, the user's edits), what is missing is
//! made, and the standard cells are this binary's.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the server is registered as.
const NAME: &str = "wetware";

const STATUS_SCRIPT: &[u8] = include_bytes!("../../../stdlib/image/etc/init.d/05-status.glia");

const AUTHORIZED_KEYS: &str = "\
# Peer ids that may log in to this node (`ww shell MULTIADDR/p2p/PEER_ID`),
# one a line, besides the node's own key. Anything after the id is a comment.
";

/// What one step did.
enum Step {
    Made,
    Kept,
    Updated,
}

impl Step {
    fn word(&self) -> &'static str {
        match self {
            Step::Made => "made",
            Step::Kept => "kept",
            Step::Updated => "updated",
        }
    }
}

/// Sets up `home` (`~/.ww`) and registers `ww` (`exe`) with Claude Code;
/// with `mcp_json`, also writes the registration to `.mcp.json` in that
/// directory. Reports each step on stderr.
pub fn run(home: &Path, exe: &Path, mcp_json: Option<&Path>) -> Result<(), String> {
    let report = |what: &str, path: &Path, step: Step| {
        eprintln!(
            "ww perform install: {} {} ({what})",
            step.word(),
            path.display()
        );
    };
    let step = dir(home, 0o700)?;
    report("the node's home", home, step);
    let bin = home.join("bin");
    dir(&bin, 0o755)?;
    for (name, wasm) in runtime::std_cells::ALL {
        let path = bin.join(format!("{name}.wasm"));
        let step = write(&path, wasm, 0o644, true)?;
        report("a standard cell", &path, step);
    }
    let init = home.join("etc/init.d");
    dir(&init, 0o755)?;
    let script = init.join("05-status.glia");
    let step = write(&script, STATUS_SCRIPT, 0o644, false)?;
    report("serves the status cell at /status", &script, step);
    let identity = home.join("identity");
    let (_, made) = runtime::node::load_or_create(&identity).map_err(|e| e.to_string())?;
    report(
        "the node's key, mode 0600",
        &identity,
        if made { Step::Made } else { Step::Kept },
    );
    let keys = home.join("authorized_keys");
    let step = write(&keys, AUTHORIZED_KEYS.as_bytes(), 0o600, false)?;
    report("keys that may log in", &keys, step);

    let command = format!("claude mcp add {NAME} -- {} mcp", exe.display());
    match register(exe) {
        Registered::Now => eprintln!("ww perform install: registered with Claude Code: {command}"),
        Registered::Already => {
            eprintln!("ww perform install: already registered with Claude Code as {NAME}")
        }
        Registered::NoClaude => eprintln!(
            "ww perform install: Claude Code (`claude`) is not on PATH; once it is, run:\n  {command}\nor, for one project, `ww perform install --mcp-json DIR` writes DIR/.mcp.json"
        ),
        Registered::Failed(why) => {
            return Err(format!("`{command}` failed: {why}"));
        }
    }
    if let Some(dir) = mcp_json {
        let path = dir.join(".mcp.json");
        let step = mcp_json_file(&path, exe)?;
        report("the MCP servers of a project, for Claude Code", &path, step);
    }
    Ok(())
}

/// Makes `path` a directory with `mode` if it is not one.
fn dir(path: &Path, mode: u32) -> Result<Step, String> {
    if path.is_dir() {
        return Ok(Step::Kept);
    }
    std::fs::create_dir_all(path).map_err(|e| format!("cannot make {}: {e}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("cannot set the mode of {}: {e}", path.display()))?;
    Ok(Step::Made)
}

/// Writes `bytes` to `path` (mode `mode`) if it is missing, or if `replace`
/// and it differs; whole or not at all.
fn write(path: &Path, bytes: &[u8], mode: u32, replace: bool) -> Result<Step, String> {
    let step = match std::fs::read(path) {
        Ok(old) if old == bytes || !replace => return Ok(Step::Kept),
        Ok(_) => Step::Updated,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Step::Made,
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    runtime::atomic::write(path, bytes, mode)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(step)
}

enum Registered {
    Now,
    Already,
    NoClaude,
    Failed(String),
}

/// Registers `exe mcp` with Claude Code, unless it is registered already.
fn register(exe: &Path) -> Registered {
    let Some(claude) = on_path("claude") else {
        return Registered::NoClaude;
    };
    let quiet = |args: &[&str]| {
        Command::new(&claude)
            .args(args)
            .stdin(Stdio::null())
            .output()
    };
    if quiet(&["mcp", "get", NAME]).is_ok_and(|o| o.status.success()) {
        return Registered::Already;
    }
    let exe = exe.display().to_string();
    match quiet(&["mcp", "add", NAME, "--", &exe, "mcp"]) {
        Ok(o) if o.status.success() => Registered::Now,
        Ok(o) => Registered::Failed(String::from_utf8_lossy(&o.stderr).trim().to_string()),
        Err(e) => Registered::Failed(e.to_string()),
    }
}

/// The file `name` in a directory of `PATH`, if one has it.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Adds (or updates) this server in the `.mcp.json` at `path`, keeping the
/// other servers it names.
fn mcp_json_file(path: &Path, exe: &Path) -> Result<Step, String> {
    let mut config = match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str::<serde_json::Value>(&text)
            .map_err(|e| format!("{} is not JSON ({e}): fix or remove it", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::json!({}),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let Some(root) = config.as_object_mut() else {
        return Err(format!(
            "{} is not a JSON object: fix or remove it",
            path.display()
        ));
    };
    let servers = root
        .entry("mcpServers")
        .or_insert_with(|| serde_json::json!({}));
    let Some(servers) = servers.as_object_mut() else {
        return Err(format!("{}: mcpServers is not an object", path.display()));
    };
    servers.insert(
        NAME.to_string(),
        serde_json::json!({"command": exe.display().to_string(), "args": ["mcp"]}),
    );
    let mut text = serde_json::to_string_pretty(&config).expect("JSON values print");
    text.push('\n');
    write(path, text.as_bytes(), 0o644, true)
}
