//! `accord recover`: puts back the edits that a crash kept from being saved (the annotator's
//! journal, [`accord::project::journal`]), saves them, and prints what was recovered per file —
//! what opening the project in the window does, without the window.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord::project::journal::{Recovery, Trust, annotators_with_journal, restore_kept};
use accord::project::lock::Writers;
use accord::project::{Project, StoreStatus, Workspace, WorkspaceFile};

use super::{project_or_cwd, unreadable};

/// Arguments of `accord recover`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (default: the current folder).
    project: Option<PathBuf>,
    /// Only this annotator's journal (default: every annotator who has one).
    #[arg(long, value_name = "NAME")]
    annotator: Option<String>,
    /// Print what would be recovered, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also put back edits the journal says were written on another machine, in another
    /// folder, or by an Accord that did not say (refused by default: a journal committed by
    /// mistake is someone else's). Every value is still checked against the documents and
    /// the schema.
    #[arg(long)]
    accept_foreign: bool,
    /// Recover from this journal, kept aside earlier (`annotations/.<name>.journal.….unapplied`):
    /// it becomes the annotator's journal again first (needs --annotator, and no unsaved edits
    /// in the annotator's own journal).
    #[arg(long, value_name = "FILE", requires = "annotator")]
    journal: Option<PathBuf>,
}

/// Exit 0: recovered, or nothing to recover; 1: some edits could not be put back (they are
/// listed, and the journal is kept aside); 2: a file could not be read or written, or another
/// Accord holds an annotator's lock (that annotator's files are left untouched).
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    // An unreadable project is exit 2 before anything else.
    Project::open(&root).map_err(unreadable)?;
    super::remove_unfinished_saves(&root, &mut *out)?;
    let trust = if args.accept_foreign {
        Trust::AcceptForeign
    } else {
        Trust::OwnOnly
    };
    let annotators = match args.annotator {
        Some(a) => vec![a],
        None => annotators_with_journal(&root),
    };
    if annotators.is_empty() {
        writeln!(
            out,
            "nothing to recover: no annotator has a journal of unsaved edits"
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let (mut failed, mut incomplete) = (false, false);
    for annotator in &annotators {
        // The lock before anything of the annotator's is written, the kept journal too.
        let mut writers = match Writers::acquire(&root, [annotator]) {
            Ok(writers) => writers,
            Err(e) => {
                writeln!(out, "{annotator}: not recovered: {e}")?;
                failed = true;
                continue;
            }
        };
        let project = Project::open(&root).map_err(unreadable)?;
        if let Some(kept) = &args.journal {
            restore_kept(&project.dir, annotator, kept).map_err(anyhow::Error::msg)?;
        }
        let ws = match writers.take(annotator) {
            Some(lock) => Workspace::open_locked(project, annotator, trust, lock),
            None => Workspace::open_trusting(project, annotator, annotator, trust),
        };
        let outcome = recover_annotator(ws, &root, args.dry_run, &mut *out)?;
        failed |= outcome.failed;
        incomplete |= outcome.incomplete;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else if incomplete {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Default)]
struct Outcome {
    failed: bool,
    incomplete: bool,
}

fn recover_annotator(
    mut ws: Workspace,
    root: &Path,
    dry_run: bool,
    out: &mut impl Write,
) -> anyhow::Result<Outcome> {
    let annotator = ws.annotator.clone();
    let mut outcome = Outcome::default();
    if let Err(e) = ws.lock() {
        writeln!(out, "{annotator}: not recovered: {e}")?;
        outcome.failed = true;
        return Ok(outcome);
    }
    let Some(journal) = ws.journal_path().map(|p| rel(root, p)) else {
        // The journal exists but cannot be read: everything opened read-only, saying why.
        let reason = match &ws.groups().status {
            StoreStatus::Locked(reason) | StoreStatus::NoDocument(reason) => reason.clone(),
            StoreStatus::Editable => "the annotator name cannot be used".to_owned(),
        };
        writeln!(out, "{annotator}: not recovered: {reason}")?;
        outcome.failed = true;
        return Ok(outcome);
    };
    match ws.recovery().cloned() {
        None => writeln!(out, "{annotator}: nothing to recover in {journal}")?,
        Some(recovery) => {
            write_recovery(out, &annotator, &journal, root, &recovery)?;
            outcome.incomplete = !recovery.is_complete();
        }
    }
    if dry_run {
        writeln!(out, "{annotator}: dry run: nothing written")?;
        return Ok(outcome);
    }
    for (file, result) in ws.save_all() {
        let name = match file {
            WorkspaceFile::Doc(doc) => ws.file_name(doc).to_owned(),
            WorkspaceFile::Groups => "the cross-document groups".to_owned(),
        };
        match result {
            Ok(path) => writeln!(out, "  saved {}", rel(root, &path))?,
            Err(e) => {
                writeln!(out, "  not saved: {name}: {e}")?;
                outcome.failed = true;
            }
        }
    }
    if !ws.is_dirty() {
        // Also when nothing needed saving: what the journal holds is in the files now.
        if let Err(e) = ws.forget_unsaved_edits() {
            writeln!(out, "  could not empty {journal}: {e}")?;
            outcome.failed = true;
        }
    }
    Ok(outcome)
}

fn write_recovery(
    out: &mut impl Write,
    annotator: &str,
    journal: &str,
    root: &Path,
    recovery: &Recovery,
) -> std::io::Result<()> {
    write!(
        out,
        "{annotator}: recovered {} edit(s) from {journal}, {} already saved, {} not applied",
        recovery.recovered,
        recovery.already_saved,
        recovery.not_applied.len()
    )?;
    if recovery.superseded > 0 {
        write!(
            out,
            ", {} replaced by files loaded again from disk",
            recovery.superseded
        )?;
    }
    writeln!(out)?;
    for file in &recovery.files {
        writeln!(
            out,
            "  {}: {} edit(s): {} added, {} changed, {} removed",
            file.name, file.edits, file.added, file.changed, file.removed
        )?;
    }
    for n in &recovery.not_applied {
        writeln!(out, "  not applied: {n}")?;
    }
    if let Some(kept) = &recovery.kept_as {
        writeln!(
            out,
            "  the journal is kept as {} when saved",
            rel(root, kept)
        )?;
    }
    Ok(())
}

/// `path` relative to the project folder, for output.
fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
