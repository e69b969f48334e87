//! `accord init`: a new project in a folder, with a label set and documents
//! ([`accord::project::setup`]), as the window's New project makes it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use accord::project::setup::{LabelSetStart, NewProject, add_documents, create};

use super::bar::Bar;
use super::unreadable;

/// Arguments of `accord init`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder of the new project (created when missing; may hold the documents already).
    folder: PathBuf,
    /// Documents to add: text files, folders of them (every file under them), or tables of
    /// texts (`.jsonl` with a "text" field, `.csv` with a "text" column; one document per
    /// row). Files from elsewhere are copied into the folder.
    documents: Vec<PathBuf>,
    /// The label set to start from: an Accord schema (`.ron`), a brat `annotation.conf` or a
    /// Label Studio labelling config (`.xml`). Default: Accord's news set (people, countries,
    /// organisations, dates, money, commitments…).
    #[arg(long, value_name = "FILE", conflicts_with = "no_labels")]
    schema: Option<PathBuf>,
    /// Start with no label at all (add them in the window's Schema panel).
    #[arg(long)]
    no_labels: bool,
    /// The project's name. Default: the folder's name.
    #[arg(long)]
    name: Option<String>,
}

/// Exit 0: created with every document; 1: created, but some files were refused (listed
/// with the reason); 2: nothing was created (the folder holds a project, the label set
/// cannot be read).
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let start = match (&args.schema, args.no_labels) {
        (Some(path), _) => LabelSetStart::File(path.clone()),
        (None, true) => LabelSetStart::Empty,
        (None, false) => LabelSetStart::News,
    };
    let (schema, notes) = start.schema().map_err(unreadable)?;
    let name = args.name.clone().unwrap_or_else(|| {
        std::path::absolute(&args.folder)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Untitled".to_owned())
    });
    let project = create(&args.folder, &NewProject { name, schema }).map_err(unreadable)?;
    writeln!(
        out,
        "created {} ({} labels)",
        project.root.join(accord::project::PROJECT_FILE).display(),
        project.schema.labels.len()
    )?;
    for note in &notes {
        writeln!(out, "note: {note}")?;
    }
    if args.documents.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let mut bar = Bar::new();
    let report = add_documents(&project, &args.documents, &mut |done, total, item| {
        bar.update(accord::formats::Progress {
            stage: accord::formats::Stage::Reading,
            done,
            total,
            item,
        })
    })
    .map_err(unreadable)?;
    bar.finish();
    for entry in &report.added {
        writeln!(
            out,
            "added {} ({}{})",
            entry.file,
            entry.language.as_deref().unwrap_or("language unknown"),
            entry
                .encoding
                .as_deref()
                .map(|e| format!(", {e}"))
                .unwrap_or_default()
        )?;
    }
    for file in &report.already {
        writeln!(out, "already in the project: {file}")?;
    }
    for refused in &report.refused {
        writeln!(out, "refused {}: {}", refused.source, refused.reason)?;
    }
    writeln!(
        out,
        "{} documents added, {} refused",
        report.added.len(),
        report.refused.len()
    )?;
    Ok(if report.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
