//! Parsing: lexer → balancer → lalrpop grammar → lossless tree.

use crate::balance::balance;
use crate::error::{ErrorKind, Span, SyntaxError};
use crate::lexer::{Token, tokens};
use crate::tree::{Checkpoint, SyntaxTree, TreeBuilder};
use crate::{SyntaxKind, SyntaxNode};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_parens, unused_imports)]
    grammar
);

/// How deep forms may nest. Reading and formatting walk the tree
/// recursively, so a bound keeps absurd input (`((((...` a million deep) an
/// error instead of a stack overflow; real code nests a few dozen deep.
pub const MAX_NESTING: usize = 256;

/// The longest text the reader takes (token offsets are `u32`). A longer
/// one gets a `too-large` error and an empty tree.
pub const MAX_TEXT_LEN: usize = u32::MAX as usize;

/// The grammar's view of a significant token: the role it plays and its
/// index in the token stream.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Tok {
    Atom(usize),
    Open(usize),
    Close(usize),
    Prefix(usize),
    Caret(usize),
    Discard(usize),
}

impl Tok {
    /// The role of a significant (non-trivia) token.
    fn new(kind: SyntaxKind, index: usize) -> Self {
        match kind {
            SyntaxKind::Caret => Tok::Caret(index),
            SyntaxKind::HashUnderscore => Tok::Discard(index),
            _ if kind.is_opener() => Tok::Open(index),
            _ if kind.is_closer() || kind == SyntaxKind::MissingClose => Tok::Close(index),
            _ if kind.prefix_arity().is_some() => Tok::Prefix(index),
            _ => Tok::Atom(index),
        }
    }
}

/// Pushes tokens into the tree builder on behalf of the grammar's actions,
/// slipping in the trivia the grammar never sees.
pub(crate) struct Sink<'t> {
    builder: TreeBuilder<'t>,
    /// The first token not yet pushed.
    next: usize,
}

impl Sink<'_> {
    /// Pushes the trivia tokens before `index`.
    fn flush_before(&mut self, index: usize) {
        while self.next < index {
            self.builder.push_token(self.next);
            self.next += 1;
        }
    }

    pub(crate) fn token(&mut self, index: usize) {
        self.flush_before(index);
        self.builder.push_token(index);
        self.next = index + 1;
    }

    /// Pushes the first token of a form and returns where the form began
    /// (after the trivia before it, which belongs to the enclosing node).
    pub(crate) fn start(&mut self, index: usize) -> Checkpoint {
        self.flush_before(index);
        let checkpoint = self.builder.checkpoint();
        self.token(index);
        checkpoint
    }

    /// [`Sink::start`] for an opener or reader-macro prefix, with the kind of
    /// node it begins.
    pub(crate) fn begin(&mut self, index: usize) -> (Checkpoint, SyntaxKind) {
        let kind = node_kind_begun_by(self.builder.token(index).kind);
        (self.start(index), kind)
    }

    pub(crate) fn wrap(&mut self, at: Checkpoint, kind: SyntaxKind) {
        self.builder.wrap(at, kind);
    }
}

/// The node an opener or prefix token begins (the grammar only asks for
/// those tokens).
fn node_kind_begun_by(token: SyntaxKind) -> SyntaxKind {
    use SyntaxKind as K;
    match token {
        K::LBracket => K::Vector,
        K::LBrace => K::Map,
        K::HashBrace => K::Set,
        K::HashParen => K::FnLiteral,
        K::Quote => K::QuoteForm,
        K::Backtick => K::SyntaxQuoteForm,
        K::Tilde => K::UnquoteForm,
        K::TildeAt => K::UnquoteSplicingForm,
        K::At => K::DerefForm,
        K::HashQuote => K::VarForm,
        _ => K::List,
    }
}

/// The result of parsing: a lossless tree and the structural errors found
/// (unbalanced delimiters, missing forms, invalid and unterminated tokens,
/// nesting beyond [`MAX_NESTING`]).
#[derive(Debug, Clone)]
pub struct Parse {
    tree: SyntaxTree,
    errors: Vec<SyntaxError>,
}

impl Parse {
    pub fn syntax(&self) -> SyntaxNode<'_> {
        self.tree.root()
    }

    pub fn tree(&self) -> &SyntaxTree {
        &self.tree
    }

    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }
}

/// Parses any text into a lossless syntax tree. Never fails: problems are
/// reported in [`Parse::errors`] and the tree still holds every byte.
pub fn parse(source: &str) -> Parse {
    let mut errors = Vec::new();
    if source.len() > MAX_TEXT_LEN {
        errors.push(
            SyntaxError::new(
                ErrorKind::TooLarge,
                Span::new(0, 0),
                format!("text of {} bytes is too large to parse", source.len()),
            )
            .hint(format!(
                "Glia reads texts of up to {MAX_TEXT_LEN} bytes; split it into several files"
            )),
        );
        let parts = TreeBuilder::new(&[]).finish();
        return Parse {
            tree: SyntaxTree::new("", Vec::new(), parts),
            errors,
        };
    }
    // Real code averages about 2.6 bytes a token; reserving for 2 avoids
    // regrowing (and copying) the vector, and untouched capacity costs nothing.
    let tokens = balance(
        source,
        || tokens(source),
        source.len() / 2 + 16,
        &mut errors,
    );
    report_token_errors(source, &tokens, &mut errors);
    let significant = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.kind.is_trivia())
        .map(|(i, t)| Ok::<_, ()>((t.start as usize, Tok::new(t.kind, i), t.end as usize)));
    let mut sink = Sink {
        builder: TreeBuilder::new(&tokens),
        next: 0,
    };
    let parts = match grammar::RootParser::new().parse(&mut sink, significant) {
        Ok(()) => {
            sink.flush_before(tokens.len());
            sink.builder.finish()
        }
        Err(_) => {
            errors.push(SyntaxError::new(
                ErrorKind::Internal,
                Span::new(0, source.len()),
                "internal error: the parser rejected this text (please report it)",
            ));
            sink.builder.into_flat()
        }
    };
    let tree = SyntaxTree::new(source, tokens, parts);
    if let Some(deep) = tree.node_nested_beyond(MAX_NESTING) {
        errors.push(
            SyntaxError::new(
                ErrorKind::TooDeep,
                deep.span(),
                format!("forms nested more than {MAX_NESTING} deep"),
            )
            .label("this form is too deep")
            .hint("split the data or code into smaller pieces"),
        );
    }
    errors.sort_by_key(|e| e.span);
    Parse { tree, errors }
}

fn report_token_errors(source: &str, tokens: &[Token], errors: &mut Vec<SyntaxError>) {
    for t in tokens {
        let span = t.span();
        let error = match t.kind {
            SyntaxKind::Error => SyntaxError::new(
                ErrorKind::InvalidToken,
                span,
                format!("unexpected `{}`", t.text(source)),
            )
            .label("not the start of any form")
            .hint("a lone `\\` at the end of input starts a character literal such as `\\a`"),
            SyntaxKind::UnterminatedString => SyntaxError::new(
                ErrorKind::UnterminatedString,
                Span::new(span.start, span.start + 1),
                "unterminated string",
            )
            .label("this string is never closed")
            .hint("add the closing `\"`"),
            SyntaxKind::UnterminatedRegex => SyntaxError::new(
                ErrorKind::UnterminatedRegex,
                Span::new(span.start, span.start + 2),
                "unterminated regex",
            )
            .label("this regex is never closed")
            .hint("add the closing `\"`"),
            SyntaxKind::UnknownDispatch => SyntaxError::new(
                ErrorKind::UnsupportedDispatch,
                span,
                format!("unsupported dispatch macro `{}`", t.text(source)),
            )
            .label("Glia does not read this")
            .hint(
                "Glia has no tagged literals or reader conditionals; the dispatch macros are \
                 #{} #() #' #_ #\"regex\" and ##Inf/##-Inf/##NaN",
            ),
            _ => continue,
        };
        errors.push(error);
    }
}
