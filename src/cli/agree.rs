//! `accord agree`: agreement between annotators, as tables, JSON, and the unit table as TSV.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use accord::agreement::{Keep, Selection, agree_project};

use super::{project_or_cwd, unreadable};

/// Arguments of `accord agree`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// Annotators to compare, comma-separated (default: every folder under annotations/ but
    /// curated/).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    annotators: Vec<String>,
    /// Only spans of these labels, comma-separated (default: all).
    #[arg(long, value_name = "LABELS", value_delimiter = ',')]
    labels: Vec<String>,
    /// Only these documents, comma-separated file names as in accord.ron (default: all).
    #[arg(long, value_name = "FILES", value_delimiter = ',')]
    documents: Vec<String>,
    /// Print JSON for machines: the summary (overall figures, the pair matrix, warnings).
    #[arg(long)]
    json: bool,
    /// With --json, also each document's figures under `documents` (about 10 KB a document
    /// with three annotators: 10 MB for a thousand documents).
    #[arg(long, requires = "json")]
    per_document: bool,
    /// Write the unit × annotator label table behind the unit figures to FILE as TSV (an empty
    /// cell: no annotation file for that document).
    #[arg(long, value_name = "FILE")]
    dump_units: Option<PathBuf>,
}

/// Exit 0, or 2 when the project (or a file the comparison needs) cannot be read.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    let selection = Selection {
        annotators: args.annotators,
        documents: args.documents,
        labels: args.labels,
    };
    // Each document's figures for the text's table and --per-document; the units' text only
    // for the table that shows it.
    let keep = Keep {
        documents: !args.json || args.per_document,
        units: args.dump_units.is_some(),
    };
    let report = agree_project(&root, &selection, keep).map_err(unreadable)?;
    if let Some(path) = &args.dump_units {
        let written = std::fs::File::create(path).and_then(|mut file| {
            report.units.write_tsv(&mut file)?;
            file.sync_all()
        });
        written.map_err(|e| {
            anyhow::anyhow!(
                "cannot write the unit table to {}: {e}; check that its folder exists and is writable",
                path.display()
            )
        })?;
    }
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report).context("writing JSON")?;
        writeln!(out)?;
    } else {
        write!(out, "{}", report.to_text())?;
    }
    Ok(ExitCode::SUCCESS)
}
