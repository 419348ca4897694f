//! glia-effects: algebraic effects (deep handlers, one-shot continuations),
//! capabilities as values, attenuation and the host-effect driver, over
//! `glia-eval`.
//!
//! The crate is a placeholder in the workspace until the effect system lands.
