//! Working as a team: the assignments and finished documents of the annotator here, and
//! everyone's progress, computed on a thread of its own so the window never waits for files
//! or git.

use std::sync::mpsc;

use crate::project::{AssignmentsFile, StatusFile};
use crate::ui::app::AccordApp;
use crate::ui::state::Team;

impl AccordApp {
    /// Reads `assignments.ron` and the annotator's status file of the open project (small
    /// files: at once), then starts computing everyone's progress.
    pub(in crate::ui) fn load_team(&mut self) {
        let Some(ws) = self.state.workspace.as_ref() else {
            self.state.team = Team::default();
            return;
        };
        let annotator = self.state.annotator().to_owned();
        let mut team = Team::default();
        match AssignmentsFile::load_in(&ws.project.dir) {
            Ok(Some(file)) => {
                team.assigned = file
                    .documents_of(&annotator)
                    .iter()
                    .filter_map(|f| ws.project.document_index(f))
                    .collect();
            }
            Ok(None) => {}
            Err(e) => team.error = Some(e.to_string()),
        }
        match StatusFile::load_in(&ws.project.dir, &annotator) {
            Ok(status) => team.finished = status.finished,
            Err(e) => team.error = Some(e.to_string()),
        }
        self.state.team = team;
        self.refresh_progress();
    }

    /// Starts computing every annotator's progress from the saved files and git; the result
    /// replaces the figures shown when it comes ([`Self::poll_progress`]).
    pub(in crate::ui) fn refresh_progress(&mut self) {
        let Some(ws) = self.state.workspace.as_ref() else {
            return;
        };
        let dir = ws.project.dir.clone();
        let documents: Vec<String> = ws
            .project
            .documents
            .iter()
            .map(|d| d.file().to_owned())
            .collect();
        let (send, receive) = mpsc::channel();
        // A job started before is dropped with its receiver: its figures are older.
        self.progress_job = Some(receive);
        self.state.progress_pending = true;
        let spawned = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                let _ = send.send(crate::progress::with_last_commits(&dir, &documents));
            });
        if let Err(e) = spawned {
            log::warn!("cannot start computing the progress: {e}");
            self.progress_job = None;
            self.state.progress_pending = false;
        }
    }

    /// Takes the progress figures once computed.
    pub(in crate::ui) fn poll_progress(&mut self) {
        let Some(job) = &self.progress_job else {
            return;
        };
        match job.try_recv() {
            Ok(progress) => {
                self.state.progress = Some(progress);
                self.state.progress_pending = false;
                self.progress_job = None;
            }
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => {
                self.state.progress_pending = false;
                self.progress_job = None;
            }
        }
    }

    /// Marks the active pane's document finished for this annotator, or not finished when it
    /// was (`status/<annotator>.ron`).
    pub(in crate::ui) fn toggle_finished(&mut self) {
        let (Some(ws), Some(doc)) = (self.state.workspace.as_ref(), self.state.active_doc()) else {
            return;
        };
        let file = ws.file_name(doc).to_owned();
        let annotator = self.state.annotator().to_owned();
        let dir = ws.project.dir.clone();
        let result = StatusFile::load_in(&dir, &annotator).and_then(|mut status| {
            let now = status.toggle(&file);
            status.save_in(&dir)?;
            Ok((now, status.finished))
        });
        match result {
            Ok((now, finished)) => {
                self.state.team.finished = finished;
                self.info(if now {
                    format!("{file} marked finished")
                } else {
                    format!("{file} no longer marked finished")
                });
                self.refresh_progress();
            }
            Err(e) => self.error(format!("Cannot mark {file} finished: {e}")),
        }
    }
}
