//! `accord stats`: documents, chars, and annotations per label, layer, annotator and document.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::{project_or_cwd, unreadable};

/// Arguments of `accord stats`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// Print JSON for machines.
    #[arg(long)]
    json: bool,
}

/// Exit 0, or 2 when the project cannot be read.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    let stats = accord::stats::stats(&root).map_err(unreadable)?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &stats).context("writing JSON")?;
        writeln!(out)?;
    } else {
        write!(out, "{}", stats.to_text())?;
    }
    Ok(ExitCode::SUCCESS)
}
