//! One document analysed: its tree, its findings, and what each symbol in
//! it means (from the compiler's facts, so macros are seen through).

use std::collections::HashSet;

use glia_eval::{Fact, Finding, Loader};
use glia_syntax::{Form, Read, Span, SyntaxElement, SyntaxKind, SyntaxNode, SyntaxToken};

use crate::checker::Checker;

/// What a symbol denotes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The local bound at this span of the same document.
    Local(Span),
    Var {
        ns: String,
        name: String,
    },
}

/// A symbol of the text and what it denotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub span: Span,
    pub target: Target,
    /// Whether this is where the target is defined or bound.
    pub def: bool,
}

#[derive(Debug)]
pub struct Analysis {
    pub read: Read,
    pub findings: Vec<Finding>,
    /// Sorted by start.
    pub occurrences: Vec<Occurrence>,
    /// The namespace after each top-level form, by the form's end.
    namespaces: Vec<(usize, String)>,
}

impl Analysis {
    /// Analyses `text` (named `name` in reports), checking it with
    /// `checker`, whose session holds the previous check of the same
    /// document.
    pub fn new(
        name: &str,
        text: &str,
        checker: &mut Checker,
        host_effects: &[&str],
        load: &mut Loader,
    ) -> Analysis {
        let read = glia_syntax::read(text);
        let syntax = glia_eval::syntax_findings(&read);
        let forms: Vec<&Form> = read
            .forms
            .iter()
            .filter(|f| !glia_eval::has_error(f.span, &syntax))
            .collect();
        let checked = checker.check(name, text, &forms, load);
        let mut findings = syntax;
        findings.extend(checked.findings);
        // Unused bindings are found per form, by the checker.
        findings.extend(glia_eval::unhandled_effects(&read.forms, host_effects));
        findings.sort_by_key(|f| (f.span.start, f.span.end));
        findings.dedup();
        Analysis {
            read,
            findings,
            occurrences: checked.occurrences,
            namespaces: checked.namespaces,
        }
    }

    pub fn text(&self) -> &str {
        self.read.parse.tree().text()
    }

    /// The namespace code at `offset` is in.
    pub fn ns_at(&self, offset: usize) -> &str {
        let i = self
            .namespaces
            .partition_point(|(start, _)| *start <= offset);
        match i.checked_sub(1).and_then(|i| self.namespaces.get(i)) {
            Some((_, ns)) => ns,
            None => self.namespaces.first().map_or("user", |(_, ns)| ns),
        }
    }

    /// The namespace the document declares last (`user` for none).
    pub fn ns(&self) -> &str {
        self.namespaces.last().map_or("user", |(_, ns)| ns)
    }

    /// The occurrence whose symbol covers `offset` (its end included, so a
    /// cursor just after a symbol finds it).
    pub fn occurrence_at(&self, offset: usize) -> Option<&Occurrence> {
        let i = self.occurrences.partition_point(|o| o.span.start <= offset);
        self.occurrences[..i]
            .iter()
            .rev()
            .take_while(|o| o.span.end + 64 >= offset)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// The token at `offset`: the one containing it, else the one ending
    /// there (a cursor just after a word).
    pub fn token_at(&self, offset: usize) -> Option<SyntaxToken<'_>> {
        token_at(self.read.parse.tree().root(), offset)
    }

    pub fn occurrences_of<'a>(
        &'a self,
        target: &'a Target,
    ) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |o| o.target == *target)
    }
}

/// The token at `offset` below `root`: the word containing it, else the
/// word ending there (a cursor just after a word), else whatever token
/// contains it.
pub fn token_at(root: SyntaxNode<'_>, offset: usize) -> Option<SyntaxToken<'_>> {
    let right = token_containing(root, offset);
    let left = offset
        .checked_sub(1)
        .and_then(|o| token_containing(root, o));
    match (right, left) {
        (Some(r), _) if is_word(r.kind()) => Some(r),
        (_, Some(l)) if is_word(l.kind()) => Some(l),
        (r, l) => r.or(l),
    }
}

/// The token whose bytes include `offset`.
fn token_containing(root: SyntaxNode<'_>, offset: usize) -> Option<SyntaxToken<'_>> {
    let mut node = root;
    'down: loop {
        for child in node.children_with_tokens() {
            let span = child.span();
            if span.start <= offset && offset < span.end {
                match child {
                    SyntaxElement::Token(t) => return Some(t),
                    SyntaxElement::Node(n) => {
                        node = n;
                        continue 'down;
                    }
                }
            }
        }
        return None;
    }
}

pub fn is_word(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::Symbol
            | SyntaxKind::Keyword
            | SyntaxKind::Number
            | SyntaxKind::String
            | SyntaxKind::Char
    )
}

/// The name part of a symbol's text: `b` of `a/b`, `/` of `/`.
pub fn symbol_name(text: &str) -> &str {
    match text.rfind('/') {
        Some(i) if i > 0 && i + 1 < text.len() => &text[i + 1..],
        _ => text,
    }
}

/// The first place in `within` where `name` is written as a whole symbol.
fn find_symbol(text: &str, within: Span, name: &str) -> Option<Span> {
    let region = text.get(within.start..within.end)?;
    let delimits = |c: Option<char>| {
        c.is_none_or(|c| {
            c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | ',' | '\'' | '^')
        })
    };
    region.match_indices(name).find_map(|(i, _)| {
        let before = region[..i].chars().next_back();
        let after = region[i + name.len()..].chars().next();
        (delimits(before) && delimits(after))
            .then(|| Span::new(within.start + i, within.start + i + name.len()))
    })
}

/// The facts whose spans hold the names as the user wrote them (the rest
/// are about code a macro made up), as occurrences.
pub fn occurrences(text: &str, facts: &[Fact]) -> Vec<Occurrence> {
    let at = |span: Span| text.get(span.start..span.end).unwrap_or("");
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for fact in facts {
        let occurrence = match fact {
            Fact::Local { name, span } if at(*span) == &**name => Occurrence {
                span: *span,
                target: Target::Local(*span),
                def: true,
            },
            Fact::LocalRef {
                at: span,
                binding,
                name,
            } if at(*span) == &**name && at(*binding) == &**name => Occurrence {
                span: *span,
                target: Target::Local(*binding),
                def: false,
            },
            // A defining macro (`defn`) may rebuild the name symbol, which
            // then carries the whole form's span: the name is the first
            // symbol in it spelled so.
            Fact::VarDef { at: span, ns, name } if symbol_name(at(*span)) != &**name => {
                let Some(found) = find_symbol(text, *span, name) else {
                    continue;
                };
                Occurrence {
                    span: found,
                    target: Target::Var {
                        ns: ns.to_string(),
                        name: name.to_string(),
                    },
                    def: true,
                }
            }
            Fact::VarRef { at: span, ns, name } | Fact::VarDef { at: span, ns, name }
                if symbol_name(at(*span)) == &**name =>
            {
                Occurrence {
                    span: *span,
                    target: Target::Var {
                        ns: ns.to_string(),
                        name: name.to_string(),
                    },
                    def: matches!(fact, Fact::VarDef { .. }),
                }
            }
            _ => continue,
        };
        if seen.insert((occurrence.span.start, occurrence.span.end)) {
            out.push(occurrence);
        }
    }
    out.sort_by_key(|o| (o.span.start, o.span.end));
    out
}
