//! `accord export`: one annotator's (or the curated) annotations to another tool's format.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use accord::formats::{AnnotationSource, ExportOptions, Format, count_losses};

use super::bar::Bar;
use super::{format_parser, project_or_cwd, unreadable};

/// Arguments of `accord export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// The format to write.
    #[arg(long, value_parser = format_parser(false))]
    format: Format,
    /// The file to write (jsonl, spacy, conll) or the folder (brat, webanno-tsv,
    /// label-studio, html).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Whose annotations (default: the project's default annotator, or the only one).
    #[arg(long, value_name = "NAME", conflicts_with = "curated")]
    annotator: Option<String>,
    /// The reviewers' gold set (`annotations/curated/`).
    #[arg(long)]
    curated: bool,
    /// Only these documents (file names; repeat or separate with commas).
    #[arg(long, value_name = "FILE", value_delimiter = ',')]
    documents: Vec<String>,
    /// Only these labels (repeat or separate with commas).
    #[arg(long, value_name = "LABEL", value_delimiter = ',')]
    labels: Vec<String>,
    /// With --curated: also export the documents that have no decision yet, as documents
    /// without spans (by default they are left out and counted, so training never reads
    /// "no entities" where nobody looked).
    #[arg(long, requires = "curated")]
    include_undecided: bool,
}

/// How many lines of details to print per kind of loss.
const SHOWN_PER_KIND: usize = 5;

/// Exit 0 when written (losses are reported, not failures), 2 when it could not be done.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    let source = match (args.annotator, args.curated) {
        (Some(name), _) => AnnotationSource::Annotator(name),
        (None, true) => AnnotationSource::Curated,
        (None, false) => AnnotationSource::Default,
    };
    let options = ExportOptions {
        format: args.format,
        out: args.out,
        source,
        documents: args.documents,
        labels: args.labels,
        include_undecided: args.include_undecided,
    };
    let mut bar = Bar::new();
    let report =
        accord::formats::export(&root, &options, &mut |p| bar.update(p)).map_err(unreadable)?;
    bar.finish();
    writeln!(
        out,
        "exported {} documents, {} annotations by {} to {} ({})",
        report.documents,
        report.annotations,
        report.annotator,
        options.out.display(),
        report.format
    )?;
    let counts = count_losses(&report.losses);
    if counts.is_empty() {
        writeln!(out, "nothing was lost")?;
    }
    for (kind, n) in counts {
        writeln!(out, "{n} {}:", kind.describe())?;
        let of_kind: Vec<_> = report.losses.iter().filter(|l| l.kind == kind).collect();
        for loss in of_kind.iter().take(SHOWN_PER_KIND) {
            writeln!(out, "  {loss}")?;
        }
        if of_kind.len() > SHOWN_PER_KIND {
            writeln!(out, "  … and {} more", of_kind.len() - SHOWN_PER_KIND)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
