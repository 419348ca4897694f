//! Helpers shared by the snapshot tests.

/// Defines one insta snapshot test per `name => source`, each snapshotting
/// `render(source)`. The test's name names its snapshot file.
#[macro_export]
macro_rules! snapshots {
    ($render:path; $($name:ident => $source:expr),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!($render($source));
            }
        )*
    };
}
