//! A tiny JSON writer and reader, so cells answer and read JSON without
//! pulling in serde (which would multiply their build time and size).
//!
//! Values are written as text: [`quote`] makes a string literal, [`Object`]
//! and [`Array`] assemble members in the order given. [`parse`] reads a
//! document into a [`Value`].
//!
//! ```
//! use ww_guest::json::{Array, Object};
//! let addrs = Array::new().str("/ip4/127.0.0.1/tcp/2025").build();
//! let doc = Object::new()
//!     .str("status", "ok")
//!     .num("peer_count", 3)
//!     .raw("listen_addrs", &addrs)
//!     .build();
//! assert_eq!(doc, r#"{"status":"ok","peer_count":3,"listen_addrs":["/ip4/127.0.0.1/tcp/2025"]}"#);
//! ```

use std::fmt::{Display, Write as _};

mod parse;

pub use parse::{MAX_DEPTH, ParseError, Value, parse};

/// `s` as a JSON string literal, quotes included.
///
/// `"`, `\` and control characters are escaped (`\n`, `\r`, `\t`, `\b`, `\f`
/// by name, the rest as `\u00XX`); everything else, non-ASCII included, is
/// kept as is (JSON text is UTF-8).
///
/// ```
/// assert_eq!(ww_guest::json::quote("a \"b\"\n"), r#""a \"b\"\n""#);
/// ```
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_quoted(&mut out, s);
    out
}

/// Appends `s` as a JSON string literal to `out` (see [`quote`]).
pub fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON object under construction; members keep the order they were added
/// in. Keys are not checked for duplicates.
#[derive(Debug, Clone)]
pub struct Object {
    text: String,
    empty: bool,
}

impl Default for Object {
    fn default() -> Self {
        Self::new()
    }
}

impl Object {
    /// An empty object.
    pub fn new() -> Self {
        Object {
            text: String::from("{"),
            empty: true,
        }
    }

    fn key(mut self, key: &str) -> Self {
        if !self.empty {
            self.text.push(',');
        }
        self.empty = false;
        push_quoted(&mut self.text, key);
        self.text.push(':');
        self
    }

    /// Adds a member whose value is already JSON text (a nested object or
    /// array, a number ...). The text is inserted verbatim.
    pub fn raw(self, key: &str, json: &str) -> Self {
        let mut o = self.key(key);
        o.text.push_str(json);
        o
    }

    /// Adds a string member.
    pub fn str(self, key: &str, value: &str) -> Self {
        let mut o = self.key(key);
        push_quoted(&mut o.text, value);
        o
    }

    /// Adds a string member, or `null` for `None`.
    pub fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self.null(key),
        }
    }

    /// Adds a number member. Meant for integers: a float's `Display` may
    /// print `NaN` or `inf`, which are not JSON.
    pub fn num(self, key: &str, value: impl Display) -> Self {
        let mut o = self.key(key);
        let _ = write!(o.text, "{value}");
        o
    }

    /// Adds a boolean member.
    pub fn bool(self, key: &str, value: bool) -> Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// Adds a `null` member.
    pub fn null(self, key: &str) -> Self {
        self.raw(key, "null")
    }

    /// The finished JSON text.
    pub fn build(mut self) -> String {
        self.text.push('}');
        self.text
    }
}

/// A JSON array under construction.
#[derive(Debug, Clone)]
pub struct Array {
    text: String,
    empty: bool,
}

impl Default for Array {
    fn default() -> Self {
        Self::new()
    }
}

impl Array {
    /// An empty array.
    pub fn new() -> Self {
        Array {
            text: String::from("["),
            empty: true,
        }
    }

    fn sep(mut self) -> Self {
        if !self.empty {
            self.text.push(',');
        }
        self.empty = false;
        self
    }

    /// Adds an element that is already JSON text.
    pub fn raw(self, json: &str) -> Self {
        let mut a = self.sep();
        a.text.push_str(json);
        a
    }

    /// Adds a string element.
    pub fn str(self, value: &str) -> Self {
        let mut a = self.sep();
        push_quoted(&mut a.text, value);
        a
    }

    /// Adds a number element (integers; see [`Object::num`]).
    pub fn num(self, value: impl Display) -> Self {
        let mut a = self.sep();
        let _ = write!(a.text, "{value}");
        a
    }

    /// The finished JSON text.
    pub fn build(mut self) -> String {
        self.text.push(']');
        self.text
    }
}

/// A JSON array of strings.
///
/// ```
/// assert_eq!(ww_guest::json::strings(["a", "b"]), r#"["a","b"]"#);
/// ```
pub fn strings<I, S>(items: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    items
        .into_iter()
        .fold(Array::new(), |a, s| a.str(s.as_ref()))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_what_json_requires() {
        assert_eq!(quote(""), r#""""#);
        assert_eq!(quote("plain"), r#""plain""#);
        assert_eq!(quote("q\"b\\s/"), r#""q\"b\\s/""#);
        assert_eq!(quote("\n\r\t\u{8}\u{c}"), r#""\n\r\t\b\f""#);
        assert_eq!(quote("\u{0}\u{1f}\u{7f}"), r#""\u0000\u001f\u007f""#);
        assert_eq!(quote("é ☃ 𝄞"), "\"é ☃ 𝄞\"");
    }

    #[test]
    fn objects_and_arrays() {
        assert_eq!(Object::new().build(), "{}");
        assert_eq!(Array::new().build(), "[]");
        let o = Object::new()
            .str("a", "x")
            .num("n", -3)
            .bool("t", true)
            .bool("f", false)
            .null("z")
            .opt_str("s", Some("y"))
            .opt_str("o", None)
            .raw("arr", &Array::new().num(1).str("two").raw("{}").build())
            .build();
        assert_eq!(
            o,
            r#"{"a":"x","n":-3,"t":true,"f":false,"z":null,"s":"y","o":null,"arr":[1,"two",{}]}"#
        );
        assert_eq!(Object::new().str("k\"", "v").build(), r#"{"k\"":"v"}"#);
        assert_eq!(strings(Vec::<String>::new()), "[]");
    }
}
