//! What `ww mcp` offers besides tools: the Glia reference and the standard
//! library's documentation as resources, and a guide for writing Glia as a
//! prompt.

use rmcp::model::{Prompt, PromptMessage, Resource, Role};

/// The reference documents, as `glia://docs/<name>`: the same pages as
/// `doc/` in the repository, embedded.
const DOCS: [(&str, &str, &str); 4] = [
    (
        "syntax",
        "The Glia reader: literals, reader macros, what differs from Clojure",
        include_str!("../../../../doc/syntax.md"),
    ),
    (
        "eval",
        "The Glia evaluator: special forms, namespaces, limits, what differs from Clojure",
        include_str!("../../../../doc/eval.md"),
    ),
    (
        "effects",
        "Effects and handlers: perform, with-effect-handler, resuming, the standard effects",
        include_str!("../../../../doc/effects.md"),
    ),
    (
        "library",
        "The Glia library: glia.core and the standard modules",
        include_str!("../../../../doc/library.md"),
    ),
];

/// The prompt's name, and its text.
pub const GUIDE: &str = "write-glia";
const GUIDE_TEXT: &str = include_str!("guide.md");

/// Where a namespace's documentation is.
const STDLIB: &str = "glia://stdlib/";

/// Every resource: the reference documents, then a page per namespace of
/// the standard library.
pub fn list() -> Vec<Resource> {
    let mut out: Vec<Resource> = DOCS
        .iter()
        .map(|(name, about, _)| {
            let mut r =
                Resource::new(format!("glia://docs/{name}"), *name).with_description(*about);
            r.mime_type = Some("text/markdown".into());
            r
        })
        .collect();
    for ns in namespaces() {
        let mut r = Resource::new(format!("{STDLIB}{ns}"), ns).with_description(format!(
            "The public vars of {ns}: arguments and documentation"
        ));
        r.mime_type = Some("text/markdown".into());
        out.push(r);
    }
    out
}

/// The standard library's namespaces, in order.
fn namespaces() -> Vec<&'static str> {
    let mut names: Vec<&str> = glia_eval::stdlib_sources()
        .iter()
        .map(|(ns, _, _)| *ns)
        .collect();
    names.dedup();
    names
}

/// What reading `uri` takes: a document at hand, or a namespace whose vars
/// a session must describe.
pub enum Read {
    Text(String),
    Namespace(String),
}

/// What `uri` names, or `None` for a resource there is not.
pub fn read(uri: &str) -> Option<Read> {
    if let Some(name) = uri.strip_prefix("glia://docs/") {
        return DOCS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, text)| Read::Text(text.to_string()));
    }
    let ns = uri.strip_prefix(STDLIB)?;
    namespaces()
        .contains(&ns)
        .then(|| Read::Namespace(ns.to_string()))
}

/// The public vars of `ns` as markdown: each with its argument lists and
/// doc string.
pub fn namespace_page(glia: &mut glia_eval::Glia, ns: &str) -> String {
    let mut vars: Vec<_> = glia
        .vars_of(ns)
        .into_iter()
        .filter(|d| d.is_public())
        .collect();
    vars.sort_by(|a, b| a.name.cmp(&b.name));
    let mut page = format!("# {ns}\n\n{} public vars.\n", vars.len());
    for d in vars {
        page.push_str(&format!("\n## {}\n\n", d.name));
        for args in &d.arglists {
            page.push_str(&format!(
                "    ({} {})\n",
                d.name,
                args.trim_matches(['[', ']'])
            ));
        }
        if !d.arglists.is_empty() {
            page.push('\n');
        }
        page.push_str(d.doc.as_deref().unwrap_or("(no documentation)"));
        page.push('\n');
    }
    page
}

/// The prompts offered.
pub fn prompts() -> Vec<Prompt> {
    vec![Prompt::new(
        GUIDE,
        Some(
            "How to write Glia in this session: effects, capabilities, errors and limits, finding documentation",
        ),
        None,
    )]
}

/// The guide, as the prompt's one message.
pub fn guide() -> PromptMessage {
    PromptMessage::new_text(Role::User, GUIDE_TEXT)
}
