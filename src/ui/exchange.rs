//! Export and import as work in the background: a [`Job`] runs [`formats::export`] or
//! [`formats::import`] on a worker thread, keeps the latest [`Progress`] report for the
//! dialog's progress bar, asks the window to repaint at each report, and makes the work stop
//! at its next report once cancelled (the core then writes nothing: a cancel is only heard
//! before the writing starts, and the writing runs to its end).

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::formats::{
    self, ExportOptions, ExportReport, FormatError, ImportOptions, ImportReport, Progress, Stage,
};

/// How often the window is redrawn while work reports progress.
const REPAINT_EVERY: Duration = Duration::from_millis(100);

/// What the export and import dialogs ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExchangeRequest {
    /// Save, then export the open project.
    Export(ExportOptions),
    /// Save, then import; the project imported into is opened when it is done.
    Import(ImportOptions),
    /// Stop the running export or import at its next progress report.
    Cancel,
}

/// The last progress report, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Reading, converting or writing.
    pub stage: Stage,
    /// Items finished in this stage.
    pub done: usize,
    /// Items in this stage.
    pub total: usize,
    /// The item being worked on (a document's file name; empty while writing).
    pub item: String,
}

impl Step {
    /// The stage's place among the three (1 to 3).
    pub fn stage_number(&self) -> usize {
        match self.stage {
            Stage::Reading => 1,
            Stage::Converting => 2,
            Stage::Writing => 3,
        }
    }

    /// How far the whole work is, 0 to 1: the three stages one third each.
    pub fn fraction(&self) -> f32 {
        let within = if self.total == 0 {
            1.0
        } else {
            (self.done + 1).min(self.total) as f32 / self.total as f32
        };
        ((self.stage_number() - 1) as f32 + within) / 3.0
    }
}

/// How an export or import ended.
#[derive(Debug)]
pub enum Outcome {
    /// Written.
    Exported {
        /// What was asked.
        options: ExportOptions,
        /// What was written and lost.
        report: ExportReport,
    },
    /// Imported.
    Imported {
        /// What was asked.
        options: ImportOptions,
        /// What was written and could not be mapped.
        report: ImportReport,
    },
    /// Stopped by the Cancel button: nothing was written.
    Cancelled,
    /// Could not be done; the message names the file.
    Failed(String),
}

/// Which way a job goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Out of the project.
    Export,
    /// Into a project.
    Import,
}

#[derive(Debug, Default)]
struct Shared {
    latest: Mutex<Option<Step>>,
    cancel: AtomicBool,
}

/// An export or import running on a worker thread.
#[derive(Debug)]
pub struct Job {
    /// Export or import.
    pub direction: Direction,
    /// The file or folder written (export) or read (import).
    pub path: PathBuf,
    shared: Arc<Shared>,
    handle: Option<JoinHandle<Outcome>>,
}

impl Job {
    /// Starts exporting the project at `root`. While `hold` is set, the work waits at each
    /// progress report (until it is cleared or the job cancelled): tests use it to look at
    /// a job half-way.
    pub fn export(
        root: PathBuf,
        options: ExportOptions,
        ctx: egui::Context,
        hold: Arc<AtomicBool>,
    ) -> Job {
        let path = options.out.clone();
        Self::spawn(
            Direction::Export,
            path,
            ctx,
            hold,
            move |control| match formats::export(&root, &options, control) {
                Ok(report) => Outcome::Exported { options, report },
                Err(e) => failed(e),
            },
        )
    }

    /// Starts an import (see [`Job::export`] for `hold`).
    pub fn import(options: ImportOptions, ctx: egui::Context, hold: Arc<AtomicBool>) -> Job {
        let path = options.source.clone();
        Self::spawn(
            Direction::Import,
            path,
            ctx,
            hold,
            move |control| match formats::import(&options, control) {
                Ok(report) => Outcome::Imported { options, report },
                Err(e) => failed(e),
            },
        )
    }

    fn spawn(
        direction: Direction,
        path: PathBuf,
        ctx: egui::Context,
        hold: Arc<AtomicBool>,
        work: impl FnOnce(formats::Control<'_>) -> Outcome + Send + 'static,
    ) -> Job {
        let shared = Arc::new(Shared::default());
        let worker = Arc::clone(&shared);
        let handle = std::thread::Builder::new()
            .name(format!("accord {direction:?}").to_lowercase())
            .spawn(move || {
                let mut control = |p: Progress<'_>| {
                    *worker.latest.lock().unwrap_or_else(PoisonError::into_inner) = Some(Step {
                        stage: p.stage,
                        done: p.done,
                        total: p.total,
                        item: p.item.to_owned(),
                    });
                    // A frame every tenth of a second at most: thousands of reports a second
                    // must not keep the window drawing (and the worker waiting for a core).
                    ctx.request_repaint_after(REPAINT_EVERY);
                    while hold.load(Ordering::Relaxed) && !worker.cancel.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    if worker.cancel.load(Ordering::Relaxed) {
                        ControlFlow::Break(())
                    } else {
                        ControlFlow::Continue(())
                    }
                };
                let outcome = work(&mut control);
                ctx.request_repaint();
                outcome
            });
        let handle = match handle {
            Ok(h) => Some(h),
            Err(e) => {
                log::error!("cannot start the {direction:?} thread: {e}");
                None
            }
        };
        Job {
            direction,
            path,
            shared,
            handle,
        }
    }

    /// The latest progress report, if any came yet.
    pub fn step(&self) -> Option<Step> {
        self.shared
            .latest
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Asks the work to stop at its next progress report.
    pub fn cancel(&self) {
        self.shared.cancel.store(true, Ordering::Relaxed);
    }

    /// True once Cancel was pressed.
    pub fn is_cancelling(&self) -> bool {
        self.shared.cancel.load(Ordering::Relaxed)
    }

    /// True when the work has ended (its outcome is ready for [`Job::finish`]).
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// The outcome; waits for the worker if it has not ended.
    pub fn finish(mut self) -> Outcome {
        let Some(handle) = self.handle.take() else {
            return Outcome::Failed("the worker thread could not be started".to_owned());
        };
        handle.join().unwrap_or_else(|panic| {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            log::error!("the worker thread stopped: {why}");
            Outcome::Failed(format!("the work stopped unexpectedly: {why}"))
        })
    }
}

/// A job dropped while it runs (the window closed during an export or import) is cancelled and
/// waited for: it stops before writing, or finishes the writing it began (at most a second or
/// so), so no temporary file is left behind and no project is left half imported.
impl Drop for Job {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.cancel();
            let _ = handle.join();
        }
    }
}

/// An error in the window's words: the core's messages name command-line flags where the
/// dialogs have buttons.
fn failed(e: FormatError) -> Outcome {
    match e {
        FormatError::Cancelled => Outcome::Cancelled,
        FormatError::UnknownNames { names } => Outcome::Failed(format!(
            "the schema has no {}; nothing was written. Choose “add them to the schema”, or fix the source",
            names.join(", ")
        )),
        FormatError::WouldOverwrite { files } => Outcome::Failed(format!(
            "these files exist and would be replaced: {}; nothing was written. Tick “Replace existing annotation files”, or import as another annotator",
            files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        other => Outcome::Failed(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_stage_by_stage() {
        let step = |stage, done, total| Step {
            stage,
            done,
            total,
            item: String::new(),
        };
        assert!((step(Stage::Reading, 0, 4).fraction() - 1.0 / 12.0).abs() < 1e-6);
        assert!((step(Stage::Converting, 3, 4).fraction() - 2.0 / 3.0).abs() < 1e-6);
        assert!((step(Stage::Writing, 0, 0).fraction() - 1.0).abs() < 1e-6);
    }
}
