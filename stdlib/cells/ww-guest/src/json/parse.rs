//! Reading JSON (RFC 8259) into a [`Value`], for cells that read data (a
//! file of their image, a request body) without serde.

use std::fmt;

/// How deeply arrays and objects may nest. The parser recurses, and a cell
/// runs on a small stack (128 KiB): a document nested deeper is refused
/// rather than allowed to overflow it.
pub const MAX_DEPTH: usize = 64;

/// A JSON value.
///
/// Numbers keep their text: a price keeps its decimals (`"97012.50"`, not
/// `97012.5`) and a large integer its digits; converting is the reader's
/// call. Objects keep their members in the document's order, repeated
/// names included, so a reader can refuse a repeated name rather than have
/// one silently win.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// What kind of value this is, for messages (`an object`).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Why a document is not JSON, and where (1-based, columns in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// The value `text` holds: one JSON value, with only whitespace around it.
///
/// ```
/// use ww_guest::json::{Value, parse};
/// let v = parse(r#"{"BTC-USD": 97012.50, "up": [true, null]}"#).unwrap();
/// assert_eq!(
///     v,
///     Value::Object(vec![
///         ("BTC-USD".into(), Value::Number("97012.50".into())),
///         ("up".into(), Value::Array(vec![Value::Bool(true), Value::Null])),
///     ])
/// );
/// assert_eq!(parse("[1,]").unwrap_err().to_string(), "line 1, column 4: expected a value, found `]`");
/// ```
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let mut p = Parser { text, at: 0 };
    let value = p.value(0)?;
    p.skip_space();
    if p.at < text.len() {
        return Err(p.error("expected the end of the document after its value".into()));
    }
    Ok(value)
}

struct Parser<'t> {
    text: &'t str,
    /// Byte offset of the next unread byte.
    at: usize,
}

impl Parser<'_> {
    fn error(&self, message: String) -> ParseError {
        let before = &self.text[..self.at.min(self.text.len())];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        ParseError {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            message,
        }
    }

    /// What is next, as a message says it.
    fn found(&self) -> String {
        match self.text[self.at..].chars().next() {
            None => "the end".into(),
            Some(c) => format!("`{c}`"),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), ParseError> {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(format!(
                "expected `{}`, found {}",
                byte as char,
                self.found()
            )))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.skip_space();
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => {
                for (word, value) in [
                    ("null", Value::Null),
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                ] {
                    if self.text[self.at..].starts_with(word) {
                        self.at += word.len();
                        return Ok(value);
                    }
                }
                Err(self.error(format!("expected a value, found {}", self.found())))
            }
        }
    }

    fn nest(&self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("nested more than {MAX_DEPTH} deep")));
        }
        Ok(())
    }

    /// The members of a collection opening at `self.at`, each read by
    /// `item`, up to `close`.
    fn items(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Result<(), ParseError>,
    ) -> Result<(), ParseError> {
        self.at += 1;
        self.skip_space();
        if self.peek() == Some(close) {
            self.at += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b) if b == close => {
                    self.at += 1;
                    return Ok(());
                }
                _ => {
                    return Err(self.error(format!(
                        "expected `,` or `{}`, found {}",
                        close as char,
                        self.found()
                    )));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.nest(depth)?;
        let mut items = Vec::new();
        self.items(b']', |p| {
            items.push(p.value(depth)?);
            Ok(())
        })?;
        Ok(Value::Array(items))
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.nest(depth)?;
        let mut members = Vec::new();
        self.items(b'}', |p| {
            p.skip_space();
            if p.peek() != Some(b'"') {
                return Err(p.error(format!("expected a member's name, found {}", p.found())));
            }
            let name = p.string()?;
            p.expect(b':')?;
            members.push((name, p.value(depth)?));
            Ok(())
        })?;
        Ok(Value::Object(members))
    }

    /// A string literal, its opening quote at `self.at`.
    fn string(&mut self) -> Result<String, ParseError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            // Everything up to the next quote, backslash or control
            // character is copied as it is (those are ASCII, so the slice
            // ends on a character boundary).
            let run = self.text.as_bytes()[self.at..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(self.text.len() - self.at);
            out.push_str(&self.text[self.at..self.at + run]);
            self.at += run;
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => {
                    return Err(self.error("a control character in a string: escape it".into()));
                }
                None => return Err(self.error("a string that does not end".into())),
            }
        }
    }

    /// The character of an escape, after its backslash.
    fn escape(&mut self) -> Result<char, ParseError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                return self.unicode_escape();
            }
            _ => return Err(self.error(format!("`\\` followed by {}", self.found()))),
        };
        self.at += 1;
        Ok(c)
    }

    /// A `\uXXXX` escape after its `\u`, with the low half that must
    /// follow a high surrogate.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let high = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&high) {
            if !self.text[self.at..].starts_with("\\u") {
                return Err(self.error("a high surrogate not followed by a low one".into()));
            }
            self.at += 2;
            let low = self.hex4()?;
            if !(0xdc00..0xe000).contains(&low) {
                return Err(self.error("a high surrogate not followed by a low one".into()));
            }
            0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.error("a low surrogate on its own".into()))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self.text.get(self.at..self.at + 4).unwrap_or("");
        match u32::from_str_radix(digits, 16) {
            Ok(n) if digits.bytes().all(|b| b.is_ascii_hexdigit()) => {
                self.at += 4;
                Ok(n)
            }
            _ => Err(self.error("`\\u` needs four hexadecimal digits".into())),
        }
    }

    /// A number, checked against JSON's grammar and kept as text.
    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let from = p.at;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.at += 1;
            }
            p.at > from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        if self.peek() == Some(b'0') {
            self.at += 1;
        } else if !digits(self) {
            return Err(self.error(format!("expected a digit, found {}", self.found())));
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !digits(self) {
                return Err(self.error(format!(
                    "expected a digit after `.`, found {}",
                    self.found()
                )));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.error(format!(
                    "expected an exponent's digits, found {}",
                    self.found()
                )));
            }
        }
        Ok(Value::Number(self.text[start..self.at].to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn every_kind_of_value() {
        let v =
            parse(" {\"a\": [1, -0.5e+3, 0], \"b\": {}, \"c\": [], \"d\": false, \"e\": null}\n")
                .unwrap();
        assert_eq!(
            v,
            Value::Object(vec![
                (
                    "a".into(),
                    Value::Array(vec![
                        Value::Number("1".into()),
                        Value::Number("-0.5e+3".into()),
                        Value::Number("0".into()),
                    ])
                ),
                ("b".into(), Value::Object(vec![])),
                ("c".into(), Value::Array(vec![])),
                ("d".into(), Value::Bool(false)),
                ("e".into(), Value::Null),
            ])
        );
        assert_eq!(v.kind(), "an object");
    }

    #[test]
    fn strings_decode_their_escapes() {
        assert_eq!(
            parse(r#""a\"b\\c\/d\n\t\u00e9\ud834\udd1e é""#).unwrap(),
            Value::String("a\"b\\c/d\n\té𝄞 é".into())
        );
        assert_eq!(err(r#""\x""#), "line 1, column 3: `\\` followed by `x`");
        assert_eq!(
            err(r#""\u12""#),
            "line 1, column 4: `\\u` needs four hexadecimal digits"
        );
        assert_eq!(
            err(r#""\u+123""#),
            "line 1, column 4: `\\u` needs four hexadecimal digits"
        );
        assert!(err(r#""\ud834x""#).contains("high surrogate"));
        assert!(err(r#""\udd1e""#).contains("low surrogate on its own"));
        assert!(err("\"a\nb\"").contains("control character"));
        assert_eq!(err("\"abc"), "line 1, column 5: a string that does not end");
    }

    #[test]
    fn numbers_follow_the_grammar() {
        for good in ["0", "-0", "12", "1.5", "1e9", "1E-2", "-3.25e+10"] {
            assert_eq!(parse(good).unwrap(), Value::Number(good.into()), "{good}");
        }
        for bad in ["01", "1.", ".5", "-", "1e", "+1", "0x1"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(err(""), "line 1, column 1: expected a value, found the end");
        assert_eq!(
            err("{\n  \"a\": 1,\n  \"b\" 2\n}"),
            "line 3, column 7: expected `:`, found `2`"
        );
        assert_eq!(
            err("[1 2]"),
            "line 1, column 4: expected `,` or `]`, found `2`"
        );
        assert_eq!(
            err("{1: 2}"),
            "line 1, column 2: expected a member's name, found `1`"
        );
        assert_eq!(
            err("{} {}"),
            "line 1, column 4: expected the end of the document after its value"
        );
        assert_eq!(err("nul"), "line 1, column 1: expected a value, found `n`");
        assert_eq!(err("[é"), "line 1, column 2: expected a value, found `é`");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let deep = "[".repeat(100_000);
        assert!(err(&deep).contains(&format!("nested more than {MAX_DEPTH} deep")));
    }

    #[test]
    fn repeated_names_are_kept() {
        assert_eq!(
            parse(r#"{"a":1,"a":2}"#).unwrap(),
            Value::Object(vec![
                ("a".into(), Value::Number("1".into())),
                ("a".into(), Value::Number("2".into())),
            ])
        );
    }
}
