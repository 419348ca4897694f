//! String escapes and character literals, as Clojure reads them.

use crate::error::{ErrorKind, Span, SyntaxError};

const ESCAPE_HINT: &str = "valid escapes are \\t \\b \\n \\f \\r \\\" \\\\ \\uXXXX and octal \\0 to \\377; write \\\\ for a backslash";

/// Decodes the body of a string literal (between the quotes) that starts at
/// byte `offset` of the source. Every bad escape is reported; the decoded
/// string skips them.
pub(crate) fn unescape(body: &str, offset: usize, errors: &mut Vec<SyntaxError>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let escape_start = offset + (body.len() - rest.len()) + i;
        let after = &rest[i + 1..];
        let (decoded, used) = decode_escape(after);
        let span = Span::new(
            escape_start,
            escape_start + 1 + used.max(1).min(after.len()),
        );
        match decoded {
            Ok(c) => out.push(c),
            Err(message) => errors.push(
                SyntaxError::new(ErrorKind::InvalidEscape, span, message)
                    .label("in this escape")
                    .hint(ESCAPE_HINT),
            ),
        }
        rest = &after[used.min(after.len())..];
    }
    out.push_str(rest);
    out
}

/// Decodes one escape (`after` is the text following the backslash) and
/// returns it with the number of bytes it used.
fn decode_escape(after: &str) -> (Result<char, String>, usize) {
    let Some(c) = after.chars().next() else {
        return (Err("a string cannot end with a lone `\\`".into()), 0);
    };
    let simple = match c {
        't' => Some('\t'),
        'b' => Some('\u{8}'),
        'n' => Some('\n'),
        'f' => Some('\u{c}'),
        'r' => Some('\r'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        _ => None,
    };
    if let Some(decoded) = simple {
        return (Ok(decoded), 1);
    }
    match c {
        'u' => {
            let Some(high) = hex4(&after[1..]) else {
                return (
                    Err("`\\u` must be followed by exactly four hex digits".into()),
                    1 + hex_prefix_len(&after[1..]),
                );
            };
            if (0xD800..0xDC00).contains(&high) {
                // A UTF-16 surrogate pair spelled as two escapes, as in Clojure.
                let low = after[5..].strip_prefix("\\u").and_then(hex4);
                return match low {
                    Some(low) if (0xDC00..0xE000).contains(&low) => {
                        let scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        (
                            char::from_u32(scalar).ok_or_else(|| "invalid surrogate pair".into()),
                            11,
                        )
                    }
                    _ => (
                        Err(format!(
                            "`\\u{high:04X}` is half a surrogate pair with no low half after it"
                        )),
                        5,
                    ),
                };
            }
            match char::from_u32(high) {
                Some(ch) => (Ok(ch), 5),
                None => (
                    Err(format!(
                        "`\\u{high:04X}` is a lone low surrogate, not a character"
                    )),
                    5,
                ),
            }
        }
        '0'..='9' => octal_escape(after),
        other => (Err(format!("unknown escape `\\{other}`")), other.len_utf8()),
    }
}

/// An octal escape, read as Clojure reads it: a digit, then up to two more
/// characters that must be octal digits unless whitespace, a macro character
/// or the end of the string comes first (`"\\12x"` is an error, `"\\12 x"`
/// is not).
fn octal_escape(after: &str) -> (Result<char, String>, usize) {
    let mut value = 0u32;
    let mut used = 0;
    for (i, c) in after.char_indices().take(3) {
        if i > 0 && (c.is_whitespace() || c == ',' || "\";'@^`~()[]{}\\%#".contains(c)) {
            break;
        }
        used = i + c.len_utf8();
        match c.to_digit(8) {
            Some(d) => value = value * 8 + d,
            None => {
                return (
                    Err(format!(
                        "`{c}` is not an octal digit in `\\{}`",
                        &after[..used]
                    )),
                    used,
                );
            }
        }
    }
    if value > 0o377 {
        return (
            Err(format!(
                "octal escape `\\{}` is above \\377",
                &after[..used]
            )),
            used,
        );
    }
    (
        char::from_u32(value).ok_or_else(|| "invalid octal escape".into()),
        used,
    )
}

fn hex4(s: &str) -> Option<u32> {
    let digits = s.get(..4)?;
    if digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(digits, 16).ok()
    } else {
        None
    }
}

fn hex_prefix_len(s: &str) -> usize {
    s.bytes().take(4).take_while(u8::is_ascii_hexdigit).count()
}

/// The names Clojure gives characters, in both directions.
pub(crate) const CHAR_NAMES: [(&str, char); 6] = [
    ("newline", '\n'),
    ("space", ' '),
    ("tab", '\t'),
    ("backspace", '\u{8}'),
    ("formfeed", '\u{c}'),
    ("return", '\r'),
];

/// Reads a character literal's text after the backslash.
pub(crate) fn read_char(name: &str) -> Result<char, String> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Ok(c);
    }
    if let Some((_, c)) = CHAR_NAMES.iter().find(|(n, _)| *n == name) {
        return Ok(*c);
    }
    if let Some(hex) = name.strip_prefix('u')
        && hex.len() == 4
        && let Some(code) = hex4(hex)
    {
        return char::from_u32(code)
            .ok_or_else(|| format!("`\\{name}` is a surrogate, not a character"));
    }
    if let Some(octal) = name.strip_prefix('o')
        && (1..=3).contains(&octal.len())
        && let Ok(code) = u32::from_str_radix(octal, 8)
    {
        return if code <= 0o377 {
            char::from_u32(code).ok_or_else(|| format!("invalid octal character `\\{name}`"))
        } else {
            Err(format!("octal character `\\{name}` is above \\o377"))
        };
    }
    Err(format!("unsupported character `\\{name}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> String {
        let mut errors = Vec::new();
        let s = unescape(body, 0, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        s
    }

    #[test]
    fn all_escapes() {
        assert_eq!(ok(r#"\t\b\n\f\r\"\\"#), "\t\u{8}\n\u{c}\r\"\\");
        assert_eq!(ok(r"\u0041\101\0\377"), "AA\0\u{ff}");
        assert_eq!(ok(r"\0 a\12(x"), "\0 a\n(x");
        assert_eq!(ok(r"\uD83D\uDE00"), "😀");
    }

    #[test]
    fn bad_escapes_are_all_reported_with_spans() {
        let mut errors = Vec::new();
        let s = unescape(r"a\qb\u12x\400", 10, &mut errors);
        assert_eq!(s, "abx");
        let spans: Vec<_> = errors.iter().map(|e| (e.span.start, e.span.end)).collect();
        assert_eq!(spans, vec![(11, 13), (14, 18), (19, 23)]);
    }

    #[test]
    fn octal_escapes_take_up_to_three_digits_as_clojure_does() {
        for bad in [r"\08", r"\8", r"\19", r"\400", r"\12x", r"\0a"] {
            let mut errors = Vec::new();
            unescape(bad, 0, &mut errors);
            assert_eq!(errors.len(), 1, "{bad}");
        }
    }

    #[test]
    fn characters() {
        assert_eq!(read_char("a"), Ok('a'));
        assert_eq!(read_char("("), Ok('('));
        assert_eq!(read_char("newline"), Ok('\n'));
        assert_eq!(read_char("u03bb"), Ok('λ'));
        assert_eq!(read_char("o101"), Ok('A'));
        assert_eq!(read_char("λ"), Ok('λ'));
        assert!(read_char("abc").is_err());
        assert!(read_char("uD800").is_err());
    }
}
