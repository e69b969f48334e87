//! Applying what keeps the annotator's work safe while the window is open: annotation files
//! changed on disk by someone else (file events, and a check every few seconds as a safety
//! net), the user's answer to a conflict, keeping the lock fresh, and re-anchoring the
//! annotations of a document whose text changed.

use crate::project::{DiskEvent, DocId, Resolution, Workspace, WorkspaceFile};

use crate::ui::app::AccordApp;

/// Seconds between rounds of checking every file against the disk (file events may be lost).
const DISK_CHECK_SECONDS: f64 = 3.0;
/// Files checked a frame during a round: under a millisecond of `lstat`s, whatever the
/// project's size.
const FILES_CHECKED_PER_FRAME: usize = 256;
/// Seconds between refreshes of the lock's time, so that others do not think it stale.
const LOCK_REFRESH_SECONDS: f64 = 60.0;

impl AccordApp {
    /// Starts watching the open workspace's files (a failure only delays what is noticed).
    pub(in crate::ui) fn watch_workspace(&mut self) {
        self.disk.watch = match self.workspace().map(Workspace::watch) {
            Some(Ok(watch)) => Some(watch),
            Some(Err(e)) => {
                log::warn!("{e}");
                None
            }
            None => None,
        };
    }

    /// Once a frame: file events at once, every file every few seconds (a part a frame), the
    /// lock every minute.
    pub(in crate::ui) fn disk_tick(&mut self, now: f64) {
        let Some(ws) = self.state.workspace.as_mut() else {
            return;
        };
        let mut events = Vec::new();
        let mut check_layers = false;
        if let Some(watch) = &mut self.disk.watch {
            let paths = watch.poll();
            if !paths.is_empty() {
                events.extend(ws.disk_changes(&paths));
                // A pull that changed ours may well have changed theirs.
                check_layers = true;
            }
        }
        if self.disk.sweeping || now >= self.disk.next_check {
            let (found, round_done) = ws.check_disk_some(FILES_CHECKED_PER_FRAME);
            events.extend(found);
            self.disk.sweeping = !round_done;
            if round_done {
                self.disk.next_check = now + DISK_CHECK_SECONDS;
                check_layers = true;
                if ws.project.config_changed_on_disk() {
                    // The documents or the label set changed elsewhere (another window, a
                    // pull): open the project again, with what is saved here first.
                    let root = ws.project.root.clone();
                    self.open_path(&root);
                    self.info(
                        "The project file or the label set changed on disk (another window, a pull): the project was opened again with them",
                    );
                    return;
                }
            }
        }
        // Other annotators' layers: one stat per file shown, read again only when it changed.
        let reloaded = if check_layers {
            self.state.layers.reload_changed(&ws.project)
        } else {
            Vec::new()
        };
        if now >= self.disk.next_lock_refresh {
            self.disk.next_lock_refresh = now + LOCK_REFRESH_SECONDS;
            if ws.lock().is_ok()
                && let Err(e) = ws.refresh_lock()
            {
                log::warn!("cannot refresh the annotator lock: {e}");
            }
        }
        for event in events {
            self.disk_event(event);
        }
        self.layers_reloaded(&reloaded);
    }

    /// After other annotators' files changed on disk: the panes draw what was read again (they
    /// read the layers every frame), review items of those documents are computed again, and
    /// a file that can no longer be read is reported.
    fn layers_reloaded(&mut self, reloaded: &[(String, DocId, Option<String>)]) {
        if reloaded.is_empty() {
            return;
        }
        if let Some(review) = &mut self.state.review {
            for (annotator, doc, _) in reloaded {
                if review.annotators.contains(annotator) {
                    review.outdate(*doc);
                }
            }
            self.refresh_review();
        }
        let names: Vec<String> = reloaded
            .iter()
            .filter_map(|(annotator, doc, _)| {
                let ws = self.workspace()?;
                Some(format!("{annotator}'s {}", ws.file_name(*doc)))
            })
            .collect();
        match reloaded
            .iter()
            .find_map(|(a, _, e)| e.as_ref().map(|e| (a, e)))
        {
            Some((annotator, e)) => {
                self.error(format!(
                    "Cannot show another annotator's annotations: {annotator}: {e}"
                ));
            }
            None => self.info(format!("Read again, changed on disk: {}", names.join(", "))),
        }
    }

    pub(in crate::ui) fn disk_event(&mut self, event: DiskEvent) {
        let Some(ws) = self.workspace() else { return };
        let name = |file: WorkspaceFile| match file {
            WorkspaceFile::Doc(doc) => ws.file_name(doc).to_owned(),
            WorkspaceFile::Groups => "the links across documents".to_owned(),
        };
        match event {
            DiskEvent::Reloaded { file } => {
                let text = format!("{} changed on disk and was loaded again", name(file));
                self.forget_gone_selections();
                self.info(text);
                self.refresh_progress();
            }
            DiskEvent::Conflict {
                file,
                deleted,
                differences,
            } => {
                let what = name(file);
                self.views
                    .dialogs
                    .ask_conflict(file, what, deleted, differences.to_string());
            }
            DiskEvent::Unreadable { file, reason } => {
                let text = format!(
                    "{} changed on disk and cannot be read: {reason}. Your version stays, read-only, until the file reads again",
                    name(file)
                );
                self.error(text);
            }
            DiskEvent::Reverted { file } => {
                let text = format!("{} is again as you last saw it", name(file));
                self.views.dialogs.drop_conflict(file);
                self.info(text);
            }
        }
    }

    /// The user's answer to a file changed on disk while there were unsaved changes to it.
    pub(in crate::ui) fn resolve_conflict(&mut self, file: WorkspaceFile, how: Resolution) {
        let Some(ws) = self.state.workspace.as_mut() else {
            return;
        };
        match ws.resolve(file, how) {
            Ok(report) => {
                self.forget_gone_selections();
                self.info(match how {
                    Resolution::Reload => {
                        "Loaded the version on disk; your changes to it are dropped".to_owned()
                    }
                    Resolution::KeepMine => {
                        "Kept your version: the next save writes it over the one on disk".to_owned()
                    }
                    Resolution::Merge => {
                        format!("Merged by annotation id ({report}); not saved yet")
                    }
                });
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Relocates the annotations of `doc` whose text no longer matches (one undoable step),
    /// and shows what moved and what could not be placed.
    pub(in crate::ui) fn reanchor(&mut self, doc: DocId) {
        let Some(ws) = self.state.workspace.as_mut() else {
            return;
        };
        let name = ws.file_name(doc).to_owned();
        match ws.reanchor(doc) {
            Ok(plan) => {
                self.info(format!(
                    "Re-anchored {name}: {} moved, {} could not be placed; Ctrl+Z undoes",
                    plan.moved.len(),
                    plan.unplaced.len()
                ));
                self.views.dialogs.show_reanchored(name, plan);
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Panes whose selected annotation is gone (after a reload) select nothing.
    fn forget_gone_selections(&mut self) {
        let Some(ws) = &self.state.workspace else {
            return;
        };
        for pane in &mut self.state.panes {
            if let Some(id) = pane.selection.annotation()
                && ws.store(pane.doc).get(id).is_none()
            {
                pane.selection = crate::ui::state::Selection::None;
            }
        }
    }
}
