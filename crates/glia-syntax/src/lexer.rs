//! The logos lexer: turns text into a gap-free sequence of tokens.
//!
//! Every byte of the input belongs to exactly one token; bytes that start no
//! token become [`SyntaxKind::Error`] tokens (adjacent ones merged), so the
//! token texts always concatenate back to the input.

use logos::Logos;

use crate::{Span, SyntaxKind};

/// A token: its kind and the byte range it covers in the source.
///
/// Offsets are `u32` (texts are limited to [`crate::MAX_TEXT_LEN`]): a token is
/// 12 bytes, which matters when a megabyte of source makes 400,000 of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: SyntaxKind,
    pub start: u32,
    pub end: u32,
}

impl Token {
    pub fn span(self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    pub fn text(self, source: &str) -> &str {
        &source[self.start as usize..self.end as usize]
    }
}

// Whitespace is what Java's `Character.isWhitespace` (and so Clojure's
// reader) accepts: ASCII spaces and controls, and Unicode space separators
// other than the non-breaking ones.
// `tok` is what may continue a token: anything but whitespace, commas and
// Clojure's terminating macro characters. `'` and `#` do continue a token
// (`a'b` and `a#` are symbols), as in Clojure.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq)]
#[logos(subpattern tok = r#"[^ \t\n\r\x0B\x0C\x1C-\x1F\u{1680}\u{2000}-\u{2006}\u{2008}-\u{200A}\u{2028}\u{2029}\u{205F}\u{3000},";@^`~()\[\]{}\\]"#)]
#[logos(subpattern any = r#"(.|\n)"#)]
#[logos(subpattern ws = r"[ \t\n\r\x0B\x0C\x1C-\x1F\u{1680}\u{2000}-\u{2006}\u{2008}-\u{200A}\u{2028}\u{2029}\u{205F}\u{3000}]")]
enum Lexeme {
    #[regex(r"(?&ws)+")]
    Whitespace,
    #[regex(",+")]
    Comma,
    #[regex(";[^\n]*", allow_greedy = true)]
    Comment,
    #[regex("#![^\n]*", allow_greedy = true)]
    Shebang,

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("#{")]
    HashBrace,
    #[token("#(")]
    HashParen,

    #[token("'")]
    Quote,
    #[token("`")]
    Backtick,
    #[token("~")]
    Tilde,
    #[token("~@")]
    TildeAt,
    #[token("@")]
    At,
    #[token("^")]
    Caret,
    #[token("#'")]
    HashQuote,
    #[token("#_")]
    HashUnderscore,

    #[regex(r"[+-]?[0-9](?&tok)*", priority = 10)]
    Number,
    #[regex(r#""([^"\\]|\\(?&any))*""#)]
    String,
    #[regex(r#""([^"\\]|\\(?&any))*\\?"#)]
    UnterminatedString,
    #[regex(r##"#"([^"\\]|\\(?&any))*""##)]
    Regex,
    #[regex(r##"#"([^"\\]|\\(?&any))*\\?"##)]
    UnterminatedRegex,
    // After the backslash: one character of any kind (`\(` is a character),
    // then the rest of the token (`\newline`), except that a whitespace
    // character ends it at once (`\ ` is a space).
    #[regex(r"\\[^ \t\n\r\x0B\x0C\x1C-\x1F\u{1680}\u{2000}-\u{2006}\u{2008}-\u{200A}\u{2028}\u{2029}\u{205F}\u{3000}](?&tok)*")]
    #[regex(r"\\(?&ws)")]
    Char,
    #[regex(r#"[^ \t\n\r\x0B\x0C\x1C-\x1F\u{1680}\u{2000}-\u{2006}\u{2008}-\u{200A}\u{2028}\u{2029}\u{205F}\u{3000},";@^`~()\[\]{}\\#':0-9](?&tok)*"#)]
    Symbol,
    #[regex(r":(?&tok)*")]
    Keyword,
    #[regex(r"##(?&tok)*")]
    SymbolicValue,
    #[regex(r#"#([^ \t\n\r\x0B\x0C\x1C-\x1F\u{1680}\u{2000}-\u{2006}\u{2008}-\u{200A}\u{2028}\u{2029}\u{205F}\u{3000},";@^`~()\[\]{}\\_'#!](?&tok)*)?"#)]
    UnknownDispatch,
}

impl From<Lexeme> for SyntaxKind {
    fn from(lexeme: Lexeme) -> Self {
        match lexeme {
            Lexeme::Whitespace => SyntaxKind::Whitespace,
            Lexeme::Comma => SyntaxKind::Comma,
            Lexeme::Comment => SyntaxKind::Comment,
            Lexeme::Shebang => SyntaxKind::Shebang,
            Lexeme::LParen => SyntaxKind::LParen,
            Lexeme::RParen => SyntaxKind::RParen,
            Lexeme::LBracket => SyntaxKind::LBracket,
            Lexeme::RBracket => SyntaxKind::RBracket,
            Lexeme::LBrace => SyntaxKind::LBrace,
            Lexeme::RBrace => SyntaxKind::RBrace,
            Lexeme::HashBrace => SyntaxKind::HashBrace,
            Lexeme::HashParen => SyntaxKind::HashParen,
            Lexeme::Quote => SyntaxKind::Quote,
            Lexeme::Backtick => SyntaxKind::Backtick,
            Lexeme::Tilde => SyntaxKind::Tilde,
            Lexeme::TildeAt => SyntaxKind::TildeAt,
            Lexeme::At => SyntaxKind::At,
            Lexeme::Caret => SyntaxKind::Caret,
            Lexeme::HashQuote => SyntaxKind::HashQuote,
            Lexeme::HashUnderscore => SyntaxKind::HashUnderscore,
            Lexeme::Number => SyntaxKind::Number,
            Lexeme::String => SyntaxKind::String,
            Lexeme::UnterminatedString => SyntaxKind::UnterminatedString,
            Lexeme::Regex => SyntaxKind::Regex,
            Lexeme::UnterminatedRegex => SyntaxKind::UnterminatedRegex,
            Lexeme::Char => SyntaxKind::Char,
            Lexeme::Symbol => SyntaxKind::Symbol,
            Lexeme::Keyword => SyntaxKind::Keyword,
            Lexeme::SymbolicValue => SyntaxKind::SymbolicValue,
            Lexeme::UnknownDispatch => SyntaxKind::UnknownDispatch,
        }
    }
}

/// Splits `source` into tokens covering every byte, in order.
pub fn lex(source: &str) -> Vec<Token> {
    tokens(source).collect()
}

/// [`lex`], lazily: the parser feeds tokens straight to the balancer
/// rather than through an intermediate vector.
pub fn tokens(source: &str) -> impl Iterator<Item = Token> + '_ {
    let mut lexer = Lexeme::lexer(source);
    // One token is held back so that adjacent error bytes merge into one.
    let mut held: Option<Token> = None;
    std::iter::from_fn(move || {
        loop {
            let Some(lexeme) = lexer.next() else {
                return held.take();
            };
            let span = lexer.span();
            let token = Token {
                kind: lexeme.map_or(SyntaxKind::Error, SyntaxKind::from),
                // `parse` refuses texts whose offsets do not fit.
                start: span.start as u32,
                end: span.end as u32,
            };
            match held.replace(token) {
                Some(mut prev)
                    if prev.kind == SyntaxKind::Error && token.kind == SyntaxKind::Error =>
                {
                    prev.end = token.end;
                    held = Some(prev);
                }
                Some(prev) => return Some(prev),
                None => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(SyntaxKind, &str)> {
        lex(source)
            .into_iter()
            .map(|t| (t.kind, t.text(source)))
            .collect()
    }

    #[test]
    fn numbers_win_over_symbols_but_signs_alone_are_symbols() {
        use SyntaxKind::*;
        assert_eq!(
            kinds("+1 - -x 1abc"),
            vec![
                (Number, "+1"),
                (Whitespace, " "),
                (Symbol, "-"),
                (Whitespace, " "),
                (Symbol, "-x"),
                (Whitespace, " "),
                (Number, "1abc"),
            ]
        );
    }

    #[test]
    fn dispatch_tokens() {
        use SyntaxKind::*;
        assert_eq!(
            kinds("#_x #'v #{ #( ##Inf #\"r\" #inst #!sh"),
            vec![
                (HashUnderscore, "#_"),
                (Symbol, "x"),
                (Whitespace, " "),
                (HashQuote, "#'"),
                (Symbol, "v"),
                (Whitespace, " "),
                (HashBrace, "#{"),
                (Whitespace, " "),
                (HashParen, "#("),
                (Whitespace, " "),
                (SymbolicValue, "##Inf"),
                (Whitespace, " "),
                (Regex, "#\"r\""),
                (Whitespace, " "),
                (UnknownDispatch, "#inst"),
                (Whitespace, " "),
                (Shebang, "#!sh"),
            ]
        );
    }

    #[test]
    fn strings_chars_and_unterminated_strings() {
        use SyntaxKind::*;
        assert_eq!(
            kinds(r#"\( \newline "a\"b" "open"#),
            vec![
                (Char, r"\("),
                (Whitespace, " "),
                (Char, r"\newline"),
                (Whitespace, " "),
                (String, r#""a\"b""#),
                (Whitespace, " "),
                (UnterminatedString, r#""open"#),
            ]
        );
    }

    #[test]
    fn lone_backslash_is_an_error_token() {
        assert_eq!(kinds("\\"), vec![(SyntaxKind::Error, "\\")]);
    }
}
