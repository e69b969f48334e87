//! `accord validate`: every problem of a project, for people or (`--json`) machines.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::{project_or_cwd, unreadable};

/// Arguments of `accord validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// Print JSON for machines.
    #[arg(long)]
    json: bool,
}

/// Exit 0: clean, 1: findings, 2: the project cannot be read.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    let report = accord::validate::validate(&root).map_err(unreadable)?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report).context("writing JSON")?;
        writeln!(out)?;
    } else {
        for f in &report.findings {
            writeln!(out, "{f}")?;
        }
        writeln!(
            out,
            "{}: {} documents, {} files, {} annotations checked: {}",
            root.display(),
            report.documents,
            report.files_checked,
            report.annotations_checked,
            match report.findings.len() {
                0 => "no problems".to_owned(),
                1 => "1 problem".to_owned(),
                n => format!("{n} problems"),
            }
        )?;
    }
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
