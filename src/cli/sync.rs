//! `accord sync [PROJECT] --annotator NAME`: what the window's Sync does, for scripts and
//! for a team member without the window at hand — commit the project's changes, fetch,
//! merge by annotation, push ([`accord::project::sync`]).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use accord::project::sync::{SyncError, sync};

use super::project_or_cwd;

/// Arguments of `accord sync`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project folder (default: the current folder), in a git work tree.
    project: Option<PathBuf>,
    /// Whose changes these are: named in the commit message (and the commit's author when
    /// git has no user.name).
    #[arg(long, value_name = "NAME")]
    annotator: String,
}

/// Exit 0: synced; 1: stopped by a merge git could not finish (files named, left as git left
/// them) or a refused push; 2: git could not be run or reached.
pub fn run(args: Args, out: &mut super::Out) -> anyhow::Result<ExitCode> {
    let root = project_or_cwd(args.project);
    // The merge may rewrite the annotator's files: one writer at a time, as in the window
    // (whose own Sync holds the lock already). The merge driver itself takes no lock: git
    // runs it on its own copies, and a window open on the files merges what the pull
    // brings like any change on disk.
    let _lock = match accord::project::lock::Writers::acquire(&root, [args.annotator.as_str()]) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("accord sync: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let result = sync(&root, &args.annotator, &cancel, &mut |step| {
        eprintln!("accord sync: {}…", step.describe());
    });
    match result {
        Ok(report) => {
            use std::io::Write as _;
            match &report.committed {
                Some(message) => writeln!(out, "committed: {message}")?,
                None => writeln!(out, "nothing to commit")?,
            }
            writeln!(out, "from the team: {} file(s)", report.changed.len())?;
            for path in &report.changed {
                writeln!(out, "  {}", path.display())?;
            }
            writeln!(
                out,
                "{}",
                if report.pushed {
                    "pushed"
                } else {
                    "not pushed"
                }
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("accord sync: {e}");
            Ok(ExitCode::from(match e {
                SyncError::Conflict(_) | SyncError::Rejected(_) | SyncError::MergeInProgress => 1,
                _ => 2,
            }))
        }
    }
}
