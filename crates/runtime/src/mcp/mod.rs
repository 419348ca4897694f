//! `ww mcp`: Glia for LLMs over the Model Context Protocol, on stdio; and
//! the same server over Streamable HTTP on a node's admin plane
//! (`http.rs`).
//!
//! The session is the shell's (`session.rs`): attached to the node running
//! here, or a remote one, or an in-process node (on the admin plane, the
//! node serving it); so an LLM holds the same capabilities as the REPL,
//! narrowed by `--grant`. Tools: `eval` (forms;
//! the last value printed readably, `:stdout` output returned beside it
//! rather than written over the protocol stream), `describe` (the
//! capabilities in scope), `doc` (a var's documentation) and `reset`. Every
//! evaluation runs under fuel, memory and time limits.
//!
//! Glia values are not `Send`, and rmcp's handlers must be: the session
//! lives on a thread of its own, and tool calls reach it as jobs, one at a
//! time, in order.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc;

use glia_effects::std_effects::{self, Request};
use glia_effects::{Answer, Host};
use glia_eval::{Error, ErrorType, Value};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, GetPromptRequestParams, GetPromptResponse, GetPromptResult,
    Implementation, ListPromptsResult, ListResourcesResult, PaginatedRequestParams,
    ProtocolVersion, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    ResourceContents, ServerCapabilities, ServerConfig,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData as McpError, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use serde_json::json;

use crate::session::{Session, Target};

mod framing;
mod http;
mod policy;
mod resources;
mod token;

pub use http::{PATH, router};
pub use token::load as load_token;

/// VM instructions an evaluation may run, unless told otherwise.
pub const DEFAULT_FUEL: u64 = 100_000_000;
/// How long an evaluation may take, unless told otherwise.
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// Memory Glia values may take in an evaluation, unless told otherwise.
pub const DEFAULT_MEMORY: u64 = 256 << 20;

/// An evaluation's limits: `fuel` instructions, `timeout` (waits on
/// capabilities included), `memory` bytes of Glia values.
pub fn limits(fuel: u64, timeout: std::time::Duration, memory: u64) -> glia_eval::Limits {
    glia_eval::Limits {
        fuel: Some(fuel),
        timeout: Some(timeout),
        memory: Some(memory),
        ..glia_eval::Limits::default()
    }
}

/// What a server's sessions are made with.
#[derive(Clone, Debug)]
pub struct Options {
    pub target: Target,
    pub grants: Vec<Grant>,
    /// A policy file's grants (`--policy`), applied after `grants`.
    pub policy: Option<std::path::PathBuf>,
    pub limits: glia_eval::Limits,
}

impl Options {
    /// Narrows the roots bound in `glia` to what the grants and then the
    /// policy allow. The policy is read now: each session (each `reset`)
    /// takes up an edit.
    fn attenuate(&self, glia: &mut glia_eval::Glia) -> Result<(), String> {
        narrow(glia, &self.grants).map_err(|e| format!("a grant: {e}"))?;
        if let Some(path) = &self.policy {
            narrow_all(glia, &policy::read(path)?)
                .map_err(|e| format!("the policy {}: {e}", path.display()))?;
        }
        Ok(())
    }

    /// What [`Options::attenuate`] would say is wrong, found without a
    /// node: for a server whose sessions come later.
    pub fn check(&self) -> Result<(), String> {
        let mut glia = glia_eval::Glia::new();
        runtime::bindings::describe_roots(&mut glia);
        self.attenuate(&mut glia)
    }
}

/// `--grant ROOT[:METHOD,...]`: a root capability the session keeps, with
/// all its methods or only those listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub root: String,
    pub methods: Option<Vec<String>>,
}

impl std::str::FromStr for Grant {
    type Err = String;

    fn from_str(text: &str) -> Result<Grant, String> {
        let (root, methods) = match text.split_once(':') {
            Some((root, methods)) => (root, Some(methods)),
            None => (text, None),
        };
        if !runtime::bindings::root_names().any(|n| n == root) {
            return Err(format!(
                "{root:?} is not a root capability (they are {})",
                runtime::bindings::root_names()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let methods = methods.map(|m| {
            m.split(',')
                .map(|m| m.trim().trim_start_matches(':').to_string())
                .filter(|m| !m.is_empty())
                .collect::<Vec<_>>()
        });
        if methods.as_ref().is_some_and(Vec::is_empty) {
            return Err(format!(
                "{text:?} lists no method: name some (`{root}:id,addrs`) or grant all of {root} (`{root}`)"
            ));
        }
        Ok(Grant {
            root: root.to_string(),
            methods,
        })
    }
}

/// A tool call for the session's thread.
enum Job {
    Eval(String),
    Describe,
    Doc(String),
    Reset,
    /// The documentation page of a namespace (a resource).
    Namespace(String),
}

/// What a job came to: a tool's result or a page; or, for a session that
/// could not be made again, the reason.
type Reply = Result<Done, String>;

enum Done {
    Tool(CallToolResult),
    Page(String),
}

/// A job and where its reply goes.
type Letter = (Job, tokio::sync::oneshot::Sender<Reply>);

/// How a server is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transport {
    Stdio,
    Http,
}

/// The MCP server: the tools, and the way to the session's thread.
#[derive(Clone)]
pub struct Server {
    jobs: mpsc::Sender<Letter>,
    transport: Transport,
    #[allow(dead_code, reason = "read by the code #[tool_handler] writes")]
    tool_router: ToolRouter<Server>,
}

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct EvalArgs {
    /// One or more Glia forms, evaluated in order in the session.
    pub code: String,
}

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct DocArgs {
    /// A var's name, qualified or not (`map`, `glia.string/join`).
    pub name: String,
}

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
pub struct NoArgs {}

#[tool_router]
impl Server {
    #[tool(
        description = "Evaluate Glia code (one or more forms) in this session and return the last value, printed readably. Definitions persist across calls. Output the code writes with (perform :stdout ...) is returned beside the value. Errors come back as tool errors with their type, message, hint and location."
    )]
    async fn eval(
        &self,
        Parameters(args): Parameters<EvalArgs>,
    ) -> Result<CallToolResult, McpError> {
        self.tool(Job::Eval(args.code)).await
    }

    #[tool(
        description = "The capabilities in scope (host, runtime, routing, identity, as granted): for each, what it is and the methods it allows, to call as (perform cap :method args...)."
    )]
    async fn describe(&self, _: Parameters<NoArgs>) -> Result<CallToolResult, McpError> {
        self.tool(Job::Describe).await
    }

    #[tool(
        description = "The documentation of a Glia var or special form: its arguments and doc string."
    )]
    async fn doc(&self, Parameters(args): Parameters<DocArgs>) -> Result<CallToolResult, McpError> {
        self.tool(Job::Doc(args.name)).await
    }

    #[tool(description = "Start the session over: every definition made so far is dropped.")]
    async fn reset(&self, _: Parameters<NoArgs>) -> Result<CallToolResult, McpError> {
        self.tool(Job::Reset).await
    }
}

impl Server {
    /// A server whose session lives on a thread of its own, made at the
    /// first job; or at once, with `ready` told how that went. `keep` is
    /// dropped when the thread ends (when every clone of the server has).
    fn spawn(
        options: Options,
        transport: Transport,
        ready: Option<mpsc::Sender<Result<(), String>>>,
        keep: impl Send + 'static,
    ) -> std::io::Result<Server> {
        let (jobs, inbox) = mpsc::channel();
        std::thread::Builder::new()
            .name("glia session".into())
            .spawn(move || {
                session_thread(options, inbox, ready);
                drop(keep);
            })?;
        Ok(Server {
            jobs,
            transport,
            tool_router: Server::tool_router(),
        })
    }

    /// Hands `job` to the session's thread and waits for its reply.
    async fn run(&self, job: Job) -> Result<Done, McpError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        if self.jobs.send((job, reply)).is_err() {
            return Err(McpError::internal_error(
                "the session's thread is gone",
                None,
            ));
        }
        match answer.await {
            Ok(Ok(done)) => Ok(done),
            Ok(Err(why)) => Err(McpError::internal_error(why, None)),
            Err(_) => Err(McpError::internal_error(
                "the session's thread stopped while evaluating",
                None,
            )),
        }
    }

    /// Runs a tool's job: its result.
    async fn tool(&self, job: Job) -> Result<CallToolResult, McpError> {
        match self.run(job).await? {
            Done::Tool(result) => Ok(result),
            Done::Page(text) => Ok(CallToolResult::success(vec![ContentBlock::text(text)])),
        }
    }
}

#[tool_handler]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_resources()
            .enable_prompts()
            .build();
        let mut info = ServerConfig::new(capabilities);
        info.server_info = Implementation::new("wetware", env!("CARGO_PKG_VERSION"));
        info.instructions = Some(
            "A Glia session (a Clojure-family language with algebraic effects) holding a Wetware node's capabilities. \
             Call `describe` to see the capabilities in scope, `eval` to run code, `doc` for a var's documentation. \
             The prompt `write-glia` is a short guide; the resources hold the language reference and the library."
                .into(),
        );
        info
    }

    /// Over HTTP, only the revisions with a handshake: their
    /// `Mcp-Session-Id` is what keeps a Glia session's definitions from
    /// one call to the next. 2026-07-28 drops protocol sessions, so each
    /// of its requests would meet a fresh session. On stdio the connection
    /// is the session, whatever the revision.
    fn supported_protocol_versions(&self) -> std::borrow::Cow<'static, [ProtocolVersion]> {
        match self.transport {
            Transport::Stdio => ProtocolVersion::KNOWN_VERSIONS.into(),
            Transport::Http => ProtocolVersion::known_up_to(&ProtocolVersion::V_2025_11_25).into(),
        }
    }

    async fn list_resources(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        Ok(ListResourcesResult::with_all_items(resources::list()))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let uri = request.uri;
        let text = match resources::read(&uri) {
            Some(resources::Read::Text(text)) => text,
            Some(resources::Read::Namespace(ns)) => match self.run(Job::Namespace(ns)).await? {
                Done::Page(text) => text,
                Done::Tool(_) => unreachable!("a namespace's job answers with its page"),
            },
            None => {
                return Err(McpError::resource_not_found(
                    format!("no resource {uri}: resources/list names them"),
                    None,
                ));
            }
        };
        Ok(ReadResourceResult::new(vec![ResourceContents::text(text, uri)]).into())
    }

    async fn list_prompts(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(resources::prompts()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        if request.name != resources::GUIDE {
            return Err(McpError::invalid_params(
                format!(
                    "no prompt {}: the one prompt is {}",
                    request.name,
                    resources::GUIDE
                ),
                None,
            ));
        }
        Ok(GetPromptResult::new(vec![resources::guide()])
            .with_description("How to write Glia in a Wetware session")
            .into())
    }
}

/// `ww mcp`: serves MCP on stdin/stdout until the client hangs up.
pub fn run(options: Options) -> Result<(), String> {
    // The session is made before the first request, so a node that cannot
    // be attached to is reported at once.
    let (ready, made) = mpsc::channel();
    let server = Server::spawn(options, Transport::Stdio, Some(ready), ())
        .map_err(|e| format!("cannot start the session's thread: {e}"))?;
    made.recv()
        .map_err(|_| "the session's thread ended at once".to_string())??;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        let service = server
            .serve(framing::stdio())
            .await
            .map_err(|e| format!("the MCP handshake failed: {e}"))?;
        service
            .waiting()
            .await
            .map(drop)
            .map_err(|e| format!("the MCP connection failed: {e}"))
    })
}

/// The session's thread: makes the session (at once if `ready` waits to
/// hear, else at the first job), then answers jobs until the server is
/// gone. A session that cannot be made is tried again at the next job.
fn session_thread(
    options: Options,
    inbox: mpsc::Receiver<Letter>,
    ready: Option<mpsc::Sender<Result<(), String>>>,
) {
    let mut made = None;
    if let Some(ready) = ready {
        match State::new(&options) {
            Ok(state) => {
                made = Some(state);
                let _ = ready.send(Ok(()));
            }
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        }
    }
    for (job, reply) in inbox {
        let state = match &mut made {
            Some(state) => state,
            None => match State::new(&options) {
                Ok(state) => made.insert(state),
                Err(e) => {
                    let _ = reply.send(Err(e));
                    continue;
                }
            },
        };
        let result = match job {
            Job::Eval(code) => Ok(Done::Tool(state.eval(&code))),
            Job::Describe => Ok(Done::Tool(state.describe())),
            Job::Doc(name) => Ok(Done::Tool(state.doc(&name))),
            Job::Namespace(ns) => Ok(Done::Page(resources::namespace_page(
                &mut state.session.glia,
                &ns,
            ))),
            Job::Reset => State::new(&options).map(|fresh| {
                *state = fresh;
                Done::Tool(CallToolResult::success(vec![ContentBlock::text(
                    "the session starts over: every definition is gone",
                )]))
            }),
        };
        let _ = reply.send(result);
    }
}

/// A session and the output its evaluations write.
struct State {
    session: Session<Captured>,
    stdout: Rc<RefCell<String>>,
}

impl State {
    fn new(options: &Options) -> Result<State, String> {
        let stdout = Rc::new(RefCell::new(String::new()));
        let host = Captured {
            stdout: stdout.clone(),
        };
        let mut session = Session::new(options.target.clone(), host, "ww mcp")?;
        session.glia.vm.limits = options.limits.clone();
        options.attenuate(&mut session.glia)?;
        Ok(State { session, stdout })
    }

    fn eval(&mut self, code: &str) -> CallToolResult {
        self.stdout.borrow_mut().clear();
        let result = self.session.eval("<mcp>", code);
        let stdout = std::mem::take(&mut *self.stdout.borrow_mut());
        match result {
            Ok(value) => {
                let printed = glia_eval::value::pr_str(&value);
                let mut content = vec![ContentBlock::text(printed.clone())];
                if !stdout.is_empty() {
                    content.push(ContentBlock::text(format!("stdout:\n{stdout}")));
                }
                let mut result = CallToolResult::success(content);
                result.structured_content = Some(json!({"value": printed, "stdout": stdout}));
                result
            }
            Err(e) => {
                let (source, line, column) =
                    e.location().map_or((None, None, None), |(source, span)| {
                        let (l, c) = glia_eval::line_col(&source.text, span.start);
                        (Some(source.name.to_string()), Some(l), Some(c))
                    });
                let mut text = e.report().render_plain();
                if !stdout.is_empty() {
                    text.push_str(&format!("\nstdout before the error:\n{stdout}"));
                }
                let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
                result.structured_content = Some(json!({
                    "type": e.type_name(),
                    "message": e.message(),
                    "hint": e.exception.hint(),
                    "source": source,
                    "line": line,
                    "column": column,
                    "stdout": stdout,
                }));
                result
            }
        }
    }

    fn describe(&mut self) -> CallToolResult {
        let mut text = String::new();
        let mut caps = Vec::new();
        for name in runtime::bindings::root_names() {
            let Some(Value::Cap(cap)) = root(&self.session.glia, name) else {
                continue;
            };
            let methods: Vec<String> = cap.allowed.iter().map(|m| m.to_string()).collect();
            let doc = cap.origin.doc.clone().unwrap_or_default();
            let allowed = if methods.is_empty() {
                "none (not granted to this session)".to_string()
            } else {
                methods.join(" ")
            };
            text.push_str(&format!("{name}: {doc}\n  methods: {allowed}\n"));
            caps.push(json!({"name": name, "doc": doc, "methods": methods}));
        }
        if caps.is_empty() {
            text.push_str("no capability is in scope: this session was granted none\n");
        }
        text.push_str("call one as (perform CAP :method args...), e.g. (perform host :id)\n");
        let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
        result.structured_content = Some(json!({ "capabilities": caps }));
        result
    }

    fn doc(&mut self, name: &str) -> CallToolResult {
        let (ns, var) = match name.split_once('/') {
            Some((ns, var)) if !ns.is_empty() && !var.is_empty() => (Some(ns), var),
            _ => (None, name),
        };
        let glia = &mut self.session.glia;
        let current = glia.vm.current_ns.name.to_string();
        let found = glia
            .describe_in(&current, ns, var)
            .or_else(|| glia_eval::special_form(name));
        let Some(d) = found else {
            return CallToolResult::error(vec![ContentBlock::text(format!(
                "no var or special form is named {name} here; `describe` lists the capabilities, and (ns-publics 'glia.core) the core library"
            ))]);
        };
        let mut text = match &d.ns {
            Some(ns) => format!("{ns}/{}\n", d.name),
            None => format!("{} (special form)\n", d.name),
        };
        for args in &d.arglists {
            text.push_str(&format!("  {args}\n"));
        }
        text.push_str(d.doc.as_deref().unwrap_or("(no documentation)"));
        CallToolResult::success(vec![ContentBlock::text(text)])
    }
}

/// The value the root capability `name` has in the session.
fn root(glia: &glia_eval::Glia, name: &str) -> Option<Value> {
    glia.vm.namespaces.get("user")?.lookup(name)?.get()
}

/// Keeps only the granted roots (when any grant is given), each narrowed
/// to its granted methods; a root not granted allows no method.
fn narrow(glia: &mut glia_eval::Glia, grants: &[Grant]) -> Result<(), String> {
    if grants.is_empty() {
        return Ok(());
    }
    narrow_all(glia, grants)
}

/// As [`narrow`], even with no grant: then no root allows anything.
fn narrow_all(glia: &mut glia_eval::Glia, grants: &[Grant]) -> Result<(), String> {
    for name in runtime::bindings::root_names() {
        let Some(Value::Cap(cap)) = root(glia, name) else {
            continue;
        };
        let granted = grants.iter().filter(|g| g.root == name);
        let mut only: Vec<glia_eval::value::Keyword> = Vec::new();
        let mut all = false;
        for grant in granted {
            match &grant.methods {
                None => all = true,
                Some(methods) => {
                    for m in methods {
                        let k = glia_eval::value::Keyword::intern(None, m);
                        if !cap.origin.methods.contains(&k) {
                            let known: Vec<String> =
                                cap.origin.methods.iter().map(|m| m.to_string()).collect();
                            return Err(format!(
                                "{name} has no method :{m} (its methods are {})",
                                known.join(" ")
                            ));
                        }
                        only.push(k);
                    }
                }
            }
        }
        if !all {
            glia.define_in("user", name, Value::Cap(Rc::new(cap.attenuate(&only))));
        }
    }
    Ok(())
}

/// The standard effects for an LLM's session: `:stdout` is kept for the
/// tool's result (the process's stdout is the protocol stream); files and
/// `:exit` are not the session's to use; the rest as the shell has them.
struct Captured {
    stdout: Rc<RefCell<String>>,
}

impl Host for Captured {
    async fn perform(&mut self, target: &Value, data: Value) -> Answer {
        match std_effects::request(target, data.clone()) {
            Some(Ok(Request::Stdout(text))) => {
                self.stdout.borrow_mut().push_str(&text);
                Answer::Value(Value::Nil)
            }
            Some(Ok(Request::Load(path))) => Answer::Error(Error::new(
                ErrorType::PermissionDenied,
                format!(
                    "an MCP session reads no files ({path}): what it may use are the capabilities `describe` lists"
                ),
            )),
            Some(Ok(Request::Exit(_))) => Answer::Error(Error::new(
                ErrorType::PermissionDenied,
                "an MCP session cannot exit the server; `reset` starts it over",
            )),
            _ => crate::host::CliHost.perform(target, data).await,
        }
    }
}
