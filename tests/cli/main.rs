//! The `accord` binary run as a user runs it: subcommands, their output and exit codes, the
//! exchange formats end to end, agreement. One test binary; `cargo test --test cli MODULE::`
//! runs one topic.

// `allow-unwrap-in-tests` covers `#[test]` functions only; here the helpers are test code too,
// and a panic is how they fail.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod agreement;
mod commands;
mod formats;
mod git;
mod hostile;
mod sync;
mod team;
