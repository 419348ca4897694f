//! The server: its state, the main loop and the routing of messages to the
//! feature modules (each adds its handlers to [`Server`]).
//!
//! One thread does everything: the analysis holds Glia sessions, which
//! are single-threaded, and each request is answered from the latest
//! analysis. Edits are coalesced: a document is re-analysed (and its
//! diagnostics published) only when no message is waiting, or before a
//! request that needs it, so typing fast does not queue stale work.

use std::collections::HashMap;
use std::path::PathBuf;

use line_index::WideEncoding;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{InitializeParams, PositionEncodingKind, Uri};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::analysis::Analysis;
use crate::checker::Checker;
use crate::document::Document;
use crate::workspace::{self, Workspace};

/// A document the editor has open.
#[derive(Debug)]
pub struct Open {
    pub uri: Uri,
    pub path: Option<PathBuf>,
    pub doc: Document,
    pub checker: Checker,
    pub analysis: Analysis,
    /// Edited since the analysis.
    pub dirty: bool,
}

/// A workspace file the editor does not have open, analysed when a
/// workspace-wide request needs it.
#[derive(Debug)]
pub struct Closed {
    pub uri: Uri,
    pub doc: Document,
    pub checker: Checker,
    pub analysis: Analysis,
    stamp: Option<std::time::SystemTime>,
}

/// An error answered to a request.
#[derive(Debug)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
}

impl Failure {
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure {
            code: ErrorCode::InvalidParams,
            message: message.into(),
        }
    }
}

pub type Answer<T> = Result<T, Failure>;

pub struct Server {
    connection: Connection,
    pub open: HashMap<String, Open>,
    pub closed: HashMap<PathBuf, Closed>,
    pub workspace: Workspace,
    /// Where the standard library's sources were written for goto-definition.
    pub stdlib: Option<PathBuf>,
    pub encoding: Option<WideEncoding>,
    /// The keyword effects the host serves (no handler needed in the file).
    pub host_effects: Vec<&'static str>,
    pub library: crate::library::Library,
    /// What every document's evaluation starts with.
    prelude: crate::Prelude,
    shutting_down: bool,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("open", &self.open.len())
            .field("roots", &self.workspace.roots)
            .finish()
    }
}

/// Runs a server on `connection` until the client says `exit`.
pub fn run(connection: Connection, prelude: crate::Prelude) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams =
        serde_json::from_value(params).map_err(|e| format!("bad initialize params: {e}"))?;
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.clone())
        .unwrap_or_default();
    // UTF-8 columns are what the tree speaks; UTF-16 is the protocol's default.
    let (encoding, kind) = if offered.contains(&PositionEncodingKind::UTF8) {
        (None, PositionEncodingKind::UTF8)
    } else {
        (Some(WideEncoding::Utf16), PositionEncodingKind::UTF16)
    };
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| workspace::path_of(&f.uri))
        .collect();
    #[allow(deprecated)] // Older clients send only rootUri.
    if roots.is_empty()
        && let Some(root) = params.root_uri.as_ref().and_then(workspace::path_of)
    {
        roots.push(root);
    }
    let result = serde_json::json!({
        "capabilities": crate::capabilities::server_capabilities(kind),
        "serverInfo": { "name": "glia-lsp", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let mut server = Server {
        connection,
        open: HashMap::new(),
        closed: HashMap::new(),
        workspace: Workspace::new(roots),
        stdlib: workspace::extract_stdlib(),
        encoding,
        host_effects: glia_effects::std_effects::NAMES.to_vec(),
        library: Default::default(),
        prelude,
        shutting_down: false,
    };
    server.main_loop()
}

impl Server {
    fn main_loop(&mut self) -> Result<(), String> {
        loop {
            let message = match self.connection.receiver.try_recv() {
                Ok(m) => m,
                Err(_) => {
                    self.refresh();
                    match self.connection.receiver.recv() {
                        Ok(m) => m,
                        Err(_) => return Ok(()),
                    }
                }
            };
            match message {
                Message::Request(request) => {
                    if self.shutting_down {
                        self.respond(Response::new_err(
                            request.id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".into(),
                        ));
                        continue;
                    }
                    if request.method == req::Shutdown::METHOD {
                        self.shutting_down = true;
                        self.respond(Response::new_ok(request.id, ()));
                        continue;
                    }
                    self.refresh();
                    let id = request.id.clone();
                    // A bug in one handler answers that request with an
                    // error; it must not take the editor's server down.
                    let response = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.dispatch(request)))
                        .unwrap_or_else(|_| {
                            Response::new_err(
                                id,
                                ErrorCode::InternalError as i32,
                                "glia-lsp failed on this request (a bug: please report it with the file)".into(),
                            )
                        });
                    self.respond(response);
                }
                // The protocol: exiting without a shutdown first is a failure.
                Message::Notification(n) if n.method == note::Exit::METHOD => {
                    return match self.shutting_down {
                        true => Ok(()),
                        false => {
                            Err("the client exited without asking the server to shut down".into())
                        }
                    };
                }
                Message::Notification(n) => {
                    let method = n.method.clone();
                    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.notified(n)))
                        .is_err()
                    {
                        eprintln!("glia-lsp: failed on {method} (a bug: please report it)");
                    }
                }
                Message::Response(_) => {}
            }
        }
    }

    fn respond(&self, response: Response) {
        // A send fails only once the client is gone; the loop then ends.
        let _ = self.connection.sender.send(Message::Response(response));
    }

    pub fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        let _ = self
            .connection
            .sender
            .send(Message::Notification(Notification::new(
                N::METHOD.into(),
                params,
            )));
    }

    fn dispatch(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let params = request.params;
        match request.method.as_str() {
            req::HoverRequest::METHOD => handle(id, params, |p| self.hover(p)),
            req::Completion::METHOD => handle(id, params, |p| self.completion(p)),
            req::ResolveCompletionItem::METHOD => {
                handle(id, params, |p| self.resolve_completion(p))
            }
            req::SignatureHelpRequest::METHOD => handle(id, params, |p| self.signature_help(p)),
            req::GotoDefinition::METHOD => handle(id, params, |p| self.definition(p, false)),
            req::GotoDeclaration::METHOD => handle(id, params, |p| self.definition(p, true)),
            req::References::METHOD => handle(id, params, |p| self.references(p)),
            req::DocumentHighlightRequest::METHOD => handle(id, params, |p| self.highlight(p)),
            req::PrepareRenameRequest::METHOD => handle(id, params, |p| self.prepare_rename(p)),
            req::Rename::METHOD => handle(id, params, |p| self.rename(p)),
            req::DocumentSymbolRequest::METHOD => handle(id, params, |p| self.document_symbols(p)),
            req::WorkspaceSymbolRequest::METHOD => {
                handle(id, params, |p| self.workspace_symbols(p))
            }
            req::Formatting::METHOD => handle(id, params, |p| self.format(p)),
            req::RangeFormatting::METHOD => handle(id, params, |p| self.format_range(p)),
            req::SemanticTokensFullRequest::METHOD => {
                handle(id, params, |p| self.semantic_tokens(p))
            }
            req::SemanticTokensRangeRequest::METHOD => {
                handle(id, params, |p| self.semantic_tokens_range(p))
            }
            req::FoldingRangeRequest::METHOD => handle(id, params, |p| self.folding_ranges(p)),
            req::SelectionRangeRequest::METHOD => handle(id, params, |p| self.selection_ranges(p)),
            req::CodeActionRequest::METHOD => handle(id, params, |p| self.code_actions(p)),
            req::InlayHintRequest::METHOD => handle(id, params, |p| self.inlay_hints(p)),
            other => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("glia-lsp does not serve `{other}`"),
            ),
        }
    }

    fn notified(&mut self, n: Notification) {
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                {
                    let d = p.text_document;
                    self.open_document(d.uri, d.text, d.version);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                    && let Some(open) = self.open.get_mut(p.text_document.uri.as_str())
                {
                    open.doc.apply(p.text_document.version, p.content_changes);
                    open.dirty = true;
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                    && let Some(open) = self.open.remove(p.text_document.uri.as_str())
                {
                    self.notify::<note::PublishDiagnostics>(lsp_types::PublishDiagnosticsParams {
                        uri: open.uri,
                        diagnostics: Vec::new(),
                        version: None,
                    });
                }
            }
            // A file saved or changed on disk: its closed analysis (and the
            // modules others load) are read again when next needed.
            note::DidSaveTextDocument::METHOD | note::DidChangeWatchedFiles::METHOD => {
                self.closed.clear();
                self.workspace.forget_files();
            }
            _ => {}
        }
    }

    fn open_document(&mut self, uri: Uri, text: String, version: i32) {
        let path = workspace::path_of(&uri);
        let doc = Document::new(text, version, self.encoding);
        let mut checker = Checker::new(self.prelude);
        let analysis = self.analyse(&uri, path.as_deref(), &doc.text, &mut checker);
        let open = Open {
            uri,
            path,
            doc,
            checker,
            analysis,
            dirty: false,
        };
        self.publish(&open);
        self.open.insert(open.uri.as_str().to_string(), open);
    }

    /// Re-analyses the documents edited since their last analysis.
    fn refresh(&mut self) {
        let dirty: Vec<String> = self
            .open
            .iter()
            .filter(|(_, o)| o.dirty)
            .map(|(k, _)| k.clone())
            .collect();
        for key in dirty {
            let Some(mut open) = self.open.remove(&key) else {
                continue;
            };
            open.analysis = self.analyse(
                &open.uri,
                open.path.as_deref(),
                &open.doc.text,
                &mut open.checker,
            );
            open.dirty = false;
            self.publish(&open);
            self.open.insert(key, open);
        }
    }

    /// Analyses a text; `require`s of workspace modules load the open
    /// document's text if it is open, else the file's.
    pub fn analyse(
        &self,
        uri: &Uri,
        path: Option<&std::path::Path>,
        text: &str,
        checker: &mut Checker,
    ) -> Analysis {
        let name = path.map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string());
        let mut load = |module: &str| {
            let file = self.workspace.module_file(module, path).or_else(|| {
                // An open, unsaved document is loaded as the editor has it.
                self.open
                    .values()
                    .find(|o| o.path.as_ref().is_some_and(|p| p.ends_with(module)))
                    .and_then(|o| o.path.clone())
            })?;
            match self.open.values().find(|o| o.path.as_ref() == Some(&file)) {
                Some(open) => Some(open.doc.text.clone()),
                None => std::fs::read_to_string(file).ok(),
            }
        };
        Analysis::new(&name, text, checker, &self.host_effects, &mut load)
    }

    fn publish(&self, open: &Open) {
        let diagnostics = crate::diagnostics::of(&open.analysis, &open.doc.lines);
        self.notify::<note::PublishDiagnostics>(lsp_types::PublishDiagnosticsParams {
            uri: open.uri.clone(),
            diagnostics,
            version: Some(open.doc.version),
        });
    }

    /// The open document at `uri`.
    pub fn document(&self, uri: &Uri) -> Answer<&Open> {
        self.open
            .get(uri.as_str())
            .ok_or_else(|| Failure::invalid(format!("{} is not open", uri.as_str())))
    }

    /// Analyses every workspace file not open (again if it changed on disk).
    pub fn load_workspace(&mut self) {
        let open: Vec<PathBuf> = self.open.values().filter_map(|o| o.path.clone()).collect();
        for path in self.workspace.glia_files().to_vec() {
            if open.contains(&path) {
                continue;
            }
            let stamp = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
            if self
                .closed
                .get(&path)
                .is_some_and(|c| c.stamp == stamp && stamp.is_some())
            {
                continue;
            }
            let (Ok(text), Some(uri)) = (std::fs::read_to_string(&path), workspace::uri_of(&path))
            else {
                continue;
            };
            let mut checker = Checker::new(self.prelude);
            let analysis = self.analyse(&uri, Some(&path), &text, &mut checker);
            let doc = Document::new(text, 0, self.encoding);
            self.closed.insert(
                path,
                Closed {
                    uri,
                    doc,
                    checker,
                    analysis,
                    stamp,
                },
            );
        }
    }

    /// Every analysed file: the open ones, then the closed ones (call
    /// [`Server::load_workspace`] first for all of them).
    pub fn files(&self) -> impl Iterator<Item = (&Uri, &Document, &Analysis)> {
        self.open
            .values()
            .map(|o| (&o.uri, &o.doc, &o.analysis))
            .chain(self.closed.values().map(|c| (&c.uri, &c.doc, &c.analysis)))
    }

    /// The checker session of an open document or analysed file.
    pub fn session(&mut self, uri: &Uri) -> Option<&mut Checker> {
        if let Some(o) = self.open.get_mut(uri.as_str()) {
            return Some(&mut o.checker);
        }
        self.closed
            .values_mut()
            .find(|c| c.uri == *uri)
            .map(|c| &mut c.checker)
    }
}

fn handle<P: DeserializeOwned, R: Serialize>(
    id: RequestId,
    params: serde_json::Value,
    f: impl FnOnce(P) -> Answer<R>,
) -> Response {
    let params = match serde_json::from_value(params) {
        Ok(p) => p,
        Err(e) => {
            return Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("bad params: {e}"),
            );
        }
    };
    match f(params) {
        Ok(result) => Response::new_ok(id, result),
        Err(failure) => Response::new_err(id, failure.code as i32, failure.message),
    }
}
