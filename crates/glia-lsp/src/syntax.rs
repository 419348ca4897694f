//! Reading the lossless tree around a position: the enclosing forms, a
//! list's head and arguments, the locals bound at a point. These work on
//! text that does not compile (what is being typed).

use glia_syntax::{Span, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};

/// The innermost node whose inside holds `offset` (between its opener and
/// its end), and so on out to the root.
pub fn enclosing(root: SyntaxNode<'_>, offset: usize) -> Vec<SyntaxNode<'_>> {
    let mut chain = vec![root];
    let mut node = root;
    'down: loop {
        for child in node.children() {
            let span = child.span();
            if span.start < offset
                && (offset < span.end || (offset == span.end && !is_closed(child)))
            {
                chain.push(child);
                node = child;
                continue 'down;
            }
        }
        chain.reverse();
        return chain;
    }
}

/// Whether a collection node ends with its closing delimiter (the
/// balancer inserts a zero-width one when the text lacks it).
pub fn is_closed(node: SyntaxNode<'_>) -> bool {
    match node.children_with_tokens().last() {
        Some(SyntaxElement::Token(t)) => t.kind().is_closer() && !t.span().is_empty(),
        Some(SyntaxElement::Node(_)) => true,
        None => false,
    }
}

/// The forms directly inside a node (atoms and nodes; trivia, delimiters
/// and prefixes left out).
pub fn forms(node: SyntaxNode<'_>) -> Vec<SyntaxElement<'_>> {
    node.children_with_tokens()
        .filter(|e| e.kind().is_form() && e.kind() != SyntaxKind::MissingForm)
        .collect()
}

/// The head symbol of a list: its first form, if a symbol.
pub fn head(list: SyntaxNode<'_>) -> Option<SyntaxToken<'_>> {
    match forms(list).first()? {
        SyntaxElement::Token(t) if t.kind() == SyntaxKind::Symbol => Some(*t),
        _ => None,
    }
}

/// Forms that bind names in a vector of pairs.
const LET_LIKE: &[&str] = &[
    "let",
    "let*",
    "loop",
    "loop*",
    "when-let",
    "if-let",
    "when-some",
    "if-some",
    "for",
    "doseq",
    "dotimes",
    "with-open",
    "when-first",
    "binding",
];

/// Forms whose parameter vectors bind names.
const FN_LIKE: &[&str] = &["fn", "fn*", "defn", "defn-", "defmacro"];

/// The names bound by the forms around `offset`, innermost first, as they
/// are written (a best effort on the tree, for completion while typing).
pub fn locals_at(root: SyntaxNode<'_>, offset: usize) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for node in enclosing(root, offset) {
        if node.kind() != SyntaxKind::List {
            continue;
        }
        let Some(word) = head(node) else {
            continue;
        };
        let items = forms(node);
        let name = word.text();
        if LET_LIKE.contains(&name) {
            if let Some(SyntaxElement::Node(v)) = items.get(1)
                && v.kind() == SyntaxKind::Vector
            {
                pairs_before(*v, offset, &mut out);
            }
        } else if FN_LIKE.contains(&name) {
            for item in &items[1..] {
                match item {
                    SyntaxElement::Token(t)
                        if t.kind() == SyntaxKind::Symbol && name.starts_with("fn") =>
                    {
                        out.push((t.text().to_string(), t.span()));
                    }
                    SyntaxElement::Node(v) if v.kind() == SyntaxKind::Vector => {
                        pattern(*v, &mut out)
                    }
                    SyntaxElement::Node(arity)
                        if arity.kind() == SyntaxKind::List
                            && arity.span().start < offset
                            && offset <= arity.span().end =>
                    {
                        if let Some(SyntaxElement::Node(v)) = forms(*arity).first() {
                            pattern(*v, &mut out);
                        }
                    }
                    _ => {}
                }
            }
        } else if name == "catch" {
            if let Some(SyntaxElement::Token(t)) = items.get(2) {
                out.push((t.text().to_string(), t.span()));
            }
        } else if name == "letfn"
            && let Some(SyntaxElement::Node(v)) = items.get(1)
        {
            for spec in forms(*v) {
                if let SyntaxElement::Node(spec) = spec
                    && let Some(h) = head(spec)
                {
                    out.push((h.text().to_string(), h.span()));
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|(n, _)| n != "&" && seen.insert(n.clone()));
    out
}

/// The names of a binding vector's pairs that end before `offset`
/// (`:let [...]` inside `for` included).
fn pairs_before(v: SyntaxNode<'_>, offset: usize, out: &mut Vec<(String, Span)>) {
    let items = forms(v);
    for pair in items.chunks(2) {
        // A name is in scope after its init, not inside it.
        if pair.len() < 2 || pair[1].span().end > offset {
            break;
        }
        match pair[0] {
            SyntaxElement::Token(t) if t.kind() == SyntaxKind::Keyword => {
                if t.text() == ":let"
                    && let Some(SyntaxElement::Node(inner)) = pair.get(1)
                {
                    pairs_before(*inner, offset, out);
                }
            }
            SyntaxElement::Token(t) if t.kind() == SyntaxKind::Symbol => {
                out.push((t.text().to_string(), t.span()))
            }
            SyntaxElement::Node(p) => pattern(p, out),
            SyntaxElement::Token(_) => {}
        }
    }
}

/// The symbols a destructuring pattern binds.
fn pattern(p: SyntaxNode<'_>, out: &mut Vec<(String, Span)>) {
    let mut skip_next = false;
    for element in forms(p) {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        match element {
            // `:or {a 1}` names defaults, not new bindings.
            SyntaxElement::Token(t) if t.kind() == SyntaxKind::Keyword => {
                skip_next = t.text() == ":or"
            }
            SyntaxElement::Token(t) if t.kind() == SyntaxKind::Symbol => {
                out.push((t.text().to_string(), t.span()))
            }
            SyntaxElement::Node(inner) => pattern(inner, out),
            SyntaxElement::Token(_) => {}
        }
    }
}

/// Every keyword written in a tree, without duplicates.
pub fn keywords(root: SyntaxNode<'_>, into: &mut std::collections::BTreeSet<String>) {
    for t in root.tokens() {
        if t.kind() == SyntaxKind::Keyword {
            into.insert(t.text().to_string());
        }
    }
}

/// The methods of the capability `(defcap name ...)` defines in a tree:
/// the keywords in method position.
pub fn defcap_methods(root: SyntaxNode<'_>, name: &str) -> Vec<String> {
    for form in root.children() {
        if form.kind() != SyntaxKind::List || head(form).is_none_or(|h| h.text() != "defcap") {
            continue;
        }
        let items = forms(form);
        if items.get(1).is_none_or(|n| n.text() != name) {
            continue;
        }
        return items[2..]
            .iter()
            .filter(|e| e.kind() == SyntaxKind::Keyword)
            .map(|e| e.text().to_string())
            .collect();
    }
    Vec::new()
}

/// The places a libspec refers `ns/name` by name: the `name` in
/// `[ns :refer [name]]` (in `ns` forms and quoted `require`s alike), which
/// is data to the compiler but the var to a reader.
pub fn refers(root: SyntaxNode<'_>, ns: &str, name: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for element in root.descendants_with_tokens() {
        let SyntaxElement::Node(spec) = element else {
            continue;
        };
        if spec.kind() != SyntaxKind::Vector {
            continue;
        }
        let items = forms(spec);
        if items
            .first()
            .is_none_or(|n| glia_eval::canonical_ns(n.text()) != ns)
        {
            continue;
        }
        for pair in items.windows(2) {
            if pair[0].text() == ":refer"
                && let SyntaxElement::Node(names) = pair[1]
            {
                out.extend(
                    forms(names)
                        .iter()
                        .filter(|n| n.kind() == SyntaxKind::Symbol && n.text() == name)
                        .map(|n| n.span()),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locals(text: &str) -> Vec<String> {
        let at = text.find('|').unwrap();
        let text = text.replace('|', "");
        let parse = glia_syntax::parse(&text);
        locals_at(parse.syntax(), at)
            .into_iter()
            .map(|(n, _)| n)
            .collect()
    }

    #[test]
    fn refers_are_found_in_ns_forms_and_requires() {
        let text =
            "(ns a (:require [b.c :refer [f g]]))\n(require '[clojure.string :refer [join]])";
        let parse = glia_syntax::parse(text);
        assert_eq!(refers(parse.syntax(), "b.c", "g").len(), 1);
        assert_eq!(refers(parse.syntax(), "glia.string", "join").len(), 1);
        assert!(refers(parse.syntax(), "b.c", "join").is_empty());
    }

    #[test]
    fn locals_in_scope_while_typing() {
        assert_eq!(
            locals("(defn f [a {:keys [b] :or {b 1}}] (let [c 1 d |"),
            ["c", "a", "b"]
        );
        assert_eq!(locals("(let [c 1 d (inc |)])"), ["c"]);
        assert_eq!(locals("(fn g ([x] x) ([x y] |))"), ["g", "x", "y"]);
        assert_eq!(locals("(for [x xs :let [y x]] |)"), ["x", "y"]);
        assert_eq!(locals("(try 1 (catch :default e |))"), ["e"]);
    }
}
