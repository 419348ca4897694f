//! The canonical formatter (placeholder replaced below).
pub fn format(source: &str) -> String {
    source.to_owned()
}
