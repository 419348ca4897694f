//! The kinds of tokens and nodes in the lossless syntax tree.

/// Every token and node kind of the Glia syntax tree.
///
/// Tokens come first (up to [`SyntaxKind::MissingForm`]), nodes after. Three
/// kinds are *synthetic*: zero-width tokens the delimiter balancer inserts
/// so that the grammar always sees a well-formed stream
/// ([`SyntaxKind::MissingClose`], [`SyntaxKind::MissingForm`]). They carry
/// no text, so the tree still prints back to the exact input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u16)]
pub enum SyntaxKind {
    // Trivia.
    Whitespace,
    Comma,
    Comment,
    /// `#!` to end of line (a shebang at file start, a comment elsewhere, as in Clojure).
    Shebang,
    /// Bytes that start no token; always reported as an error.
    Error,
    /// A closing delimiter with no matching opener; always reported as an error.
    StrayClose,

    // Delimiters.
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    /// `#{`
    HashBrace,
    /// `#(`
    HashParen,

    // Prefix (reader macro) tokens.
    /// `'`
    Quote,
    /// `` ` ``
    Backtick,
    /// `~`
    Tilde,
    /// `~@`
    TildeAt,
    /// `@`
    At,
    /// `^`
    Caret,
    /// `#'`
    HashQuote,
    /// `#_`
    HashUnderscore,

    // Atoms.
    Number,
    String,
    /// A string whose closing quote is missing (runs to end of input).
    UnterminatedString,
    Regex,
    UnterminatedRegex,
    Char,
    Symbol,
    Keyword,
    /// `##Inf`, `##-Inf`, `##NaN` (and invalid `##...`, reported when read).
    SymbolicValue,
    /// `#foo`, `#?` ...: dispatch macros Glia does not support.
    UnknownDispatch,

    // Synthetic zero-width tokens.
    MissingClose,
    MissingForm,

    // Nodes.
    Root,
    List,
    Vector,
    Map,
    Set,
    /// `#(...)`
    FnLiteral,
    QuoteForm,
    SyntaxQuoteForm,
    UnquoteForm,
    UnquoteSplicingForm,
    DerefForm,
    VarForm,
    /// `^meta target`
    MetaForm,
    /// `#_ form` (trivia for every consumer but the formatter).
    Discard,
}

impl SyntaxKind {
    /// Whitespace, commas, comments, shebangs, discards and error tokens:
    /// everything that is not a form.
    pub fn is_trivia(self) -> bool {
        matches!(
            self,
            Self::Whitespace
                | Self::Comma
                | Self::Comment
                | Self::Shebang
                | Self::Error
                | Self::StrayClose
                | Self::UnknownDispatch
                | Self::Discard
        )
    }

    /// Whether an element of this kind is a form (an atom, a collection, a
    /// reader-macro form, or a missing form), rather than trivia, a
    /// delimiter or a prefix.
    pub fn is_form(self) -> bool {
        !(self.is_trivia()
            || self.is_opener()
            || self.is_closer()
            || self.prefix_arity().is_some()
            || matches!(self, Self::MissingClose | Self::Root))
    }

    pub fn is_opener(self) -> bool {
        matches!(
            self,
            Self::LParen | Self::LBracket | Self::LBrace | Self::HashBrace | Self::HashParen
        )
    }

    pub fn is_closer(self) -> bool {
        matches!(self, Self::RParen | Self::RBracket | Self::RBrace)
    }

    /// The closer that ends a collection opened by `self`.
    pub fn closer(self) -> Option<SyntaxKind> {
        match self {
            Self::LParen | Self::HashParen => Some(Self::RParen),
            Self::LBracket => Some(Self::RBracket),
            Self::LBrace | Self::HashBrace => Some(Self::RBrace),
            _ => None,
        }
    }

    /// How many forms a prefix token needs after it (`^` needs the metadata
    /// and its target), or `None` for tokens that are not prefixes.
    pub fn prefix_arity(self) -> Option<usize> {
        match self {
            Self::Quote
            | Self::Backtick
            | Self::Tilde
            | Self::TildeAt
            | Self::At
            | Self::HashQuote
            | Self::HashUnderscore => Some(1),
            Self::Caret => Some(2),
            _ => None,
        }
    }

    /// The text a user would type for a delimiter or prefix token, for messages.
    pub fn spelling(self) -> &'static str {
        match self {
            Self::LParen => "(",
            Self::RParen => ")",
            Self::LBracket => "[",
            Self::RBracket => "]",
            Self::LBrace => "{",
            Self::RBrace => "}",
            Self::HashBrace => "#{",
            Self::HashParen => "#(",
            Self::Quote => "'",
            Self::Backtick => "`",
            Self::Tilde => "~",
            Self::TildeAt => "~@",
            Self::At => "@",
            Self::Caret => "^",
            Self::HashQuote => "#'",
            Self::HashUnderscore => "#_",
            _ => "",
        }
    }
}
