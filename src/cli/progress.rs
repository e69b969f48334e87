//! `accord progress`: per annotator, documents assigned, started and finished, annotations,
//! last commit.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use accord::project::Project;
use anyhow::Context as _;

use super::{project_or_cwd, unreadable};

/// Arguments of `accord progress`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = JSON_FIELDS, after_help = JSON_FIELDS)]
pub struct Args {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// Print JSON for machines (fields below).
    #[arg(long)]
    json: bool,
}

const JSON_FIELDS: &str = "\
--json prints one object:
  documents          documents in the project
  overlap            annotators per document in assignments.ron, or null without one
  annotators         one object each (those of assignments.ron first, in its order):
    annotator        the name
    assigned         documents assignments.ron gives them
    started          documents with at least one of their annotations
    finished         documents they marked finished (status/<annotator>.ron)
    annotations      their annotations in all documents
    last_commit      {date, hash} of the last commit changing annotations/<annotator>/
                     (author date, ISO 8601; short hash), or null (no git, or none yet)
  unreadable_files   files that could not be read, with why (see accord validate)
  git_error          present when git was found but failed, with what it said";

/// Exit 0, or 2 when the project cannot be read.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    let project = Project::open(&root).map_err(unreadable)?;
    let documents: Vec<String> = project
        .documents
        .iter()
        .map(|d| d.file().to_owned())
        .collect();
    let report = accord::progress::with_last_commits(&project.dir, &documents);
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report).context("writing JSON")?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report.to_text())?;
    }
    Ok(ExitCode::SUCCESS)
}
