//! The canonical formatter: re-spaces and re-indents the lossless tree.
//!
//! Line breaks are the author's (at most one blank line is kept); everything
//! else is canonical, following the Clojure style guide as cljfmt applies it:
//!
//! * no whitespace after an opener, before a closer, between a reader-macro
//!   prefix and its form, or before a comma; one space between forms on a line;
//! * bodies of special forms and macros (`defn`, `let`, `when`, `def...`,
//!   `with-...`) indent two spaces from their list; other lists align
//!   continuation lines with the first argument when it shares the head's
//!   line, else indent one space; vectors, maps and sets align with their
//!   first element;
//! * comments are kept, with trailing whitespace trimmed; a closer after a
//!   comment goes on its own line; the file ends with one newline.
//!
//! Tokens are emitted exactly as written, so formatting never changes what
//! the text reads as; the result is idempotent. Text with structural errors
//! (unbalanced delimiters, invalid tokens) is refused rather than guessed at.

use crate::{SyntaxElement, SyntaxError, SyntaxKind, SyntaxNode, SyntaxToken, parse};

/// Formats `source` canonically, or returns the structural errors that make
/// it unsafe to format.
pub fn format(source: &str) -> Result<String, Vec<SyntaxError>> {
    let parse = parse(source);
    if !parse.errors().is_empty() {
        return Err(parse.errors().to_vec());
    }
    let mut f = Formatter::default();
    f.node(parse.syntax());
    // Whitespace is only written before a following child, so `out` has no
    // trailing whitespace of the formatter's own (a final `\ ` is a character).
    if !f.out.is_empty() {
        f.out.push('\n');
    }
    Ok(f.out)
}

#[derive(Default)]
struct Formatter {
    out: String,
    /// Characters since the last newline of `out`.
    col: usize,
    /// Newlines in `out`.
    line: usize,
}

/// Where the continuation lines of a node's elements go.
struct Layout {
    kind: SyntaxKind,
    /// Column of the node's first character.
    start_col: usize,
    /// Column of the opener's last character (`(` of `#(`).
    open_col: usize,
    forms: usize,
    head_is_body: bool,
    head_line: usize,
    first_arg_col: Option<usize>,
}

impl Layout {
    fn indent(&self) -> usize {
        match self.kind {
            SyntaxKind::Root => 0,
            SyntaxKind::List | SyntaxKind::FnLiteral => {
                if self.head_is_body {
                    self.open_col + 2
                } else {
                    self.first_arg_col.unwrap_or(self.open_col + 1)
                }
            }
            SyntaxKind::Vector | SyntaxKind::Map | SyntaxKind::Set => self.open_col + 1,
            _ => self.start_col,
        }
    }
}

impl Formatter {
    fn push(&mut self, text: &str) {
        self.out.push_str(text);
        match text.rfind('\n') {
            Some(i) => {
                self.line += text.matches('\n').count();
                self.col = text[i + 1..].chars().count();
            }
            None => self.col += text.chars().count(),
        }
    }

    fn newlines(&mut self, count: usize, indent: usize) {
        for _ in 0..count {
            self.out.push('\n');
        }
        self.line += count;
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.col = indent;
    }

    fn node(&mut self, node: SyntaxNode<'_>) {
        let mut layout = Layout {
            kind: node.kind(),
            start_col: self.col,
            open_col: self.col,
            forms: 0,
            head_is_body: false,
            head_line: self.line,
            first_arg_col: None,
        };
        let mut prev: Option<SyntaxKind> = None;
        // The whitespace token before the current child, if any.
        let mut gap: Option<SyntaxToken<'_>> = None;
        for child in node.children_with_tokens() {
            let kind = child.kind();
            if kind == SyntaxKind::Whitespace {
                gap = child.into_token();
                continue;
            }
            let gap_text = gap.take();
            let gap_text = gap_text.as_ref().map_or("", |t| t.text());
            self.separate(&layout, prev, kind, child, gap_text);
            let is_form = kind.is_form();
            if kind.is_opener() {
                layout.open_col = self.col + kind.spelling().len() - 1;
            }
            if is_form && matches!(layout.kind, SyntaxKind::List | SyntaxKind::FnLiteral) {
                if layout.forms == 0 {
                    layout.head_is_body = is_body_head(child);
                    layout.head_line = self.line;
                } else if layout.forms == 1 && self.line == layout.head_line {
                    layout.first_arg_col = Some(self.col);
                }
            }
            if is_form {
                layout.forms += 1;
            }
            self.element(child);
            prev = Some(kind);
        }
    }

    fn element(&mut self, el: SyntaxElement<'_>) {
        match el {
            SyntaxElement::Node(n) => self.node(n),
            SyntaxElement::Token(t) => match t.kind() {
                SyntaxKind::Comment | SyntaxKind::Shebang => self.push(t.text().trim_end()),
                _ => self.push(t.text()),
            },
        }
    }

    /// Writes what goes between the previous child and `next`, given the
    /// whitespace `gap` the author left there.
    fn separate(
        &mut self,
        layout: &Layout,
        prev: Option<SyntaxKind>,
        next: SyntaxKind,
        next_el: SyntaxElement<'_>,
        gap: &str,
    ) {
        let breaks = gap.matches('\n').count().min(2);
        let Some(prev) = prev else {
            // A node's first child: leading whitespace of the root goes; other
            // nodes begin with their opener or prefix.
            return;
        };
        let after_opening = prev.is_opener() || prev.prefix_arity().is_some();
        if prev == SyntaxKind::Comment || prev == SyntaxKind::Shebang {
            self.newlines(breaks.max(1), layout.indent());
        } else if next.is_closer() {
            // A closer hugs the form before it.
        } else if after_opening {
            if breaks > 0 && next == SyntaxKind::Comment {
                self.newlines(breaks, layout.indent());
            } else if prev == SyntaxKind::Tilde && starts_with_at(next_el) {
                // `~ @x` is (unquote (deref x)); `~@x` would splice.
                self.push(" ");
            }
        } else if breaks > 0 {
            self.newlines(breaks, layout.indent());
        } else if next != SyntaxKind::Comma {
            self.push(" ");
        }
    }
}

fn starts_with_at(el: SyntaxElement<'_>) -> bool {
    el.text().starts_with('@')
}

/// Whether a list headed by `head` has a body (indented two spaces).
fn is_body_head(head: SyntaxElement<'_>) -> bool {
    let SyntaxElement::Token(token) = head else {
        return false;
    };
    if token.kind() != SyntaxKind::Symbol {
        return false;
    }
    let text = token.text();
    let name = text.rsplit_once('/').map_or(text, |(_, name)| name);
    name.starts_with("def") || name.starts_with("with-") || BODY_FORMS.contains(&name)
}

/// Special forms and macros whose trailing arguments are a body.
const BODY_FORMS: &[&str] = &[
    "fn",
    "fn*",
    "let",
    "let*",
    "letfn",
    "letfn*",
    "loop",
    "loop*",
    "binding",
    "when",
    "when-not",
    "when-let",
    "when-some",
    "when-first",
    "if",
    "if-not",
    "if-let",
    "if-some",
    "do",
    "doseq",
    "dotimes",
    "doto",
    "for",
    "while",
    "case",
    "case*",
    "cond",
    "condp",
    "cond->",
    "cond->>",
    "as->",
    "try",
    "catch",
    "finally",
    "ns",
    "comment",
    "handle",
    "match",
    "reify",
    "extend",
    "extend-type",
    "extend-protocol",
    "proxy",
    "future",
    "locking",
    "delay",
    "lazy-seq",
];

#[cfg(test)]
mod tests {
    use super::format;

    fn fmt(source: &str) -> String {
        format(source).unwrap_or_else(|e| panic!("{source:?}: {e:?}"))
    }

    #[test]
    fn respaces_and_reindents() {
        assert_eq!(fmt("(  foo   bar\nbaz )"), "(foo bar\n     baz)\n");
        assert_eq!(
            fmt("(defn f [x]\n(let [y 1]\n(+ x y)))"),
            "(defn f [x]\n  (let [y 1]\n    (+ x y)))\n"
        );
        assert_eq!(fmt("(foo\nbar)"), "(foo\n bar)\n");
        assert_eq!(fmt("[1\n2 {:a 1\n:b 2}]"), "[1\n 2 {:a 1\n    :b 2}]\n");
        assert_eq!(fmt("#{1\n2}"), "#{1\n  2}\n");
        assert_eq!(fmt("' a @ b #_ c"), "'a @b #_c\n");
        assert_eq!(fmt("`(~ @x)"), "`(~ @x)\n");
    }

    #[test]
    fn keeps_comments_and_at_most_one_blank_line() {
        assert_eq!(
            fmt("\n\n(a) ; one   \n\n\n\n(b ; two\n)\n\n"),
            "(a) ; one\n\n(b ; two\n )\n"
        );
    }

    #[test]
    fn commas_hug_the_form_before_them() {
        assert_eq!(fmt("{:a 1 , :b 2}"), "{:a 1, :b 2}\n");
    }

    #[test]
    fn line_endings_become_newlines() {
        assert_eq!(fmt("(a ; c\r\n b)\r\n\r\n(d)"), "(a ; c\n b)\n\n(d)\n");
    }

    #[test]
    fn refuses_broken_text() {
        assert!(format("(a").is_err());
    }

    #[test]
    fn empty_input_stays_empty() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("  \n"), "");
    }
}
