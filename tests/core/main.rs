//! The core's integration tests, one binary (a test binary per file took a link each: most of a
//! CI run). Each module is one topic; none of them needs the window, so they also run with
//! `--no-default-features`. `cargo test --test core MODULE::` runs one topic.

// `allow-unwrap-in-tests` covers `#[test]` functions only; here the helpers are test code too,
// and a panic is how they fail.
#![allow(clippy::unwrap_used)]

#[path = "../fuzz/checks.rs"]
mod checks;
#[path = "../common/mod.rs"]
mod common;

mod architecture;
mod assignments;
mod bad_input;
mod commitments;
mod diff;
mod disk;
mod edit;
mod encodings;
mod files;
mod formats;
mod fuzz_regressions;
mod golden;
mod hostile;
mod journal;
mod layout_bidi;
mod layout_long;
mod layout_roundtrip;
mod layout_underline;
mod reanchor;
mod review;
mod sample_project;
mod setup;
mod store;
