//! `accord reanchor`: moves the annotations of changed documents to where their text is now
//! ([`accord::edit::reanchor`]), saves atomically, and prints what moved and what could not be
//! placed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use accord::edit::reanchor::{MatchKind, Plan};
use accord::model::CharRange;
use accord::project::journal::Trust;
use accord::project::lock::Writers;
use accord::project::{Project, StoreStatus, Workspace};

use super::{project_or_cwd, unreadable};

/// Arguments of `accord reanchor`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// Only this annotator's files (default: every annotator's).
    #[arg(long, value_name = "NAME")]
    annotator: Option<String>,
    /// Print what would move, write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Exit 0: everything flagged was placed (or nothing was flagged); 1: some annotations could
/// not be placed (they are left as they were); 2: a file could not be read or written, or
/// another Accord holds an annotator's lock (those files are left untouched).
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    let annotators = match args.annotator {
        Some(a) => vec![a],
        None => Project::open(&root).map_err(unreadable)?.annotators(),
    };
    super::remove_unfinished_saves(&root, &mut *out)?;
    let (mut failed, mut any_unplaced) = (false, false);
    for annotator in &annotators {
        let mut writers = match Writers::acquire(&root, [annotator]) {
            Ok(writers) => writers,
            Err(e) => {
                writeln!(out, "{annotator}: not re-anchored: {e}")?;
                failed = true;
                continue;
            }
        };
        let project = Project::open(&root).map_err(unreadable)?;
        let ws = match writers.take(annotator) {
            Some(lock) => Workspace::open_locked(project, annotator, Trust::OwnOnly, lock),
            None => Workspace::open(project, annotator),
        };
        if let Err(e) = ws.lock() {
            writeln!(out, "{annotator}: not re-anchored: {e}")?;
            failed = true;
            continue;
        }
        let totals = reanchor_annotator(ws, args.dry_run, &mut *out)?;
        failed |= totals.failed;
        any_unplaced |= totals.unplaced > 0;
        writeln!(
            out,
            "{annotator}: {} file(s) changed, {} annotation(s) moved, {} not placed{}",
            totals.files,
            totals.moved,
            totals.unplaced,
            if args.dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            }
        )?;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else if any_unplaced {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Default)]
struct Totals {
    files: usize,
    moved: usize,
    unplaced: usize,
    failed: bool,
}

fn reanchor_annotator(
    mut ws: Workspace,
    dry_run: bool,
    out: &mut impl Write,
) -> anyhow::Result<Totals> {
    let mut totals = Totals::default();
    for doc in ws.doc_ids() {
        let path = ws.project.annotation_path(&ws.annotator, ws.file_name(doc));
        if !path.exists() {
            continue;
        }
        let rel = path
            .strip_prefix(&ws.project.root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if let StoreStatus::Locked(reason) | StoreStatus::NoDocument(reason) =
            &ws.doc_state(doc).status
        {
            // Never over a file (or document) that could not be read.
            writeln!(out, "{rel}: not re-anchored: {reason}")?;
            totals.failed = true;
            continue;
        }
        let changed = ws.doc_state(doc).changed.is_some();
        let plan = if dry_run {
            ws.plan_reanchor(doc).unwrap_or_default()
        } else {
            match ws.reanchor(doc) {
                Ok(plan) => plan,
                Err(e) => {
                    writeln!(out, "{rel}: not re-anchored: {e}")?;
                    totals.failed = true;
                    continue;
                }
            }
        };
        if plan.is_empty() && !changed {
            continue;
        }
        totals.files += 1;
        totals.moved += plan.moved.len();
        totals.unplaced += plan.unplaced.len();
        write_plan(out, &rel, &plan)?;
        if !dry_run {
            // Also when nothing moved: the saved stamp becomes the document's.
            match ws.save(doc) {
                Ok(_) => writeln!(out, "  saved")?,
                Err(e) => {
                    writeln!(out, "  not saved: {e}")?;
                    totals.failed = true;
                }
            }
        }
    }
    Ok(totals)
}

fn write_plan(out: &mut impl Write, rel: &str, plan: &Plan) -> std::io::Result<()> {
    writeln!(
        out,
        "{rel}: {} moved, {} not placed",
        plan.moved.len(),
        plan.unplaced.len()
    )?;
    for m in &plan.moved {
        writeln!(
            out,
            "  moved {} {} {:?}: {} -> {} ({})",
            m.id,
            m.label,
            m.text,
            ranges(&m.from),
            ranges(&m.to),
            match m.how {
                MatchKind::Exact => "exact",
                MatchKind::Tolerant => "up to white space and case",
            }
        )?;
    }
    for u in &plan.unplaced {
        writeln!(
            out,
            "  not placed {} {} {:?} at {}: {}; left as it was",
            u.id,
            u.label,
            u.text,
            ranges(&u.at),
            u.reason
        )?;
    }
    Ok(())
}

fn ranges(ranges: &[CharRange]) -> String {
    ranges
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
