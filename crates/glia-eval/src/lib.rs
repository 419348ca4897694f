//! glia-eval: the Glia compiler and VM (values, namespaces, macros, core
//! library). It does no I/O: all outside contact is an effect that the
//! embedding handles.
//!
//! The crate is a placeholder in the workspace until the evaluator lands;
//! it exists now so that the layering (`glia-syntax` below, `glia-effects`
//! above) is fixed from the start.
