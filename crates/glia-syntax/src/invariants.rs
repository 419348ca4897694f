//! The reader's invariants over arbitrary text, checked by the property
//! tests and the fuzzer alike (one definition, so the two cannot drift).

use crate::printer::pr_str;
use crate::{ErrorKind, Form, format, parse, read};

/// Panics if any invariant fails for `text`:
///
/// * the tree prints back to `text`, and its tokens tile it in order;
/// * every error span lies inside `text`;
/// * when `text` formats, formatting again changes nothing, and the
///   formatted text reads as the same forms with the same errors.
pub fn check_invariants(text: &str) {
    let parse = parse(text);
    let root = parse.syntax();
    assert_eq!(root.to_string(), text, "the tree must print back its input");
    let mut at = 0;
    for token in root.tokens() {
        assert_eq!(token.span().start, at, "gap before {token:?}");
        at = token.span().end;
    }
    assert_eq!(at, text.len(), "the tokens must cover the whole text");

    let first = read(text);
    for error in &first.errors {
        assert!(
            error.span.end <= text.len(),
            "{error:?} lies outside the text"
        );
        assert_ne!(
            error.kind,
            ErrorKind::Internal,
            "internal error for {text:?}"
        );
    }
    if let Ok(formatted) = format(text) {
        assert_eq!(
            format(&formatted).as_deref(),
            Ok(formatted.as_str()),
            "formatting is not idempotent for {text:?}"
        );
        let again = read(&formatted);
        assert_eq!(printed(&again.forms), printed(&first.forms), "{text:?}");
        assert_eq!(kinds(&again), kinds(&first), "{text:?}");
    }
}

fn printed(forms: &[Form]) -> Vec<String> {
    forms.iter().map(pr_str).collect()
}

fn kinds(read: &crate::Read) -> Vec<ErrorKind> {
    read.errors.iter().map(|e| e.kind).collect()
}
