//! `accord assign`: draw who annotates which documents into `assignments.ron`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use accord::project::assignments::{ASSIGNMENTS_FILE, fill};
use accord::project::{AssignmentsFile, Project};

use super::{project_or_cwd, unreadable};

/// Arguments of `accord assign`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// The annotators, comma separated (`alice,bob,chen`): the names they annotate as.
    #[arg(long, value_delimiter = ',', required = true, value_name = "NAMES")]
    annotators: Vec<String>,
    /// How many annotators annotate each document (at most the number of annotators).
    #[arg(long, default_value_t = 1, value_name = "K")]
    overlap: usize,
    /// Seed of the draw: the same seed, annotators, overlap and documents give the same
    /// assignments on every machine.
    #[arg(long, default_value_t = 0, value_name = "N")]
    seed: u64,
    /// Replace an existing assignments.ron (annotators who started keep their annotations,
    /// but may no longer be assigned those documents).
    #[arg(long)]
    force: bool,
}

/// Writes `assignments.ron` and prints each annotator's documents. Exit 0, or 2 when the
/// project cannot be read, the arguments cannot be met, or assignments exist without
/// `--force`.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    let project = Project::open(&root).map_err(unreadable)?;
    let path = AssignmentsFile::path(&project.dir);
    if !args.force && project.has(&path) {
        anyhow::bail!(
            "{} already assigns the documents; pass --force to replace it",
            path.display()
        );
    }
    let documents: Vec<String> = project
        .documents
        .iter()
        .map(|d| d.file().to_owned())
        .collect();
    let annotators: Vec<String> = args
        .annotators
        .iter()
        .map(|a| a.trim().to_owned())
        .collect();
    let file = fill(&documents, &annotators, args.overlap, args.seed).map_err(unreadable)?;
    file.save_in(&project.dir).map_err(unreadable)?;
    writeln!(
        out,
        "{}: {} documents, {} annotators per document, seed {}",
        path.display(),
        documents.len(),
        file.overlap,
        args.seed
    )?;
    let width = annotators
        .iter()
        .map(|a| a.chars().count())
        .max()
        .unwrap_or(0);
    for a in &file.annotators {
        const SHOWN: usize = 6;
        let mut list = a
            .documents
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if a.documents.len() > SHOWN {
            list.push_str(&format!(
                ", … ({} more in {ASSIGNMENTS_FILE})",
                a.documents.len() - SHOWN
            ));
        }
        writeln!(
            out,
            "{:width$}  {:>5}  {list}",
            a.annotator,
            a.documents.len()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
