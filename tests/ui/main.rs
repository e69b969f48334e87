//! The window driven headless with egui_kittest, as a user drives it: drags, keys, clicks, the
//! panels, review, export and import, files changed on disk. One test binary (needs the `gui`
//! feature); `cargo test --test ui MODULE::` runs one topic.

// `allow-unwrap-in-tests` covers `#[test]` functions only; here the helpers are test code too,
// and a panic is how they fail.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
#[path = "../ui_support/mod.rs"]
mod ui_support;

mod commitments;
mod exchange;
mod hostile;
mod review;
mod safety;
mod setup;
mod suggest;
mod sync;
mod team;
mod text_view;
mod workspace;
