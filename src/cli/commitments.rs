//! `accord commitments`: the ledger of commitments as text, JSON or CSV.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use accord::commitments::{LedgerRow, project_ledger};

use super::{project_or_cwd, unreadable};

/// Arguments of `accord commitments`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// Only these annotators, comma-separated (default: every annotator, curated included).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    annotator: Vec<String>,
    /// Print JSON for machines.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV for spreadsheets (lists joined with "; ").
    #[arg(long)]
    csv: bool,
}

/// Exit 0, or 2 when the project or one of its annotation files cannot be read.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    let rows = project_ledger(&root, &args.annotator).map_err(unreadable)?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &rows).context("writing JSON")?;
        writeln!(out)?;
    } else if args.csv {
        write_csv(&mut *out, &rows)?;
    } else {
        write_text(&mut *out, &rows)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The CSV columns, in order.
const COLUMNS: [&str; 15] = [
    "document",
    "date",
    "language",
    "annotator",
    "id",
    "label",
    "text",
    "actors",
    "target",
    "deadline",
    "kind",
    "status",
    "thread",
    "thread_note",
    "missing",
];

fn write_csv(out: &mut impl Write, rows: &[LedgerRow]) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(COLUMNS)?;
    for row in rows {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        csv.write_record([
            row.document.clone(),
            opt(&row.date),
            opt(&row.language),
            row.annotator.clone(),
            row.annotation.0.to_string(),
            row.label.clone(),
            row.text.clone(),
            row.actors.join("; "),
            opt(&row.target),
            opt(&row.deadline),
            opt(&row.kind),
            opt(&row.status),
            row.thread.map(|t| t.0.to_string()).unwrap_or_default(),
            opt(&row.thread_note),
            row.missing.join("; "),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

/// A block per commitment: mixed scripts do not line up in columns on a terminal, so each
/// field gets its own line.
fn write_text(out: &mut impl Write, rows: &[LedgerRow]) -> anyhow::Result<()> {
    if rows.is_empty() {
        writeln!(out, "no commitments")?;
        return Ok(());
    }
    for row in rows {
        let date = row.date.as_deref().unwrap_or("undated");
        let thread = match (&row.thread, &row.thread_note) {
            (Some(id), Some(note)) if !note.is_empty() => format!("thread {}: {note}", id.0),
            (Some(id), _) => format!("thread {}", id.0),
            (None, _) => "no thread".to_owned(),
        };
        writeln!(
            out,
            "{} ({date}) #{} {} by {}, {thread}",
            row.document, row.annotation.0, row.label, row.annotator
        )?;
        let none = "—";
        let field = |v: &Option<String>| v.clone().unwrap_or_else(|| none.to_owned());
        writeln!(out, "  text:     {}", row.text)?;
        writeln!(
            out,
            "  actors:   {}",
            if row.actors.is_empty() {
                none.to_owned()
            } else {
                row.actors.join("; ")
            }
        )?;
        writeln!(out, "  target:   {}", field(&row.target))?;
        writeln!(out, "  deadline: {}", field(&row.deadline))?;
        writeln!(out, "  kind:     {}", field(&row.kind))?;
        writeln!(out, "  status:   {}", field(&row.status))?;
        if !row.missing.is_empty() {
            writeln!(out, "  missing:  {}", row.missing.join(", "))?;
        }
    }
    Ok(())
}
