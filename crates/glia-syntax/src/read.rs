//! Reading: lowering the lossless tree to [`Form`]s.
//!
//! This is where a token's text gets its meaning (numbers, escapes,
//! symbols), reader macros are expanded as Clojure's reader expands them,
//! and the checks that need meaning run: odd maps, duplicate literal keys
//! and set elements, metadata on things that cannot carry it, nested `#()`.

use std::collections::HashMap;

use crate::error::{ErrorKind, Span, SyntaxError};
use crate::escape::{read_char, unescape};
use crate::number::{read_number, read_symbolic};
use crate::{
    Form, FormKind, Keyword, MAX_NESTING, Parse, Symbol, SyntaxElement, SyntaxKind, SyntaxNode,
    parse,
};

/// The forms of a text, every error found while parsing and reading it
/// (sorted by position), and the tree they came from.
#[derive(Debug, Clone)]
pub struct Read {
    pub forms: Vec<Form>,
    pub errors: Vec<SyntaxError>,
    pub parse: Parse,
}

/// Parses and reads `source`. Forms that could not be read are left out;
/// their errors say why.
pub fn read(source: &str) -> Read {
    let parse = parse(source);
    let mut errors = parse.errors().to_vec();
    let forms = read_tree(parse.syntax(), &mut errors);
    errors.sort_by_key(|e| e.span);
    Read {
        forms,
        errors,
        parse,
    }
}

/// Reads the forms directly under `node` (a root), appending errors.
pub fn read_tree(node: SyntaxNode<'_>, errors: &mut Vec<SyntaxError>) -> Vec<Form> {
    let mut lower = Lower {
        errors,
        fn_literal: None,
        fn_literals: 0,
        depth: 0,
    };
    lower.forms_of(node).into_iter().flatten().collect()
}

/// The `%` parameters a `#(...)` uses.
struct FnArgs {
    id: u32,
    max: usize,
    rest: bool,
}

impl FnArgs {
    fn param(&self, n: usize) -> String {
        format!("p{n}__{}#", self.id)
    }

    fn rest_param(&self) -> String {
        format!("rest__{}#", self.id)
    }
}

struct Lower<'e> {
    errors: &'e mut Vec<SyntaxError>,
    fn_literal: Option<FnArgs>,
    fn_literals: u32,
    /// How many nodes deep the lowering is; bounded by MAX_NESTING.
    depth: usize,
}

/// The syntactic forms among a node's children: every child that is a form
/// (not trivia, delimiter or prefix token), including missing ones.
fn form_children(node: SyntaxNode<'_>) -> impl Iterator<Item = SyntaxElement<'_>> {
    node.children_with_tokens().filter(|el| el.kind().is_form())
}

impl Lower<'_> {
    fn error(&mut self, error: SyntaxError) {
        self.errors.push(error);
    }

    /// One entry per syntactic form child; `None` where it could not be read.
    fn forms_of(&mut self, node: SyntaxNode<'_>) -> Vec<Option<Form>> {
        form_children(node).map(|el| self.element(el)).collect()
    }

    fn element(&mut self, el: SyntaxElement<'_>) -> Option<Form> {
        match el {
            SyntaxElement::Node(node) => {
                // Too deep was reported by the parser; stop before the stack does.
                if self.depth >= MAX_NESTING {
                    return None;
                }
                self.depth += 1;
                let form = self.node(node);
                self.depth -= 1;
                form
            }
            SyntaxElement::Token(token) => self.atom(token.kind(), token.text(), token.span()),
        }
    }

    fn node(&mut self, node: SyntaxNode<'_>) -> Option<Form> {
        let span = node.span();
        let kind = match node.kind() {
            SyntaxKind::List => FormKind::List(self.all_forms(node)?),
            SyntaxKind::Vector => FormKind::Vector(self.all_forms(node)?),
            SyntaxKind::Set => {
                let items = self.all_forms(node)?;
                self.check_duplicates(items.iter(), ErrorKind::DuplicateSetElement);
                FormKind::Set(items)
            }
            SyntaxKind::Map => return self.map(node, span),
            SyntaxKind::FnLiteral => return self.fn_literal(node, span),
            SyntaxKind::MetaForm => return self.meta(node, span),
            SyntaxKind::QuoteForm => return self.wrapped(node, "quote", span),
            SyntaxKind::SyntaxQuoteForm => return self.wrapped(node, "syntax-quote", span),
            SyntaxKind::UnquoteForm => return self.wrapped(node, "unquote", span),
            SyntaxKind::UnquoteSplicingForm => {
                return self.wrapped(node, "unquote-splicing", span);
            }
            SyntaxKind::DerefForm => return self.wrapped(node, "deref", span),
            SyntaxKind::VarForm => return self.wrapped(node, "var", span),
            _ => return None,
        };
        Some(Form::new(kind, span))
    }

    /// All child forms, or `None` if any could not be read (its error is
    /// already recorded; a partial collection would only mislead).
    fn all_forms(&mut self, node: SyntaxNode<'_>) -> Option<Vec<Form>> {
        self.forms_of(node).into_iter().collect()
    }

    /// `'x` → `(quote x)`, `@x` → `(deref x)`, and so on.
    fn wrapped(&mut self, node: SyntaxNode<'_>, head: &str, span: Span) -> Option<Form> {
        let prefix_end = node.first_token().map_or(span.start, |t| t.span().end);
        let inner = self.forms_of(node).into_iter().next()??;
        Some(Form::list(
            vec![Form::symbol(head, Span::new(span.start, prefix_end)), inner],
            span,
        ))
    }

    fn map(&mut self, node: SyntaxNode<'_>, span: Span) -> Option<Form> {
        let forms = self.forms_of(node);
        if forms.len() % 2 == 1 {
            self.error(
                SyntaxError::new(
                    ErrorKind::OddMap,
                    span,
                    format!("map literal has {} forms, an odd number", forms.len()),
                )
                .label("this map has a key without a value")
                .hint("a map literal needs an even number of forms: a value for every key"),
            );
            return None;
        }
        let forms: Vec<Form> = forms.into_iter().collect::<Option<_>>()?;
        let mut entries = Vec::with_capacity(forms.len() / 2);
        let mut iter = forms.into_iter();
        while let (Some(k), Some(v)) = (iter.next(), iter.next()) {
            entries.push((k, v));
        }
        self.check_duplicates(entries.iter().map(|(k, _)| k), ErrorKind::DuplicateKey);
        Some(Form::new(FormKind::Map(entries), span))
    }

    /// Reports every literal that equals (Clojure `=`) an earlier one.
    fn check_duplicates<'f>(&mut self, items: impl Iterator<Item = &'f Form>, kind: ErrorKind) {
        let mut seen: HashMap<u64, Vec<&Form>> = HashMap::new();
        for item in items {
            let bucket = seen.entry(item.equiv_hash()).or_default();
            if let Some(first) = bucket.iter().find(|f| f.equiv(item)) {
                let (what, hint) = match kind {
                    ErrorKind::DuplicateKey => (
                        "duplicate key in map literal",
                        "a map literal may hold each key once; remove one of them",
                    ),
                    _ => (
                        "duplicate element in set literal",
                        "a set literal may hold each element once; remove one of them",
                    ),
                };
                let error = SyntaxError::new(kind, item.span, what)
                    .label("this repeats an earlier one")
                    .also(first.span, "first here")
                    .hint(hint);
                self.error(error);
            } else {
                bucket.push(item);
            }
        }
    }

    fn fn_literal(&mut self, node: SyntaxNode<'_>, span: Span) -> Option<Form> {
        if self.fn_literal.is_some() {
            self.error(
                SyntaxError::new(
                    ErrorKind::NestedFnLiteral,
                    span,
                    "nested #()s are not allowed",
                )
                .label("inside another #()")
                .hint("write the inner function as (fn [x] ...)"),
            );
            return None;
        }
        self.fn_literals += 1;
        self.fn_literal = Some(FnArgs {
            id: self.fn_literals,
            max: 0,
            rest: false,
        });
        let body = self.all_forms(node);
        let args = self.fn_literal.take()?;
        let mut params: Vec<Form> = (1..=args.max)
            .map(|n| Form::symbol(&args.param(n), span))
            .collect();
        if args.rest {
            params.push(Form::symbol("&", span));
            params.push(Form::symbol(&args.rest_param(), span));
        }
        Some(Form::list(
            vec![
                Form::symbol("fn*", span),
                Form::new(FormKind::Vector(params), span),
                Form::list(body?, span),
            ],
            span,
        ))
    }

    fn meta(&mut self, node: SyntaxNode<'_>, span: Span) -> Option<Form> {
        let mut forms = self.forms_of(node).into_iter();
        let (meta, target) = (forms.next()??, forms.next()??);
        let entries = match meta.kind {
            FormKind::Keyword(_) => {
                let t = Form::new(FormKind::Bool(true), meta.span);
                vec![(meta, t)]
            }
            FormKind::Symbol(_) | FormKind::Str(_) => {
                let tag = Keyword {
                    ns: None,
                    name: "tag".into(),
                    auto_resolve: false,
                };
                vec![(Form::new(FormKind::Keyword(tag), meta.span), meta)]
            }
            FormKind::Map(entries) => entries,
            _ => {
                self.error(
                    SyntaxError::new(
                        ErrorKind::InvalidMetadata,
                        meta.span,
                        "metadata must be a symbol, keyword, string or map",
                    )
                    .label("not valid metadata")
                    .hint("write e.g. ^:private, ^String or ^{:doc \"...\"}"),
                );
                return None;
            }
        };
        if !target.takes_metadata() {
            self.error(
                SyntaxError::new(
                    ErrorKind::InvalidMetadata,
                    target.span,
                    "metadata can only be attached to symbols and collections",
                )
                .label("this cannot carry metadata")
                .hint("remove the ^ metadata, or attach it to a symbol or collection"),
            );
            return None;
        }
        let mut target = target;
        // Outer metadata is merged over the target's own, as Clojure does.
        let mut merged = match target.meta.take().map(|m| m.kind) {
            Some(FormKind::Map(existing)) => existing,
            _ => Vec::new(),
        };
        for (k, v) in entries {
            match merged.iter_mut().find(|(k2, _)| k2.equiv(&k)) {
                Some(slot) => slot.1 = v,
                None => merged.push((k, v)),
            }
        }
        let meta_span = Span::new(span.start, target.span.start);
        target.meta = Some(Box::new(Form::new(FormKind::Map(merged), meta_span)));
        Some(target)
    }

    fn atom(&mut self, kind: SyntaxKind, text: &str, span: Span) -> Option<Form> {
        let form = match kind {
            SyntaxKind::Number => match read_number(text) {
                Ok(kind) => kind,
                Err((message, hint)) => {
                    self.error(
                        SyntaxError::new(ErrorKind::InvalidNumber, span, message)
                            .label("not a number")
                            .hint(hint),
                    );
                    return None;
                }
            },
            SyntaxKind::SymbolicValue => match read_symbolic(text) {
                Some(f) => FormKind::Float(f),
                None => {
                    self.error(
                        SyntaxError::new(
                            ErrorKind::InvalidSymbolicValue,
                            span,
                            format!("unknown symbolic value `{text}`"),
                        )
                        .label("not a symbolic value")
                        .hint("the symbolic values are ##Inf, ##-Inf and ##NaN"),
                    );
                    return None;
                }
            },
            SyntaxKind::String => {
                let before = self.errors.len();
                let s = unescape(&text[1..text.len() - 1], span.start + 1, self.errors);
                if self.errors.len() > before {
                    return None;
                }
                FormKind::Str(s)
            }
            SyntaxKind::Regex => {
                let pattern = &text[2..text.len() - 1];
                if let Err(e) = regex_syntax::Parser::new().parse(pattern) {
                    let inner = regex_error_span(&e);
                    let at = span.start + 2;
                    self.error(
                        SyntaxError::new(
                            ErrorKind::InvalidRegex,
                            Span::new(at + inner.0, at + inner.1),
                            format!("invalid regex: {}", regex_error_message(&e)),
                        )
                        .label("here")
                        .hint("Glia regexes use the syntax of Rust's regex crate (no look-around or backreferences)"),
                    );
                    return None;
                }
                FormKind::Regex(pattern.to_owned())
            }
            SyntaxKind::Char => match read_char(&text[1..]) {
                Ok(c) => FormKind::Char(c),
                Err(message) => {
                    self.error(
                        SyntaxError::new(ErrorKind::InvalidCharacter, span, message)
                            .label("not a character")
                            .hint("characters are \\a, \\newline, \\space, \\tab, \\return, \\backspace, \\formfeed, \\uXXXX or \\oNNN"),
                    );
                    return None;
                }
            },
            SyntaxKind::Symbol => return self.symbol(text, span),
            SyntaxKind::Keyword => return self.keyword(text, span),
            _ => return None,
        };
        Some(Form::new(form, span))
    }

    fn symbol(&mut self, text: &str, span: Span) -> Option<Form> {
        let kind = match text {
            "nil" => FormKind::Nil,
            "true" => FormKind::Bool(true),
            "false" => FormKind::Bool(false),
            _ => match split_name(text) {
                Some((ns, name)) if !name.starts_with(|c: char| c.is_ascii_digit()) => {
                    if let Some(args) = self.fn_literal.as_mut()
                        && ns.is_none()
                        && let Some(param) = fn_arg(args, name)
                    {
                        return Some(Form::symbol(&param, span));
                    }
                    FormKind::Symbol(Symbol {
                        ns: ns.map(str::to_owned),
                        name: name.to_owned(),
                    })
                }
                _ => {
                    self.error(
                        SyntaxError::new(
                            ErrorKind::InvalidSymbol,
                            span,
                            format!("invalid symbol `{text}`"),
                        )
                        .label("not a valid symbol")
                        .hint("a symbol is `name` or `ns/name`; it may not end in `:` or `/`, contain `::`, or have a name starting with a digit"),
                    );
                    return None;
                }
            },
        };
        Some(Form::new(kind, span))
    }

    fn keyword(&mut self, text: &str, span: Span) -> Option<Form> {
        let (auto_resolve, rest) = match text.strip_prefix("::") {
            Some(rest) => (true, rest),
            None => (false, &text[1..]),
        };
        match split_name(rest) {
            Some((ns, name)) if !rest.starts_with(':') => Some(Form::new(
                FormKind::Keyword(Keyword {
                    ns: ns.map(str::to_owned),
                    name: name.to_owned(),
                    auto_resolve,
                }),
                span,
            )),
            _ => {
                self.error(
                    SyntaxError::new(
                        ErrorKind::InvalidKeyword,
                        span,
                        format!("invalid keyword `{text}`"),
                    )
                    .label("not a valid keyword")
                    .hint("a keyword is `:name`, `:ns/name` or `::name`; it may not end in `:` or `/` or contain `::` after its start"),
                );
                None
            }
        }
    }
}

/// The parameter symbol that `%`, `%N` or `%&` stands for inside `#(...)`.
fn fn_arg(args: &mut FnArgs, name: &str) -> Option<String> {
    let rest = name.strip_prefix('%')?;
    if rest == "&" {
        args.rest = true;
        return Some(args.rest_param());
    }
    let n = if rest.is_empty() {
        1
    } else {
        rest.parse::<usize>()
            .ok()
            .filter(|n| (1..=20).contains(n))?
    };
    args.max = args.max.max(n);
    Some(args.param(n))
}

/// Splits `ns/name` (or `name`), following Clojure's symbol pattern; `None`
/// if the text is not a valid name.
fn split_name(text: &str) -> Option<(Option<&str>, &str)> {
    if text.is_empty() || text.ends_with(':') || text.contains("::") {
        return None;
    }
    if text == "/" {
        return Some((None, "/"));
    }
    if let Some(ns) = text.strip_suffix("//") {
        return (!ns.is_empty() && !ns.ends_with('/')).then_some((Some(ns), "/"));
    }
    match text.rfind('/') {
        None => Some((None, text)),
        Some(i) if i > 0 && i + 1 < text.len() => Some((Some(&text[..i]), &text[i + 1..])),
        Some(_) => None,
    }
}

fn regex_error_span(e: &regex_syntax::Error) -> (usize, usize) {
    match e {
        regex_syntax::Error::Parse(e) => (e.span().start.offset, e.span().end.offset),
        regex_syntax::Error::Translate(e) => (e.span().start.offset, e.span().end.offset),
        _ => (0, 0),
    }
}

fn regex_error_message(e: &regex_syntax::Error) -> String {
    match e {
        regex_syntax::Error::Parse(e) => e.kind().to_string(),
        regex_syntax::Error::Translate(e) => e.kind().to_string(),
        other => other.to_string(),
    }
}
