//! Applying what concerns the session: opening projects, the annotator's name, panes and their
//! layout, saving (and the autosave), closing, and the clipboard.

use std::path::{Path, PathBuf};

use crate::project::git_setup::{GitSetup, GitSetupError};
use crate::project::{DocId, Project, StoreStatus, Workspace};

use crate::ui::action::CloseAnswer;
use crate::ui::app::{AUTOSAVE_SECONDS, AccordApp};
use crate::ui::opening::{BACKGROUND_FROM, OpenJob};
use crate::ui::state::{MAX_PANES, PaneId, PaneLayout, PaneState};

/// Seconds before a failed save is tried again.
const RETRY_SECONDS: f64 = 10.0;

impl AccordApp {
    pub(in crate::ui) fn pick_project_folder(&mut self) {
        let mut dialog = rfd::FileDialog::new().set_title("Open an Accord project folder");
        if let Some(ws) = self.workspace() {
            dialog = dialog.set_directory(&ws.project.root);
        }
        match dialog.pick_folder() {
            Some(folder) => self.open_path(&folder),
            None => self.info("No folder chosen (you can also drop a folder onto the window)"),
        }
    }

    /// Opens a project folder, or the folder of a document with that document first.
    pub(in crate::ui) fn open_path(&mut self, path: &Path) {
        let (root, first_doc) = if path.is_file() {
            let root = path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            (root, name)
        } else {
            (path.to_path_buf(), None)
        };
        if self.workspace().is_some_and(Workspace::is_dirty) {
            self.save_all();
        }
        let started = std::time::Instant::now();
        self.end_opening();
        match Project::list(&root) {
            Err(e) => {
                let text = format!("Cannot open {}: {e:#}", root.display());
                self.state.project_error = Some(text.clone());
                self.error(text);
            }
            Ok(listing) if listing.entries().len() > BACKGROUND_FROM => {
                self.open_in_background(listing, first_doc);
            }
            Ok(listing) => {
                let project = listing.read_all();
                let documents_read = started.elapsed();
                let documents = project.documents.len();
                let ws = Workspace::open(project, self.state.annotator());
                log::debug!(
                    "{documents} documents read in {documents_read:?}, their annotations by the next {:?}",
                    started.elapsed() - documents_read
                );
                self.install_workspace(ws, first_doc.as_deref());
            }
        }
    }

    /// Reads a big project on a worker thread, listing its documents meanwhile. The project
    /// open until now is closed first (its edits were saved).
    fn open_in_background(&mut self, listing: crate::project::Listing, first: Option<String>) {
        let reopening = self
            .workspace()
            .is_some_and(|ws| ws.project.root == listing.root());
        self.close_workspace();
        let annotator = self.state.annotator().to_owned();
        let (job, opening) = OpenJob::start(listing, annotator, first, reopening);
        log::debug!(
            "reading the {} documents of {} on a worker",
            opening.entries.len(),
            opening.root.display()
        );
        self.state.project_error = None;
        self.state.opening = Some(opening);
        self.opening_job = Some(job);
    }

    /// Closes the open project (its lock goes), leaving no pane and nothing computed of it.
    fn close_workspace(&mut self) {
        self.state.workspace = None;
        self.state.panes.clear();
        self.state.review = None;
        self.state.layers.clear();
        self.stop_suggestions();
        self.state.team = Default::default();
        self.state.progress = None;
        self.state.progress_pending = false;
        self.progress_job = None;
        self.disk.watch = None;
        self.views.find_bar = Default::default();
    }

    /// Installs the project read on the worker once it is.
    pub(in crate::ui) fn poll_opening(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.opening_job else {
            return;
        };
        // Not while a button is held: a click begun on the list of the project being read ends
        // on that list, not on what replaces it.
        let held = ctx.input(|i| i.pointer.any_down());
        let Some(result) = (!held).then(|| job.finished()).flatten() else {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
            return;
        };
        self.opening_job = None;
        let Some(opening) = self.state.opening.take() else {
            return;
        };
        match result {
            Ok(ws) => {
                log::debug!(
                    "{} documents and their annotations read in {:?}",
                    opening.entries.len(),
                    opening.started.elapsed()
                );
                self.install(ws, opening.first.as_deref(), opening.reopening);
                ctx.request_repaint();
            }
            Err(why) => {
                let text = format!("Cannot open {}: {why}", opening.root.display());
                self.state.project_error = Some(text.clone());
                self.error(text);
            }
        }
    }

    /// Stops reading the project being opened, at the annotator's asking.
    pub(in crate::ui) fn stop_opening(&mut self) {
        if let Some(name) = self.end_opening() {
            self.info(format!("Stopped opening {name}"));
        }
    }

    /// Stops reading the project being opened, if one is (another opens, the window
    /// closes): the name of that project.
    pub fn end_opening(&mut self) -> Option<String> {
        if let Some(job) = self.opening_job.take() {
            job.end();
        }
        self.state.opening.take().map(|o| o.name)
    }

    pub(in crate::ui) fn install_workspace(&mut self, ws: Workspace, first_doc: Option<&str>) {
        // The same project reopened (to start or stop a review, as another annotator): what
        // was computed of it and asked about it stands.
        let same_project = self
            .state
            .workspace
            .as_ref()
            .is_some_and(|w| w.project.root == ws.project.root);
        self.install(ws, first_doc, same_project);
    }

    fn install(&mut self, ws: Workspace, first_doc: Option<&str>, same_project: bool) {
        let key = project_key(&ws.project.root);
        let remembered = self
            .state
            .settings
            .panes
            .get(&key)
            .cloned()
            .unwrap_or_default();
        let mut docs: Vec<DocId> = remembered
            .documents
            .iter()
            .filter_map(|f| ws.project.document_index(f))
            .collect();
        if let Some(first) = first_doc.and_then(|f| ws.project.document_index(f)) {
            docs.retain(|d| *d != first);
            docs.insert(0, first);
        }
        if docs.is_empty() && ws.doc_ids().len() > 0 {
            // The first document that opened: an unreadable one has nothing to show.
            let readable = ws.doc_ids().find(|d| ws.document(*d).is_some());
            docs.push(readable.unwrap_or(DocId(0)));
        }
        docs.truncate(MAX_PANES);
        let mut panes: Vec<PaneState> = docs
            .into_iter()
            .map(|doc| self.state.new_pane(doc))
            .collect();
        if remembered.fractions.len() == panes.len() {
            for (pane, f) in panes.iter_mut().zip(&remembered.fractions) {
                pane.fraction = *f;
            }
        }
        normalise_fractions(&mut panes);
        self.views.find_bar = Default::default();
        let problems: Vec<String> = ws
            .doc_ids()
            .filter_map(|d| match &ws.doc_state(d).status {
                StoreStatus::Editable => None,
                StoreStatus::Locked(r) | StoreStatus::NoDocument(r) => Some(r.clone()),
            })
            .collect();
        let root = ws.project.root.clone();
        let name = ws.project.name().to_owned();
        let state = &mut self.state;
        // A project with no document yet has no pane (until documents are added).
        if let Some(first) = panes.first() {
            state.active = first.id;
        }
        state.panes = panes;
        state.workspace = Some(ws);
        state.project_error = None;
        // What was read or computed for the project open before (the agreement figures stay
        // for the same project: they come from the annotators' saved files, which reopening
        // does not change).
        state.layers.clear();
        state.review = None;
        if !same_project {
            state.agreement = None;
        }
        state.settings.recent.retain(|p| p != &root);
        state.settings.recent.insert(0, root);
        state.settings.recent.truncate(10);
        if !same_project {
            self.offer_others_if_new();
            self.offer_git_setup_if_missing();
        }
        self.watch_workspace();
        self.load_team();
        self.start_suggestions();
        self.tell_schema_problems();
        if let Some(recovery) = self.workspace().and_then(|ws| ws.recovery()) {
            let text = recovery.to_string();
            log::warn!("{text}");
            if recovery.foreign {
                self.views.dialogs.notify_with_offer(
                    "A journal written elsewhere",
                    format!(
                        "{text}\n\nThis journal of unsaved edits was written for another machine or project folder (a journal committed by mistake, or copied). Nothing of it was put back. If these are your edits, put them back: each is still checked against the documents and the schema."
                    ),
                    "They are mine: put them back",
                    crate::ui::Action::AcceptForeignJournal,
                );
            } else {
                self.views.dialogs.notify("Unsaved work recovered", text);
            }
        }
        // What a killed run left (temporary files of saves), removed as the project opened.
        let swept = self
            .workspace()
            .map(|ws| ws.removed_unfinished())
            .filter(|removed| !removed.is_empty())
            .map(crate::project_dir::atomic::unfinished_note);
        if let Some(note) = &swept {
            log::warn!("{note}");
        }
        if problems.is_empty() {
            match swept {
                Some(note) => self.info(format!("Opened {name}; {note}")),
                None => self.info(format!("Opened {name}")),
            }
        } else {
            self.error(format!(
                "Opened {name}; {} document(s) need attention: {}",
                problems.len(),
                problems[0]
            ));
        }
    }

    /// An annotator with no annotations in a project others have annotated is told so, and
    /// offered their annotations as layers.
    fn offer_others_if_new(&mut self) {
        let Some(ws) = self.workspace() else { return };
        if ws.annotator == crate::project::CURATED || ws.doc_ids().any(|d| !ws.store(d).is_empty())
        {
            return;
        }
        let others: Vec<String> = self
            .other_annotators()
            .into_iter()
            .filter(|a| {
                ws.doc_ids().any(|d| {
                    ws.project
                        .slot(d)
                        .is_some_and(|s| ws.project.annotation_path(a, s.file()).is_file())
                })
            })
            .collect();
        if !others.is_empty() {
            self.views.dialogs.offer_others(others);
        }
    }

    /// The open project's git setup ([`crate::project::git_setup`]): the work tree it is in,
    /// or why there is none.
    fn git_setup(&self) -> Result<GitSetup, GitSetupError> {
        let Some(ws) = self.workspace() else {
            return Err(GitSetupError::NotInWorkTree(std::path::PathBuf::new()));
        };
        let schema_file = match &ws.project.file.schema {
            crate::project::SchemaSource::File(file) => Some(file.as_str()),
            _ => None,
        };
        GitSetup::for_project(&ws.project.root, schema_file)
    }

    /// A project in a git work tree not set up for Accord gets the offer to set it up. Run
    /// once when a project opens: a few quick git calls, never per frame.
    fn offer_git_setup_if_missing(&mut self) {
        self.views.dialogs.close_git_offer();
        let Ok(setup) = self.git_setup() else {
            return;
        };
        match setup.status() {
            Ok(status) if !status.is_complete() => {
                self.views
                    .dialogs
                    .offer_git_setup(setup.root().to_path_buf());
            }
            Ok(_) => {}
            Err(e) => log::warn!("cannot tell whether git is set up for Accord: {e}"),
        }
    }

    /// Sets up the git work tree of the open project for this program (`accord git setup`).
    pub(in crate::ui) fn set_up_git(&mut self) {
        self.views.dialogs.close_git_offer();
        let exe = match std::env::current_exe() {
            Ok(exe) => exe,
            Err(e) => {
                self.error(format!(
                    "Git was not set up: cannot tell where this program is ({e})"
                ));
                return;
            }
        };
        match self.git_setup().and_then(|setup| setup.run(&exe)) {
            Ok(report) => self.info(report.to_string()),
            Err(GitSetupError::NotInWorkTree(_)) if self.workspace().is_none() => {
                self.error("Open a project first: git is set up for the project open");
            }
            Err(e) => self.error(format!("Git was not set up: {e}")),
        }
    }

    /// Remembers the panes of the open project in the settings.
    pub(in crate::ui) fn remember_layout(&mut self) {
        let Some(ws) = &self.state.workspace else {
            return;
        };
        let layout = PaneLayout {
            documents: self
                .state
                .panes
                .iter()
                .map(|p| ws.file_name(p.doc).to_owned())
                .collect(),
            fractions: self.state.panes.iter().map(|p| p.fraction).collect(),
        };
        let key = project_key(&ws.project.root);
        self.state.settings.panes.insert(key, layout);
    }

    pub(in crate::ui) fn set_annotator(&mut self, name: String) {
        let name = name.trim().to_owned();
        if let Err(why) = crate::project::check_annotator_name(&name) {
            self.error(why);
            return;
        }
        let first_start = self.state.settings.annotator.is_none();
        self.state.settings.annotator = Some(name.clone());
        self.views.dialogs.close_name_prompt();
        if first_start {
            self.views.dialogs.show_guide();
        }
        if let Some(path) = self.state.waiting_for_name.take() {
            // First start: the project opens now, under the name.
            self.open_path(&path);
        } else if let Some(opening) = &self.state.opening
            && opening.annotator != name
        {
            // A big project being read for another name: read for this one.
            let root = opening.root.clone();
            self.open_path(&root);
        } else if let Some(ws) = self.workspace()
            && ws.annotator != name
        {
            // Reopen so the edits go to this annotator's files; someone new to the project is
            // offered the others' annotations.
            let root = ws.project.root.clone();
            self.open_path(&root);
            self.offer_others_if_new();
        }
        self.info(format!("Annotating as {name}"));
    }

    pub(in crate::ui) fn add_pane(&mut self) {
        if self.state.panes.len() >= MAX_PANES {
            self.info(format!("At most {MAX_PANES} panes"));
            return;
        }
        let Some(ws) = self.workspace() else { return };
        // The next document not shown yet, else the active one again.
        let shown: Vec<DocId> = self.state.panes.iter().map(|p| p.doc).collect();
        let doc = ws
            .doc_ids()
            .find(|d| !shown.contains(d))
            .or(self.state.active_doc())
            .unwrap_or(DocId(0));
        // A new pane draws the same layers as the active one (while reviewing: the compared
        // annotators).
        let (layers, own) = self
            .state
            .active_pane()
            .map_or((Vec::new(), true), |p| (p.layers.clone(), p.own));
        let pane = PaneState {
            layers,
            own,
            ..self.state.new_pane(doc)
        };
        self.state.active = pane.id;
        self.state.panes.push(pane);
        self.load_layers();
        equal_fractions(&mut self.state.panes);
        self.remember_layout();
    }

    /// Closes pane `pane` (never the last one); the pane to its left, or else its right,
    /// becomes active if it was.
    pub(in crate::ui) fn close_pane(&mut self, pane: PaneId) {
        let Some(i) = self.state.pane_index(pane) else {
            return;
        };
        if self.state.panes.len() <= 1 {
            return;
        }
        self.state.panes.remove(i);
        if self.state.active == pane {
            self.state.active = self.state.panes[i.saturating_sub(1)].id;
        }
        equal_fractions(&mut self.state.panes);
        self.remember_layout();
    }

    /// Saves every changed document; reports in the status bar.
    pub fn save_all(&mut self) {
        let Some(ws) = self.state.workspace.as_mut() else {
            return;
        };
        let mut failed = Vec::new();
        let mut saved = 0;
        for (_, result) in ws.save_all() {
            match result {
                Ok(_) => saved += 1,
                Err(e) => failed.push(format!("{e}")),
            }
        }
        if failed.is_empty() {
            self.state.status.save_error = None;
            if saved > 0 {
                self.state.status.last_save = Some(clock_time());
                self.info(format!("Saved {saved} document(s)"));
                self.refresh_progress();
            }
        } else {
            let text = format!(
                "Saving failed: {}. Your edits are kept in memory and saving is retried.",
                failed.join("; ")
            );
            log::error!("{text}");
            self.state.status.save_error = Some(text.clone());
            self.error(text);
        }
    }

    /// Autosave: every 30 s when there are changes; a failed save is retried sooner.
    pub fn autosave_tick(&mut self, now: f64) {
        if now < self.next_autosave {
            return;
        }
        self.next_autosave = now + AUTOSAVE_SECONDS;
        if self.workspace().is_some_and(Workspace::is_dirty) {
            self.save_all();
            if self.state.status.save_error.is_some() {
                self.next_autosave = now + RETRY_SECONDS;
            }
        }
    }

    pub(in crate::ui) fn answer_close(&mut self, answer: CloseAnswer) {
        self.views.dialogs.close_close_prompt();
        match answer {
            CloseAnswer::Cancel => {}
            CloseAnswer::SaveAndClose => {
                self.save_all();
                self.allow_close = self.state.status.save_error.is_none();
            }
            CloseAnswer::Discard => {
                self.allow_close = true;
                if let Some(ws) = self.state.workspace.as_mut() {
                    log::warn!(
                        "closing {} without saving unsaved changes",
                        ws.project.root.display()
                    );
                    // Dropped on purpose: the next start must not bring them back.
                    if let Err(e) = ws.forget_unsaved_edits() {
                        log::error!("cannot empty the journal: {e}");
                    }
                }
            }
        }
    }

    /// Reopens the project replaying the journal written elsewhere too (after saving what is
    /// unsaved here, which sets that journal aside; it becomes the journal again first).
    pub(in crate::ui) fn accept_foreign_journal(&mut self) {
        let Some(ws) = self.workspace() else { return };
        let root = ws.project.root.clone();
        let annotator = ws.annotator.clone();
        let author = ws.author.clone();
        if ws.is_dirty() {
            self.save_all();
            if self.state.status.save_error.is_some() {
                return;
            }
        }
        // Saving set the other journal aside: it becomes the journal again.
        if let Some(ws) = self.workspace()
            && let Some(kept) = ws.recovery().and_then(|r| r.kept_as.clone())
            && ws.project.dir.is_file(&kept)
            && let Err(e) =
                crate::project::journal::restore_kept(&ws.project.dir, &annotator, &kept)
        {
            self.error(format!("Cannot put the other journal back: {e}"));
            return;
        }
        // Let go of the lock before taking it again.
        self.state.workspace = None;
        match Project::open(&root) {
            Ok(project) => {
                let ws = Workspace::open_trusting(
                    project,
                    &annotator,
                    &author,
                    crate::project::journal::Trust::AcceptForeign,
                );
                self.install_workspace(ws, None);
            }
            Err(e) => self.error(format!("Cannot open {}: {e:#}", root.display())),
        }
    }

    pub(in crate::ui) fn copy_text(&mut self, ctx: &egui::Context, text: String) {
        if self.clipboard.is_none() {
            self.clipboard = arboard::Clipboard::new().ok();
        }
        let copied = self
            .clipboard
            .as_mut()
            .is_some_and(|c| c.set_text(text.clone()).is_ok());
        if !copied {
            // No system clipboard (e.g. headless): egui's own clipboard path.
            ctx.copy_text(text.clone());
        }
        // Not the text itself: egui labels would show right-to-left text in the wrong order.
        self.info(format!("Copied {} characters", text.chars().count()));
        self.state.last_copied = Some(text);
    }
}

fn normalise_fractions(panes: &mut [PaneState]) {
    let total: f32 = panes.iter().map(|p| p.fraction.max(0.05)).sum();
    for p in panes.iter_mut() {
        p.fraction = p.fraction.max(0.05) / total;
    }
}

fn equal_fractions(panes: &mut [PaneState]) {
    let n = panes.len().max(1) as f32;
    for p in panes.iter_mut() {
        p.fraction = 1.0 / n;
    }
}

fn project_key(root: &Path) -> String {
    root.canonicalize()
        .unwrap_or_else(|_| root.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

fn clock_time() -> String {
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    // "2026-11-23T15:10:00Z" → "15:10:00 UTC"
    now.get(11..19).map_or(now.clone(), |t| format!("{t} UTC"))
}
