//! Applying Sync and merge conflicts: starting a sync (saved first), taking in its outcome
//! (the files it changed are loaded again at once), keeping the branch status fresh, and
//! stepping through the annotations a merge left with two versions.

use crate::model::AnnotationId;
use crate::project::{DocId, Workspace};
use crate::ui::action::Action;
use crate::ui::app::AccordApp;
use crate::ui::sync::SyncJob;

impl AccordApp {
    /// Saves, then syncs the project in the background.
    pub(super) fn start_sync(&mut self, ctx: &egui::Context) {
        if self.state.sync.job.is_some() {
            self.info("A sync is already running");
            return;
        }
        let Some(root) = self.workspace().map(|ws| ws.project.root.clone()) else {
            self.info("Open a project first");
            return;
        };
        if self.workspace().is_some_and(|ws| ws.lock().is_err()) {
            self.error("This window is read-only (another Accord holds your lock): sync there");
            return;
        }
        if self.workspace().is_some_and(Workspace::is_dirty) {
            self.save_all();
            if self.workspace().is_some_and(Workspace::is_dirty) {
                self.error("Not synced: saving failed (see the status bar)");
                return;
            }
        }
        let annotator = self.state.annotator().to_owned();
        self.state.sync.job = Some(SyncJob::start(root, annotator, ctx.clone()));
        self.info("Syncing…");
    }

    /// Once a frame: the branch status of the open project (read again when another
    /// project opened) and the outcome of a sync that ended.
    pub(in crate::ui) fn poll_sync(&mut self, ctx: &egui::Context) {
        let root = self.workspace().map(|ws| ws.project.root.clone());
        self.state.sync.poll();
        if self.state.sync.probed() != root.as_deref()
            && let Some(root) = root.clone()
        {
            self.state.sync.refresh(root, ctx);
        }
        let Some(outcome) = self
            .state
            .sync
            .job
            .as_mut()
            .and_then(|job| job.take_finished())
        else {
            return;
        };
        self.state.sync.job = None;
        if let Some(root) = root.clone() {
            self.state.sync.refresh(root, ctx);
        }
        match outcome {
            Ok(report) => {
                // Load what the merge changed now, not at the next file event.
                let changed: Vec<std::path::PathBuf> = self
                    .workspace()
                    .and_then(|ws| crate::git::WorkTree::containing(&ws.project.root))
                    .map(|git| report.changed.iter().map(|p| git.root().join(p)).collect())
                    .unwrap_or_default();
                let events = self
                    .state
                    .workspace
                    .as_mut()
                    .map(|ws| ws.disk_changes(&changed))
                    .unwrap_or_default();
                for event in events {
                    self.disk_event(event);
                }
                let mut text = String::from("Synced");
                if let Some(message) = &report.committed {
                    text.push_str(&format!(": committed “{message}”"));
                }
                if !report.changed.is_empty() {
                    text.push_str(&format!(
                        "; {} file(s) came from the team",
                        report.changed.len()
                    ));
                }
                text.push_str(if report.pushed { "; pushed" } else { "" });
                let conflicts = self.conflict_count();
                if conflicts > 0 {
                    text.push_str(&format!(
                        "; {conflicts} merge conflict(s) to decide: Review → Next merge conflict"
                    ));
                }
                self.info(text);
            }
            Err(why) => self.error(format!("Not synced: {why}")),
        }
    }

    /// Stops a running sync (the window is closing): the git command running is stopped and
    /// the work tree left as git left it.
    pub fn end_sync(&mut self) {
        if let Some(job) = self.state.sync.job.take() {
            job.end();
        }
    }

    /// Annotations of the open workspace left with two versions by a merge.
    pub(in crate::ui) fn conflict_count(&self) -> usize {
        self.workspace().map_or(0, Workspace::merge_conflicts)
    }

    /// Selects the next annotation with a merge conflict after the one selected (documents in
    /// project order, then ids), wrapping round.
    pub(super) fn next_conflict(&mut self) {
        let Some(ws) = self.workspace() else { return };
        let all: Vec<(DocId, AnnotationId)> = (0..ws.project.documents.len())
            .map(DocId)
            .flat_map(|doc| ws.store(doc).conflicted().iter().map(move |id| (doc, *id)))
            .collect();
        if all.is_empty() {
            self.info("No merge conflict to decide");
            return;
        }
        let current = self.state.details_target();
        let next = current
            .and_then(|c| all.iter().position(|x| *x == c))
            .map_or(0, |i| (i + 1) % all.len());
        let (doc, id) = all[next];
        self.push(Action::SelectAnnotation { doc, id });
        self.info(format!("Merge conflict {} of {}", next + 1, all.len()));
    }
}
