//! Errors shown with their causes.

/// An error with its causes: reqwest's own message, for one, leaves out
/// why a connection or redirect failed.
pub(crate) fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
