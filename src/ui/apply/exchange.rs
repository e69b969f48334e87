//! Applying File → Export… and File → Import…: opening the dialog, saving before the work
//! starts, starting and cancelling the worker, and when an import is done, opening the
//! project it went into so its documents and annotations show.

use std::sync::atomic::Ordering;

use crate::project::Workspace;
use crate::ui::app::AccordApp;
use crate::ui::commands::Command;
use crate::ui::exchange::{ExchangeRequest, Job, Outcome};

impl AccordApp {
    /// Opens the export or import dialog.
    pub(in crate::ui) fn open_exchange(&mut self, command: Command) {
        match command {
            Command::Export => {
                if !self.views.exchange.open_export(&self.state) {
                    self.info("Open a project to export from first");
                }
            }
            _ => self.views.exchange.open_import(&self.state),
        }
    }

    /// Starts or cancels an export or import.
    pub(in crate::ui) fn exchange(&mut self, ctx: &egui::Context, request: ExchangeRequest) {
        if self.views.exchange.is_busy() {
            if request == ExchangeRequest::Cancel {
                self.views.exchange.cancel();
            }
            return;
        }
        let hold = self.views.exchange.hold();
        let job = match request {
            ExchangeRequest::Cancel => return,
            ExchangeRequest::Export(options) => {
                let Some(root) = self.workspace().map(|ws| ws.project.root.clone()) else {
                    return;
                };
                if !self.save_before("exporting") {
                    return;
                }
                Job::export(root, options, ctx.clone(), hold)
            }
            ExchangeRequest::Import(options) => {
                if !self.save_before("importing") {
                    return;
                }
                Job::import(options, ctx.clone(), hold)
            }
        };
        self.views.exchange.start(job);
    }

    /// Saves unsaved changes; false (with the reason in the dialog) when that failed.
    fn save_before(&mut self, what: &str) -> bool {
        if !self.workspace().is_some_and(Workspace::is_dirty) {
            return true;
        }
        self.save_all();
        match self.state.status.save_error.clone() {
            None => true,
            Some(why) => {
                self.views.exchange.show_outcome(Outcome::Failed(format!(
                    "nothing was started: saving before {what} failed. {why}"
                )));
                false
            }
        }
    }

    /// Takes the outcome of a finished export or import: an import opens the project it went
    /// into (reopens the one open now), so what was imported shows.
    pub(in crate::ui) fn poll_exchange(&mut self) {
        let Some(outcome) = self.views.exchange.take_finished() else {
            return;
        };
        match &outcome {
            Outcome::Exported { options, report } => self.info(format!(
                "Exported {} documents to {}",
                report.documents,
                options.out.display()
            )),
            Outcome::Imported { options, .. } => {
                let into = options.into.clone();
                self.open_path(&into);
            }
            Outcome::Cancelled => self.info("Cancelled: nothing was written"),
            Outcome::Failed(why) => self.error(why.clone()),
        }
        // An import as the annotator open here took this window's lock for its writing (one
        // writer at a time); whatever its outcome, the window takes it back.
        let lost = self
            .workspace()
            .and_then(|ws| ws.lock().ok())
            .is_some_and(|lock| !lock.is_held());
        if lost && let Some(root) = self.workspace().map(|ws| ws.project.root.clone()) {
            self.open_path(&root);
        }
        self.views.exchange.show_outcome(outcome);
    }

    /// Stops a running export or import and waits for it (the window is closing): it ends
    /// before writing, or completes the writing it began, so nothing is left half written.
    pub fn end_exchange(&mut self) {
        self.views.exchange.end_job();
    }

    /// True while an export or import runs.
    pub fn exchange_busy(&self) -> bool {
        self.views.exchange.is_busy()
    }

    /// While `hold` is set, exports and imports wait at each progress report (until it is
    /// cleared or they are cancelled): for tests that look at a run half-way.
    #[doc(hidden)]
    pub fn hold_exchange(&mut self, hold: bool) {
        self.views.exchange.hold().store(hold, Ordering::Relaxed);
    }
}
