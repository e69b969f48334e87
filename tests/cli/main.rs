//! The `accord` binary run as a user runs it: subcommands, their output and exit codes, the
//! exchange formats end to end, agreement. One test binary; `cargo test --test cli MODULE::`
//! runs one topic.

// `allow-unwrap-in-tests` covers `#[test]` functions only; here the helpers are test code too,
// and a panic is how they fail.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

/// Runs the `accord` binary in `dir`, as a user would, with warnings logged.
pub fn accord(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the accord binary runs")
}

mod agreement;
mod commands;
mod formats;
mod git;
mod hostile;
mod init;
mod suggest;
mod sync;
mod team;
