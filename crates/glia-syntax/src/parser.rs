//! Parsing: lexer → balancer → lalrpop grammar → rowan green tree.

use rowan::{Checkpoint, GreenNode, GreenNodeBuilder};

use crate::balance::balance;
use crate::error::{ErrorKind, Span, SyntaxError};
use crate::lexer::{Token, lex};
use crate::{SyntaxKind, SyntaxNode};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_parens, unused_imports)]
    grammar
);

/// The grammar's view of a token: which role it plays.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Tok {
    Trivia(Token),
    Atom(Token),
    Open(Token),
    Close(Token),
    Prefix(Token),
    Caret(Token),
    Discard(Token),
}

impl From<Token> for Tok {
    fn from(token: Token) -> Self {
        use SyntaxKind as K;
        match token.kind {
            K::LParen | K::LBracket | K::LBrace | K::HashBrace | K::HashParen => Tok::Open(token),
            K::RParen | K::RBracket | K::RBrace | K::MissingClose => Tok::Close(token),
            K::Caret => Tok::Caret(token),
            K::HashUnderscore => Tok::Discard(token),
            K::Quote | K::Backtick | K::Tilde | K::TildeAt | K::At | K::HashQuote => {
                Tok::Prefix(token)
            }
            kind if kind.is_trivia() => Tok::Trivia(token),
            _ => Tok::Atom(token),
        }
    }
}

/// Streams tokens into the rowan builder on behalf of the grammar's actions.
pub(crate) struct Sink<'s> {
    source: &'s str,
    builder: GreenNodeBuilder<'static>,
}

impl Sink<'_> {
    pub(crate) fn token(&mut self, token: Token) {
        self.builder
            .token(token.kind.into(), &self.source[token.start..token.end]);
    }

    /// Pushes the first token of a form and returns where the form began.
    pub(crate) fn start(&mut self, token: Token) -> Checkpoint {
        let checkpoint = self.builder.checkpoint();
        self.token(token);
        checkpoint
    }

    /// [`Sink::start`] for an opener or reader-macro prefix, with the kind of
    /// node it begins.
    pub(crate) fn begin(&mut self, token: Token) -> (Checkpoint, SyntaxKind) {
        (self.start(token), node_kind_begun_by(token.kind))
    }

    /// Wraps everything pushed since `at` in a node of `kind`.
    pub(crate) fn wrap(&mut self, at: Checkpoint, kind: SyntaxKind) -> Checkpoint {
        self.builder.start_node_at(at, kind.into());
        self.builder.finish_node();
        at
    }
}

/// The node an opener or prefix token begins (the grammar only calls this
/// for those tokens).
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
/// (unbalanced delimiters, missing forms, invalid and unterminated tokens).
#[derive(Debug, Clone)]
pub struct Parse {
    green: GreenNode,
    errors: Vec<SyntaxError>,
}

impl Parse {
    pub fn syntax(&self) -> SyntaxNode {
        SyntaxNode::new_root(self.green.clone())
    }

    pub fn green(&self) -> &GreenNode {
        &self.green
    }

    pub fn errors(&self) -> &[SyntaxError] {
        &self.errors
    }
}

/// Parses any text into a lossless syntax tree. Never fails: problems are
/// reported in [`Parse::errors`] and the tree still holds every byte.
pub fn parse(source: &str) -> Parse {
    let tokens = lex(source);
    let mut errors = Vec::new();
    report_token_errors(source, &tokens, &mut errors);
    let tokens = balance(tokens, &mut errors);
    let green = build(source, &tokens).unwrap_or_else(|| {
        errors.push(SyntaxError::new(
            ErrorKind::Internal,
            Span::new(0, source.len()),
            "internal error: the parser rejected this text (please report it)",
        ));
        flat_tree(source, &tokens)
    });
    errors.sort_by_key(|e| e.span);
    Parse { green, errors }
}

fn build(source: &str, tokens: &[Token]) -> Option<GreenNode> {
    let mut sink = Sink {
        source,
        builder: GreenNodeBuilder::new(),
    };
    sink.builder.start_node(SyntaxKind::Root.into());
    let stream = tokens
        .iter()
        .map(|&t| Ok::<_, ()>((t.start, Tok::from(t), t.end)));
    grammar::RootParser::new().parse(&mut sink, stream).ok()?;
    sink.builder.finish_node();
    Some(sink.builder.finish())
}

/// Every token directly under the root: the fallback that keeps the tree
/// lossless should the grammar ever reject the balanced stream.
fn flat_tree(source: &str, tokens: &[Token]) -> GreenNode {
    let mut builder = GreenNodeBuilder::new();
    builder.start_node(SyntaxKind::Root.into());
    for t in tokens {
        builder.token(t.kind.into(), &source[t.start..t.end]);
    }
    builder.finish_node();
    builder.finish()
}

fn report_token_errors(source: &str, tokens: &[Token], errors: &mut Vec<SyntaxError>) {
    for t in tokens {
        let span = Span::new(t.start, t.end);
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
                Span::new(t.start, t.start + 1),
                "unterminated string",
            )
            .label("this string is never closed")
            .hint("add the closing `\"`"),
            SyntaxKind::UnterminatedRegex => SyntaxError::new(
                ErrorKind::UnterminatedRegex,
                Span::new(t.start, t.start + 2),
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
                "Glia has no tagged literals or reader conditionals; the dispatch macros are                  #{} #() #' #_ #\"regex\" and ##Inf/##-Inf/##NaN",
            ),
            _ => continue,
        };
        errors.push(error);
    }
}
