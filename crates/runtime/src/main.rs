//! `ww`: the Wetware command-line tool.
//!
//! Each subcommand of design.md's table arrives with the issue that builds
//! it; until then `ww` knows only what exists, and says so.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mimalloc::MiMalloc;

mod check;
mod doctor;
mod fmt;
mod host;
mod install;
mod mcp;
mod session;
mod shell;

use glia_effects::log::{Log, Recorder, Replay};

// A node parses, compiles and serves for a long time, allocating and freeing
// large buffers; glibc's allocator returns freed memory to the kernel so
// eagerly that re-parsing a 1 MB file spends a third of its time in page
// faults (doc/performance.md). mimalloc keeps and reuses it.
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

/// The standard ports (design.md): `ww run` takes them, and `ww doctor`
/// checks them, unless told others.
const DEFAULT_PORT: u16 = 2025;
const DEFAULT_HTTP: &str = "127.0.0.1:2080";
const DEFAULT_ADMIN: &str = "127.0.0.1:2026";

#[derive(Debug, Parser)]
#[command(
    name = "ww",
    version,
    about = "Wetware: run code you did not write, wired together by Glia",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum StoreCommand {
    /// List the pinned roots.
    Ls,
    /// Pin a CID whose blocks are in the store.
    Pin {
        /// The root to pin, like bafybei...
        #[arg(value_name = "CID")]
        cid: cid::Cid,
    },
    /// Unpin a CID (its blocks go at the next `gc` unless another pin
    /// reaches them).
    Unpin {
        /// The root to unpin.
        #[arg(value_name = "CID")]
        cid: cid::Cid,
    },
    /// Remove every block no pin reaches, and written-out trees of CIDs no
    /// longer pinned.
    Gc,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Boot a node on the embedded defaults.
    ///
    /// Reads (or makes) the identity, listens on libp2p and serves HTTP
    /// routes, then runs the image's kernel: its `boot/main.wasm` as pid0
    /// if it has one (the node exits with it), else its init scripts
    /// (`etc/init.d/*.glia`, in name order, form by form) with `host`,
    /// `runtime`, `routing` and `identity` bound. The embedded default
    /// serves the status cell at `/status`. `ww shell` and `ww mcp`
    /// attach through ~/.ww/run while it runs. Runs until SIGINT or
    /// SIGTERM.
    Run {
        /// Image layers over the embedded default, later ones winning:
        /// directories, or /ipfs/CID (an image `ww push` put in
        /// ~/.ww/store).
        #[arg(value_name = "IMAGE")]
        images: Vec<PathBuf>,
        /// A libp2p address to listen on (repeatable); default
        /// /ip4/0.0.0.0/tcp/PORT and /ip4/0.0.0.0/udp/PORT/quic-v1.
        #[arg(long, value_name = "MULTIADDR")]
        listen: Vec<libp2p::Multiaddr>,
        /// The libp2p port (TCP and QUIC) when no --listen is given.
        #[arg(long, default_value_t = DEFAULT_PORT)]
        port: u16,
        /// Do not find peers on the local network over mDNS (it is on
        /// unless every listen address is loopback).
        #[arg(long)]
        no_mdns: bool,
        /// Connections kept at once (and pending incoming ones at most).
        #[arg(long, value_name = "N", default_value_t = runtime::p2p::DEFAULT_MAX_CONNECTIONS, value_parser = clap::value_parser!(u32).range(1..))]
        max_connections: u32,
        /// Where to serve the HTTP routes cells serve (WAGI).
        #[arg(long, value_name = "ADDR", default_value = DEFAULT_HTTP)]
        http_listen: std::net::SocketAddr,
        /// Where to serve the admin plane (/healthz, /readyz, /metrics,
        /// /host/id, /host/addrs, /version, and MCP at /mcp behind the
        /// token in ~/.ww/mcp-token), or `off`.
        #[arg(long, value_name = "ADDR|off", default_value = DEFAULT_ADMIN, value_parser = admin_addr)]
        with_http_admin: Admin,
        /// The identity file (made, mode 0600, if missing); default
        /// ~/.ww/identity.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        /// A peer to connect to before the kernel runs, as
        /// MULTIADDR/p2p/PEER_ID (repeatable): a way into the DHT where
        /// mDNS does not reach. A peer that cannot be reached is reported
        /// and skipped.
        #[arg(long, value_name = "MULTIADDR")]
        bootstrap: Vec<libp2p::Multiaddr>,
        /// What the MCP endpoint's sessions (/mcp on the admin plane) keep,
        /// as `ww mcp --grant` says: a root whole (`host`) or with the
        /// methods listed (`host:id,addrs`); repeatable. Without any,
        /// every root is kept whole.
        #[arg(long, value_name = "ROOT[:METHOD,...]")]
        mcp_grant: Vec<mcp::Grant>,
        /// A policy file narrowing the MCP endpoint's sessions after
        /// --mcp-grant, as `ww mcp --policy` says.
        #[arg(long, value_name = "FILE")]
        mcp_policy: Option<PathBuf>,
        /// VM instructions an MCP endpoint's evaluation may run.
        #[arg(long, value_name = "N", default_value_t = mcp::DEFAULT_FUEL)]
        mcp_fuel: u64,
        /// How long an MCP endpoint's evaluation may take, waiting on
        /// capabilities included.
        #[arg(long, value_name = "DURATION", default_value_t = mcp::DEFAULT_TIMEOUT.into())]
        mcp_timeout: humantime::Duration,
        /// Memory Glia values may take in an MCP endpoint's evaluation.
        #[arg(long, value_name = "SIZE", default_value_t = bytesize::ByteSize(mcp::DEFAULT_MEMORY), value_parser = byte_size)]
        mcp_max_memory: bytesize::ByteSize,
    },
    /// Make a new identity (an Ed25519 key pair) and print its peer id.
    Keygen {
        /// Where to write it; default ~/.ww/identity.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace an existing identity.
        #[arg(long)]
        force: bool,
    },
    /// Scaffold a cell project in a new directory NAME.
    ///
    /// A Cargo package for wasm32-wasip2 with the guest SDK vendored (in
    /// .sdk), src/main.rs, etc/init.d and a README.
    Init {
        /// The project's name (and directory).
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Compile the cell project here into its image.
    ///
    /// The cell goes to boot/main.wasm (the node's pid0), or to
    /// bin/NAME.wasm with --service.
    Build {
        /// Put the cell in bin/NAME.wasm, for init scripts to serve.
        #[arg(long)]
        service: bool,
    },
    /// Import an image into the content store and print its CID.
    ///
    /// The CID is the one `ipfs add -r --cid-version=1` (Kubo) prints for
    /// the same tree: hidden entries are left out, as Kubo does. The root
    /// is pinned in ~/.ww/store.
    Push {
        /// The directory (or file) to import.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Also add the image to the Kubo node whose RPC API is at URL
        /// (like http://127.0.0.1:5001) and pin it there.
        #[arg(long, value_name = "URL")]
        ipfs_url: Option<String>,
    },
    /// Manage the content store (~/.ww/store).
    Store {
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// Evaluate Glia code.
    ///
    /// `-e EXPR` prints the last value readably; `FILE` or `-` (stdin) runs
    /// a script. Errors are reported on stderr (exit 1).
    ///
    /// Effects no Glia handler takes are served by this process: :stdout
    /// and :stderr (print, println, prn...), :load (a file's bytes), :exit,
    /// :now and :random. GLIA_TRACE_EFFECTS=1 prints every perform, resume,
    /// abort and answer on stderr.
    Eval {
        /// The expression(s) to evaluate.
        #[arg(
            short = 'e',
            long = "expr",
            value_name = "EXPR",
            conflicts_with = "file",
            allow_hyphen_values = true
        )]
        expr: Option<String>,
        /// A script to run; `-` reads standard input.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Record every host effect and its answer to LOG (Glia data, one
        /// map per line), to audit or replay the run.
        #[arg(long, value_name = "LOG", conflicts_with = "replay")]
        record: Option<PathBuf>,
        /// Replay a run recorded with --record: host effects are answered
        /// from LOG (output is printed again), so the run repeats exactly;
        /// it stops with :glia.error/replay-diverged if the program asks
        /// for anything else.
        #[arg(long, value_name = "LOG")]
        replay: Option<PathBuf>,
        /// Stop the evaluation after N VM instructions
        /// (:glia.error/fuel-exhausted).
        #[arg(long, value_name = "N")]
        fuel: Option<u64>,
        /// Stop the evaluation after this long: `500ms`, `5s`, `2m`
        /// (:glia.error/deadline-exceeded).
        #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
        timeout: Option<std::time::Duration>,
        /// Stop the evaluation once Glia values take this much memory:
        /// `64MiB`, `1GB`, or bytes (:glia.error/memory-limit).
        #[arg(long, value_name = "SIZE", value_parser = byte_size)]
        max_memory: Option<bytesize::ByteSize>,
    },
    /// The Glia REPL.
    ///
    /// Attached to the node `ww run` runs on this machine (found through
    /// ~/.ww/run), its capabilities bound as host, runtime, routing and
    /// identity; with no node running, an in-process one. On a terminal:
    /// history in ~/.ww/history, multi-line input, Tab completion, Ctrl-C
    /// stops an evaluation, Ctrl-D exits. Piped input runs form by form
    /// and prints each result.
    Shell {
        /// A remote node to log in to, as MULTIADDR/p2p/PEER_ID: the login
        /// is signed with --identity, which the node must authorise (its
        /// own key, or one in its ~/.ww/authorized_keys).
        #[arg(value_name = "ADDR")]
        addr: Option<libp2p::Multiaddr>,
        /// The key to log in with; default ~/.ww/identity.
        #[arg(long, value_name = "FILE", requires = "addr")]
        identity: Option<PathBuf>,
    },
    /// Static diagnostics for Glia files, without running them.
    ///
    /// Syntax errors, unbound symbols, calls with the wrong number of
    /// arguments, `recur` out of tail position, malformed special forms,
    /// keyword effects nothing handles, and unused bindings. Exit 1 if there
    /// are errors.
    /// (ns, require and defmacro forms run, so that later forms expand.)
    Check {
        /// The files to check.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Format Glia files in place.
    ///
    /// The canonical formatter (comments kept; idempotent). `-` formats
    /// standard input to standard output.
    Fmt {
        /// List the files that would change and exit 1 if any would;
        /// change nothing.
        #[arg(long)]
        check: bool,
        /// The files to format.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// The Glia language server, speaking LSP on stdin and stdout.
    ///
    /// Start it from an editor (see doc/editors.md): diagnostics as you
    /// type, hover, completion, signature help, goto definition (into the
    /// standard library too), references, rename, symbols, formatting,
    /// semantic tokens, folding, selection ranges, code actions and inlay
    /// hints. It compiles what it checks but serves no effect to it except
    /// loading the workspace's modules.
    Lsp,
    /// Check this machine for Wetware, with a fix for each problem.
    ///
    /// Checks the Rust toolchain and its wasm32-wasip2 target (`ww build`
    /// needs them), the identity and MCP token files and their
    /// permissions, a node running here, the ports `ww run` takes (libp2p,
    /// HTTP routes, admin plane) and, optionally, Kubo.
    ///
    /// Prints one line per check, with a fix for each problem; exits 1 if
    /// there is a problem, 0 if all is well. It changes nothing. Give the
    /// flags you give `ww run` to check the ports it would take.
    Doctor {
        /// The libp2p port (TCP and QUIC), as for `ww run --port`.
        #[arg(long, default_value_t = DEFAULT_PORT)]
        port: u16,
        /// The HTTP routes' address, as for `ww run --http-listen`.
        #[arg(long, value_name = "ADDR", default_value = DEFAULT_HTTP)]
        http_listen: std::net::SocketAddr,
        /// The admin plane's address, or `off`, as for `ww run
        /// --with-http-admin`.
        #[arg(long, value_name = "ADDR|off", default_value = DEFAULT_ADMIN, value_parser = admin_addr)]
        with_http_admin: Admin,
        /// The identity file; default ~/.ww/identity.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        /// Where to look for Kubo's RPC API (optional).
        #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:5001")]
        ipfs_url: String,
    },
    /// Set up this machine: `ww perform install`.
    Perform {
        #[command(subcommand)]
        command: PerformCommand,
    },
    /// Serve Glia to an LLM over MCP (the Model Context Protocol) on stdin
    /// and stdout.
    ///
    /// The session holds the capabilities of the node running here (as
    /// `ww shell` does), or of a remote node logged in to, or of an
    /// in-process node; --grant and --policy narrow them. Tools: eval
    /// (Glia forms; the last value printed readably, :stdout output beside
    /// it), describe (the capabilities in scope), doc (a var's
    /// documentation), reset.
    /// Every evaluation runs under --fuel, --max-memory and --timeout.
    Mcp {
        /// A remote node to log in to, as MULTIADDR/p2p/PEER_ID (as for
        /// `ww shell`).
        #[arg(value_name = "ADDR")]
        addr: Option<libp2p::Multiaddr>,
        /// The key to log in with; default ~/.ww/identity.
        #[arg(long, value_name = "FILE", requires = "addr")]
        identity: Option<PathBuf>,
        /// Keep only this root capability, with all its methods (`host`)
        /// or the ones listed (`host:id,addrs`); repeatable. Without any,
        /// every root is kept whole.
        #[arg(long, value_name = "ROOT[:METHOD,...]")]
        grant: Vec<mcp::Grant>,
        /// Keep what the Glia map in FILE allows, after --grant: root
        /// names to a vector of methods or :all, like
        /// `{host [:id :addrs] routing :all}`; roots it does not name keep
        /// nothing. Read again at each reset.
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// VM instructions an evaluation may run.
        #[arg(long, value_name = "N", default_value_t = mcp::DEFAULT_FUEL)]
        fuel: u64,
        /// How long an evaluation may take, waiting on capabilities
        /// included: `500ms`, `5s`, `2m`.
        #[arg(long, value_name = "DURATION", default_value_t = mcp::DEFAULT_TIMEOUT.into())]
        timeout: humantime::Duration,
        /// Memory Glia values may take in an evaluation: `64MiB`, `1GB`.
        #[arg(long, value_name = "SIZE", default_value_t = bytesize::ByteSize(mcp::DEFAULT_MEMORY), value_parser = byte_size)]
        max_memory: bytesize::ByteSize,
    },
}

#[derive(Debug, Subcommand)]
enum PerformCommand {
    /// Set up ~/.ww and register `ww mcp` with Claude Code.
    ///
    /// Makes the identity (0600), authorized_keys, the standard cells in
    /// bin/ and etc/init.d/05-status.glia. Run again, it changes nothing
    /// that exists but the standard cells, which become this binary's.
    Install {
        /// Also add `ww mcp` to DIR/.mcp.json (a project's MCP servers for
        /// Claude Code), keeping the servers it names.
        #[arg(long, value_name = "DIR")]
        mcp_json: Option<PathBuf>,
    },
}

/// Whose capabilities a session holds: the node at `addr`, logged in to
/// with `identity` (default ~/.ww/identity), or else the node running here.
fn target(addr: Option<libp2p::Multiaddr>, identity: Option<PathBuf>) -> session::Target {
    match addr {
        Some(addr) => session::Target::Remote(session::Remote {
            addr,
            identity: identity.unwrap_or_else(runtime::home::identity),
        }),
        None => session::Target::Here,
    }
}

/// A memory size: `64MiB`, `1GB`, `4096`.
fn byte_size(s: &str) -> Result<bytesize::ByteSize, String> {
    s.parse::<bytesize::ByteSize>()
        .map_err(|e| format!("{e} (write a size such as 64MiB, 1GB or 4096)"))
}

fn main() -> ExitCode {
    match Cli::parse().command {
        // Documents are checked as `ww eval` runs them: with the roots bound.
        Command::Lsp => match glia_lsp::run_stdio(runtime::bindings::describe_roots) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ww lsp: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Run {
            images,
            listen,
            port,
            no_mdns,
            max_connections,
            http_listen,
            with_http_admin,
            identity,
            bootstrap,
            mcp_grant,
            mcp_policy,
            mcp_fuel,
            mcp_timeout,
            mcp_max_memory,
        } => {
            let listen = if listen.is_empty() {
                [
                    format!("/ip4/0.0.0.0/tcp/{port}"),
                    format!("/ip4/0.0.0.0/udp/{port}/quic-v1"),
                ]
                .iter()
                .map(|a| a.parse().expect("a valid multiaddr"))
                .collect()
            } else {
                listen
            };
            let mut network = runtime::p2p::Options::new(listen);
            network.mdns &= !no_mdns;
            network.max_connections = max_connections;
            let run_dir = runtime::home::run_dir();
            let admin_routes = match with_http_admin.0 {
                None => axum::Router::new(),
                // Its sessions attach to this node's own socket: another
                // node running here must not answer for it.
                Some(admin) => match mcp::router(
                    mcp::Options {
                        target: session::Target::Socket(runtime::node::state::socket_path(
                            &run_dir,
                            std::process::id(),
                        )),
                        grants: mcp_grant,
                        policy: mcp_policy,
                        limits: mcp::limits(mcp_fuel, mcp_timeout.into(), mcp_max_memory.as_u64()),
                    },
                    &runtime::home::mcp_token(),
                    admin,
                ) {
                    Ok(routes) => routes,
                    Err(e) => {
                        eprintln!("ww run: the MCP endpoint: {e}");
                        return ExitCode::FAILURE;
                    }
                },
            };
            let config = runtime::node::Config {
                identity: identity.unwrap_or_else(runtime::home::identity),
                network,
                http: http_listen,
                images,
                admin: with_http_admin.0,
                admin_routes,
                run_dir,
                store: runtime::home::store(),
                bootstrap,
            };
            run(config)
        }
        Command::Init { name } => match runtime::project::init(Path::new(&name), &name) {
            Ok(()) => {
                eprintln!("ww init: made {name}/; `cd {name} && ww build` compiles it");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ww init: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Build { service } => match runtime::project::build(Path::new("."), service) {
            Ok(wasm) => {
                let cid = std::fs::read(&wasm)
                    .map(|bytes| runtime::cid::cid_string(&bytes))
                    .unwrap_or_default();
                eprintln!("ww build: {} ({cid})", wasm.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ww build: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Doctor {
            port,
            http_listen,
            with_http_admin,
            identity,
            ipfs_url,
        } => doctor::run(&doctor::Options {
            port,
            http: http_listen,
            admin: with_http_admin.0,
            identity: identity.unwrap_or_else(runtime::home::identity),
            ipfs_url,
        }),
        Command::Push { dir, ipfs_url } => push(&dir, ipfs_url.as_deref()),
        Command::Store { command } => store(command),
        Command::Keygen { output, force } => {
            let path = output.unwrap_or_else(runtime::home::identity);
            match runtime::node::create_identity(&path, force) {
                Ok(key) => {
                    println!("{}", key.public().to_peer_id());
                    eprintln!("ww keygen: wrote {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("ww keygen: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Eval {
            expr,
            file,
            record,
            replay,
            fuel,
            timeout,
            max_memory,
        } => {
            let limits = glia_eval::Limits {
                fuel,
                timeout,
                memory: max_memory.map(|m| m.as_u64()),
                ..glia_eval::Limits::default()
            };
            eval(expr, file, record, replay, limits)
        }
        Command::Fmt { check, files } => fmt::run(&files, check),
        Command::Shell { addr, identity } => shell::run(target(addr, identity)),
        Command::Check { files } => check::run(&files),
        Command::Perform {
            command: PerformCommand::Install { mcp_json },
        } => {
            let installed = std::env::current_exe()
                .map_err(|e| format!("cannot tell where this ww is: {e}"))
                .and_then(|exe| install::run(&runtime::home::ww_home(), &exe, mcp_json.as_deref()));
            match installed {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("ww perform install: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Mcp {
            addr,
            identity,
            grant,
            policy,
            fuel,
            timeout,
            max_memory,
        } => {
            let options = mcp::Options {
                target: target(addr, identity),
                grants: grant,
                policy,
                limits: mcp::limits(fuel, timeout.into(), max_memory.as_u64()),
            };
            match mcp::run(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("ww mcp: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn eval(
    expr: Option<String>,
    file: Option<PathBuf>,
    record: Option<PathBuf>,
    replay: Option<PathBuf>,
    limits: glia_eval::Limits,
) -> ExitCode {
    let (name, text, print_result) = match (expr, file) {
        (Some(e), _) => ("<expr>".to_string(), e, true),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("ww eval: cannot read standard input: {e}");
                return ExitCode::FAILURE;
            }
            ("<stdin>".to_string(), text, false)
        }
        (None, Some(path)) => match std::fs::read_to_string(&path) {
            Ok(text) => (path.display().to_string(), text, false),
            Err(e) => {
                eprintln!("ww eval: cannot read {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
        (None, None) => {
            eprintln!("ww eval: give an expression with -e EXPR, a FILE, or - for standard input");
            return ExitCode::FAILURE;
        }
    };
    // Timers and I/O for the cells `runtime` runs.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ww eval: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut glia = glia_eval::Glia::with_limits(limits);
    if std::env::var_os("GLIA_TRACE_EFFECTS").is_some_and(|v| v != "0" && !v.is_empty()) {
        glia.vm
            .set_effect_tracer(Some(Box::new(|event| eprintln!("effect: {event}"))));
    }
    let mut log = match &replay {
        None => Log::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| Log::load(&t))
        {
            Ok(log) => log,
            Err(e) => {
                eprintln!("ww eval: cannot replay {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
    };
    let result = if replay.is_some() {
        let mut host = host::ReplayHost {
            replay: Replay::new(&log),
        };
        runtime.block_on(glia_effects::eval(&mut glia, &name, &text, &mut host))
    } else if record.is_some() {
        let mut host = Recorder {
            host: host::CliHost,
            log: &mut log,
        };
        runtime.block_on(glia_effects::eval(&mut glia, &name, &text, &mut host))
    } else {
        // Capabilities are Cap'n Proto objects, which live on one thread.
        let roots = runtime::bindings::Roots::in_process();
        let mut host = runtime::bindings::CapHost::with_roots(host::CliHost, &mut glia, &roots);
        let local = tokio::task::LocalSet::new();
        runtime.block_on(local.run_until(glia_effects::eval(&mut glia, &name, &text, &mut host)))
    };
    if let Some(path) = &record {
        // Written whatever the outcome: a failed run is worth replaying.
        let saved = log
            .save()
            .and_then(|t| std::fs::write(path, t).map_err(|e| e.to_string()));
        if let Err(e) = saved {
            eprintln!("ww eval: cannot record to {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    match result {
        Ok(v) => {
            if print_result {
                println!("{}", glia_eval::value::pr_str(&v));
            }
            ExitCode::SUCCESS
        }
        Err(e) => match host::exit_status(&e) {
            // `(perform :exit n)`: the program asked; nothing to report.
            Some(status) => status,
            None => {
                eprint!("{}", e.report().render_plain());
                ExitCode::FAILURE
            }
        },
    }
}

/// Where to serve the admin plane: an address, or nowhere (`off`).
#[derive(Clone, Debug)]
struct Admin(Option<std::net::SocketAddr>);

fn admin_addr(s: &str) -> Result<Admin, String> {
    if s == "off" {
        return Ok(Admin(None));
    }
    s.parse()
        .map(|a| Admin(Some(a)))
        .map_err(|e| format!("{e}: give an address such as 127.0.0.1:2026, or off"))
}

/// `ww run`: boots the node, runs its init scripts, and serves until
/// SIGINT or SIGTERM.
fn run(config: runtime::node::Config) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ww run: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Capabilities, the kernel and the routes' handlers live on this
    // thread; the network and the cells run on the runtime's workers.
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async {
        let node = match runtime::node::boot(&config).await {
            Ok(node) => node,
            Err(e) => {
                eprintln!("ww run: {e}");
                return ExitCode::FAILURE;
            }
        };
        let peer = node.roots.network.peer_id();
        eprintln!("ww: peer id {peer}");
        for addr in &node.addrs {
            eprintln!("ww: libp2p on {addr}");
        }
        eprintln!("ww: http on http://{}", node.http);
        if let Some(admin) = node.admin {
            eprintln!("ww: admin on http://{admin}");
            eprintln!(
                "ww: mcp on http://{admin}{} (the bearer token is in {})",
                mcp::PATH,
                runtime::home::mcp_token().display()
            );
        }
        let clients = node.roots.clients();
        if node.pid0.is_none() {
            let failed = run_init(&node, &clients).await;
            if failed > 0 {
                eprintln!(
                    "ww: {failed} init script(s) failed; the node runs without what they set up"
                );
            }
            node.roots
                .http
                .routes()
                .metrics
                .init_failed
                .set(failed as i64);
        } else {
            eprintln!(
                "ww: init: pid0 is {}; the init scripts do not run",
                runtime::node::pid0::PATH
            );
        }
        let control = match attach_points(&node, &clients, &config.run_dir).await {
            Ok(control) => control,
            Err(e) => {
                eprintln!("ww run: {e}");
                return ExitCode::FAILURE;
            }
        };
        node.ready.store(true, std::sync::atomic::Ordering::Release);
        eprintln!("ww: ready");
        let code = match &node.pid0 {
            None => {
                shutdown_signal().await;
                ExitCode::SUCCESS
            }
            Some(bytes) => tokio::select! {
                ended = run_pid0(bytes, &node, &clients) => ended,
                () = shutdown_signal() => ExitCode::SUCCESS,
            },
        };
        eprintln!("ww: shutting down");
        // The state file and socket go first, so no shell attaches to a
        // node that is stopping.
        drop(control);
        code
    })
}

/// The Glia kernel: the image's init scripts, with `clients` bound.
/// Returns how many failed.
async fn run_init(
    node: &runtime::node::Node,
    clients: &[(String, capnp::capability::Client)],
) -> usize {
    let mut glia = glia_eval::Glia::new();
    let kernel = runtime::node::KernelHost {
        inner: host::CliHost,
        image: node.image.clone(),
    };
    let mut host = runtime::bindings::CapHost::with_clients(
        kernel,
        &mut glia,
        &node.roots.epoch,
        clients.to_vec(),
    );
    runtime::node::run_init(&mut glia, &node.image, &mut host).await
}

/// Runs pid0 until it ends: the node's exit status is its.
async fn run_pid0(
    bytes: &[u8],
    node: &runtime::node::Node,
    clients: &[(String, capnp::capability::Client)],
) -> ExitCode {
    let cells = match runtime::cells::CellHost::new(runtime::cells::CellHost::default_cache()) {
        Ok(cells) => cells,
        Err(e) => {
            eprintln!("ww run: cannot start the cell host for pid0: {e}");
            return ExitCode::FAILURE;
        }
    };
    let image = &node.flattened.0;
    match runtime::node::pid0::run(&cells, bytes, clients, &node.roots.epoch, image).await {
        Ok(outcome) => {
            eprint!("{}", String::from_utf8_lossy(&outcome.stderr));
            match outcome.ended {
                runtime::cells::Ended::Exit(code) => {
                    eprintln!("ww: pid0 exited with {code}");
                    ExitCode::from(u8::try_from(code).unwrap_or(1))
                }
                other => {
                    eprintln!("ww: pid0 ended: {other}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            eprintln!("ww run: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where sessions attach to `node`: the state file and socket in `dir`
/// (`~/.ww/run`), and the login protocol over libp2p.
async fn attach_points(
    node: &runtime::node::Node,
    clients: &[(String, capnp::capability::Client)],
    dir: &std::path::Path,
) -> Result<runtime::node::control::Control, String> {
    use runtime::node::state;
    let network = node.roots.network.get().await.map_err(|e| e.to_string())?;
    let pid = std::process::id();
    let state = state::State {
        pid,
        peer_id: network.peer_id().to_string(),
        socket: state::socket_path(dir, pid),
        listen_addrs: node.addrs.iter().map(ToString::to_string).collect(),
        http: node.http.to_string(),
        admin: node.admin.map(|a| a.to_string()),
        started: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    };
    let membrane = runtime::bindings::membrane_of(&node.roots.epoch, clients);
    runtime::node::control::start(
        dir,
        &state,
        membrane,
        network,
        &runtime::home::authorized_keys(),
    )
}

/// Waits for SIGINT or SIGTERM.
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// `ww store ...`.
/// `ww push DIR [--ipfs-url URL]`.
fn push(dir: &Path, ipfs_url: Option<&str>) -> ExitCode {
    let store = match runtime::store::BlockStore::open(&runtime::home::store()) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("ww push: {e}");
            return ExitCode::FAILURE;
        }
    };
    let node = match store.import(dir) {
        Ok(node) => node,
        Err(e) => {
            eprintln!("ww push: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", node.cid);
    eprintln!(
        "ww push: {} ({} bytes of blocks) pinned in {}",
        dir.display(),
        node.tree_size,
        runtime::home::store().display()
    );
    let Some(url) = ipfs_url else {
        return ExitCode::SUCCESS;
    };
    let added = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
        .and_then(|rt| {
            rt.block_on(runtime::store::kubo::push(&store, &node.cid, url))
                .map_err(|e| e.to_string())
        });
    match added {
        Ok(()) => {
            eprintln!("ww push: {} added and pinned in Kubo at {url}", node.cid);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ww push: {e}");
            ExitCode::FAILURE
        }
    }
}

fn store(command: StoreCommand) -> ExitCode {
    use runtime::store::BlockStore;
    let done = BlockStore::open(&runtime::home::store()).and_then(|store| match command {
        StoreCommand::Ls => {
            for cid in store.pins()? {
                println!("{cid}");
            }
            Ok(())
        }
        StoreCommand::Pin { cid } => {
            // Only what can be walked whole: a pin promises the blocks.
            store
                .tree(&cid)
                .map_err(|e| runtime::store::StoreError::Invalid {
                    cid: cid.to_string(),
                    why: e.to_string(),
                })?;
            store.pin(&cid)
        }
        StoreCommand::Unpin { cid } => store.unpin(&cid),
        StoreCommand::Gc => {
            let collected = store.collect_garbage()?;
            println!(
                "removed {} blocks ({} bytes) and {} written-out trees",
                collected.blocks, collected.bytes, collected.trees
            );
            Ok(())
        }
    });
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ww store: {e}");
            ExitCode::FAILURE
        }
    }
}
