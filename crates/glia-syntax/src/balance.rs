//! The delimiter balancer: makes any token stream well-formed for the grammar.
//!
//! The grammar only accepts balanced delimiters with a form after every
//! prefix (`'`, `^`, `#_` ...). Rather than lean on LR error recovery, this
//! pass repairs the stream up front, the way editors' bracket matchers do:
//!
//! * a closer with no opener becomes a [`SyntaxKind::StrayClose`] trivia token;
//! * a closer that matches an outer opener closes the inner, unclosed ones
//!   with zero-width [`SyntaxKind::MissingClose`] tokens;
//! * openers still open at the end of input get `MissingClose` tokens;
//!   but first, since a form left open would swallow every form after it,
//!   the stream is balanced again with one more rule: from the outermost
//!   opener left open on, an opener at the start of a line (where
//!   top-level forms begin) closes every open level before it. So one
//!   missing `)` costs one form, not the rest of the file. (Only text that
//!   is unbalanced anyway is read this way: a balanced text never is.)
//! * a prefix with no form before its collection closes gets a zero-width
//!   [`SyntaxKind::MissingForm`].
//!
//! Each repair is reported once, with a span, so parsing never fails and the
//! tree stays lossless (synthetic tokens have no text).

use crate::SyntaxKind;
use crate::error::{ErrorKind, SyntaxError};
use crate::lexer::Token;

/// A form some prefix token still waits for; `prefix` is the index (in the
/// output) of that token.
#[derive(Clone, Copy)]
struct Need {
    prefix: usize,
}

struct Open {
    /// Index of the opener in the output.
    opener: usize,
    /// The needs of the enclosing level, restored when this level closes.
    outer_needs: Vec<Need>,
}

struct Balancer<'t> {
    out: Vec<Token>,
    errors: &'t mut Vec<SyntaxError>,
    needs: Vec<Need>,
    stack: Vec<Open>,
    /// How many openers on `stack` each closer (`)`, `]`, `}`) would close,
    /// so that a stray closer is known in O(1) instead of by scanning the
    /// stack (which made `((((…]]]]` quadratic).
    closable: [usize; 3],
}

/// The index of a closer in [`Balancer::closable`].
fn closer_slot(closer: SyntaxKind) -> usize {
    match closer {
        SyntaxKind::RParen => 0,
        SyntaxKind::RBracket => 1,
        _ => 2,
    }
}

/// Repairs the tokens `lex` gives (a fresh iterator over the same tokens
/// each call) in place of the grammar's error recovery; see the module docs.
pub fn balance<I: Iterator<Item = Token>>(
    source: &str,
    lex: impl Fn() -> I,
    capacity: usize,
    errors: &mut Vec<SyntaxError>,
) -> Vec<Token> {
    let mut found = Vec::new();
    let (out, left_open) = balance_from(source, lex(), capacity, None, &mut found);
    let out = match left_open {
        Some(at) => {
            found.clear();
            balance_from(source, lex(), capacity, Some(at), &mut found).0
        }
        None => out,
    };
    errors.append(&mut found);
    out
}

/// One balancing pass; with `restart_at`, openers at a line's start after
/// that offset close the levels still open. Returns the tokens and where
/// the outermost opener left open at the end is, if any.
fn balance_from(
    source: &str,
    tokens: impl Iterator<Item = Token>,
    capacity: usize,
    restart_at: Option<u32>,
    errors: &mut Vec<SyntaxError>,
) -> (Vec<Token>, Option<u32>) {
    let mut b = Balancer {
        out: Vec::with_capacity(capacity),
        errors,
        needs: Vec::new(),
        stack: Vec::new(),
        closable: [0; 3],
    };
    let line_start = |at: u32| at == 0 || source.as_bytes().get(at as usize - 1) == Some(&b'\n');
    let mut end = 0u32;
    for token in tokens {
        end = token.end;
        if token.kind.is_opener()
            && restart_at.is_some_and(|r| token.start > r)
            && !b.stack.is_empty()
            && line_start(token.start)
        {
            while let Some(open) = b.pop_level() {
                b.close_unclosed(open, token.start, None);
            }
        }
        b.push(token);
    }
    let left_open = b.stack.first().map(|open| b.out[open.opener].start);
    while let Some(open) = b.pop_level() {
        b.close_unclosed(open, end, None);
    }
    b.fill_missing_forms(end);
    (b.out, left_open)
}

impl Balancer<'_> {
    fn push(&mut self, token: Token) {
        let kind = token.kind;
        if kind.is_opener() {
            self.form_started();
            let outer_needs = std::mem::take(&mut self.needs);
            if let Some(closer) = kind.closer() {
                self.closable[closer_slot(closer)] += 1;
            }
            self.stack.push(Open {
                opener: self.out.len(),
                outer_needs,
            });
            self.out.push(token);
        } else if kind.is_closer() {
            self.close(token);
        } else if kind == SyntaxKind::HashUnderscore {
            // A discard is trivia: it does not satisfy an outer need.
            self.needs.push(Need {
                prefix: self.out.len(),
            });
            self.out.push(token);
        } else if let Some(arity) = kind.prefix_arity() {
            self.form_started();
            let need = Need {
                prefix: self.out.len(),
            };
            self.needs.extend(std::iter::repeat_n(need, arity));
            self.out.push(token);
        } else if kind.is_trivia() {
            self.out.push(token);
        } else {
            self.form_started();
            self.out.push(token);
        }
    }

    /// A form begins: it satisfies the innermost pending need, if any.
    fn form_started(&mut self) {
        self.needs.pop();
    }

    /// Pops the innermost open level, keeping `closable` in step.
    fn pop_level(&mut self) -> Option<Open> {
        let open = self.stack.pop()?;
        if let Some(closer) = self.out[open.opener].kind.closer() {
            self.closable[closer_slot(closer)] -= 1;
        }
        Some(open)
    }

    fn close(&mut self, token: Token) {
        // Scanning is amortised O(1): every level passed over is closed below.
        let depth = (self.closable[closer_slot(token.kind)] > 0)
            .then(|| {
                self.stack
                    .iter()
                    .rposition(|open| self.out[open.opener].kind.closer() == Some(token.kind))
            })
            .flatten();
        let Some(depth) = depth else {
            let span = token.span();
            self.errors.push(
                SyntaxError::new(
                    ErrorKind::UnmatchedDelimiter,
                    span,
                    format!("unmatched `{}`", token.kind.spelling()),
                )
                .label("no open delimiter to close here")
                .hint("remove it, or add the opening delimiter it was meant to close"),
            );
            self.out.push(Token {
                kind: SyntaxKind::StrayClose,
                ..token
            });
            return;
        };
        while self.stack.len() > depth + 1 {
            let open = self.pop_level().expect("stack is deeper than depth");
            self.close_unclosed(open, token.start, Some(token));
        }
        let open = self.pop_level().expect("depth indexes the stack");
        self.fill_missing_forms(token.start);
        self.out.push(token);
        self.needs = open.outer_needs;
    }

    /// Closes `open` with a zero-width token at `at`, reporting it.
    fn close_unclosed(&mut self, open: Open, at: u32, closed_by: Option<Token>) {
        self.fill_missing_forms(at);
        let opener = self.out[open.opener];
        let expected = opener.kind.closer().map_or("", SyntaxKind::spelling);
        let mut error = SyntaxError::new(
            ErrorKind::UnclosedDelimiter,
            opener.span(),
            format!("unclosed `{}`", opener.kind.spelling()),
        )
        .label("opened here and never closed")
        .hint(format!("add `{expected}` where this form should end"));
        if let Some(closer) = closed_by {
            error = error.also(
                closer.span(),
                format!(
                    "this `{}` closes an outer form first",
                    closer.kind.spelling()
                ),
            );
        }
        self.errors.push(error);
        self.out.push(Token {
            kind: SyntaxKind::MissingClose,
            start: at,
            end: at,
        });
        self.needs = open.outer_needs;
    }

    /// Supplies a zero-width form for every pending need of this level,
    /// reporting each prefix once.
    fn fill_missing_forms(&mut self, at: u32) {
        let mut reported = None;
        while let Some(need) = self.needs.pop() {
            if reported != Some(need.prefix) {
                reported = Some(need.prefix);
                let prefix = self.out[need.prefix];
                self.errors.push(
                    SyntaxError::new(
                        ErrorKind::MissingForm,
                        prefix.span(),
                        format!("`{}` must be followed by a form", prefix.kind.spelling()),
                    )
                    .label("nothing follows this")
                    .hint(match prefix.kind {
                        SyntaxKind::Caret => "metadata is written `^meta form`, e.g. `^:private x`",
                        _ => "add the form it applies to, or remove it",
                    }),
                );
            }
            self.out.push(Token {
                kind: SyntaxKind::MissingForm,
                start: at,
                end: at,
            });
        }
    }
}
