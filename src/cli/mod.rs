//! The binary's command line: argument parsing and the subcommands, one file each, over the
//! library. Output and exit codes only; the work is done by the core.

mod agree;
mod check_layout;
mod commitments;
mod export;
mod import;
mod reanchor;
mod recover;
mod stats;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Accord: annotate multilingual text with entities and commitments.
#[derive(Debug, Parser)]
#[command(
    name = "accord",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; without one, the annotation window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Project folder (or a document in it) to open in the window. Default: the last project,
    /// else `sample_docs/` when run from the repository.
    pub path: Option<PathBuf>,
    /// Annotate as this name (remembered; asked on first start when not given).
    #[arg(long, value_name = "NAME")]
    pub annotator: Option<String>,
}

/// The subcommands, one file each.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every problem in a project. Exit 0: clean, 1: findings, 2: cannot read the project.
    Validate(validate::Args),
    /// Count documents, chars, and annotations per label, layer, annotator and document.
    Stats(stats::Args),
    /// Lay files out and check that every character can be hit, is drawn with a real glyph,
    /// and sits in the right visual order. Exit 1 if any character fails.
    CheckLayout(check_layout::Args),
    /// Write annotations as JSONL, spaCy, CoNLL, brat, WebAnno TSV, Label Studio or HTML.
    Export(export::Args),
    /// Read documents and annotations from brat, JSONL, Label Studio or CoNLL into a project.
    Import(import::Args),
    /// Agreement between annotators: span F1, Cohen's/Fleiss' κ, Krippendorff's α.
    Agree(agree::Args),
    /// The ledger of commitments: who commits, to what, by when, what kind, how it stands,
    /// which thread; by document date.
    Commitments(commitments::Args),
    /// Move the annotations of documents that changed to where their text is now; print what
    /// moved and what could not be placed. Exit 1 if some could not be placed, 2 if a file
    /// could not be read or written.
    Reanchor(reanchor::Args),
    /// Put back the edits a crash kept from being saved (the annotator's journal), save them,
    /// and print what was recovered per file. Exit 1 if some could not be put back, 2 if a file
    /// could not be read or written or the lock is held.
    Recover(recover::Args),
}

/// Runs a subcommand and returns the process exit code.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Validate(args) => validate::run(args),
        Command::Stats(args) => stats::run(args),
        Command::CheckLayout(args) => check_layout::run(args),
        Command::Export(args) => export::run(args),
        Command::Import(args) => import::run(args),
        Command::Agree(args) => agree::run(args),
        Command::Commitments(args) => commitments::run(args),
        Command::Reanchor(args) => reanchor::run(args),
        Command::Recover(args) => recover::run(args),
    }
}

/// The project folder given, or the current folder.
pub(crate) fn project_or_cwd(project: Option<PathBuf>) -> PathBuf {
    project.unwrap_or_else(|| PathBuf::from("."))
}

/// An error whose message already names its cause (as every error of the core does) as an
/// `anyhow` error: printing it with `{:#}` must not repeat the cause. `main` prints it and
/// exits 2.
pub(crate) fn unreadable(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}
