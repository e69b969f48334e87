//! `accord import`: documents and annotations from brat, JSONL, Label Studio or CoNLL into a
//! project, as one annotator's.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use accord::formats::{Format, ImportOptions, UnknownNames};

use super::bar::Bar;
use super::{format_parser, unreadable};

/// Arguments of `accord import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The source's format.
    #[arg(long, value_parser = format_parser(true))]
    format: Format,
    /// What to import: a file, or a folder for brat.
    source: PathBuf,
    /// The project folder to import into (created when missing).
    #[arg(long, value_name = "PROJECT")]
    into: PathBuf,
    /// Whose annotations the imported ones become.
    #[arg(long, value_name = "NAME")]
    annotator: String,
    /// Labels, relation kinds and attributes the schema lacks: refuse the import (default)
    /// or add them to the schema.
    #[arg(long, value_name = "refuse|add", default_value = "refuse", value_parser = parse_unknown)]
    unknown_labels: UnknownNames,
    /// Replace the annotator's annotation files that exist.
    #[arg(long)]
    force: bool,
    /// Then pre-annotate the imported documents with the project's suggesters (learning from
    /// the imported labels too), as `accord suggest --apply` does.
    #[arg(long)]
    suggest: bool,
}

fn parse_unknown(s: &str) -> Result<UnknownNames, String> {
    match s {
        "refuse" => Ok(UnknownNames::Refuse),
        "add" => Ok(UnknownNames::Add),
        other => Err(format!("{other:?}: use refuse or add")),
    }
}

/// Exit 0: imported; 1: imported, but some of the source could not be mapped; 2: nothing
/// was imported.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let options = ImportOptions {
        format: args.format,
        source: args.source,
        into: args.into,
        annotator: args.annotator,
        unknown: args.unknown_labels,
        force: args.force,
    };
    if options.into.is_dir() {
        super::remove_unfinished_saves(&options.into, &mut *out)?;
    }
    let mut bar = Bar::new();
    let report = accord::formats::import(&options, &mut |p| bar.update(p)).map_err(unreadable)?;
    bar.finish();
    writeln!(
        out,
        "imported {} documents ({} new, {} already in the project), {} annotations, {} links, {} cross-document groups into {} as {}",
        report.documents_added.len() + report.documents_existing.len(),
        report.documents_added.len(),
        report.documents_existing.len(),
        report.annotations,
        report.links,
        report.groups,
        options.into.display(),
        options.annotator
    )?;
    for path in &report.replaced {
        writeln!(out, "replaced (--force): {}", path.display())?;
    }
    for name in &report.schema_added {
        writeln!(out, "added to the schema: {name}")?;
    }
    if report.project_file_written {
        writeln!(out, "wrote {}", options.into.join("accord.ron").display())?;
    }
    let mut code = ExitCode::SUCCESS;
    if !report.problems.is_empty() {
        writeln!(out, "{} could not be mapped:", report.problems.len())?;
        for p in &report.problems {
            writeln!(out, "  {p}")?;
        }
        code = ExitCode::from(1);
    }
    if args.suggest {
        let project = accord::project::Project::open(&options.into).map_err(unreadable)?;
        let docs: Vec<usize> = report
            .documents_added
            .iter()
            .chain(&report.documents_existing)
            .filter_map(|f| project.document_index(f).map(|d| d.0))
            .collect();
        let super::suggest::Prepared {
            mut ws,
            mut engine,
            own,
            rejections,
            failed,
        } = super::suggest::prepare(
            project,
            &options.annotator,
            &docs,
            std::time::Duration::from_secs(30),
        );
        let by_doc = docs
            .iter()
            .map(|&d| (d, engine.suggest(d, &own[d], &rejections)))
            .collect();
        let applied = super::suggest::apply(&mut ws, &by_doc, None, &options.annotator, out)?;
        if applied != ExitCode::SUCCESS {
            return Ok(applied);
        }
        if failed {
            code = ExitCode::from(1);
        }
    }
    Ok(code)
}
