//! The one place that changes the window's state: [`AccordApp::apply`] carries out an
//! [`Action`] (and [`Command`]s from the table) on the state, through the core's
//! [`Workspace`] for every change to annotations, and tells the views what they must follow
//! (scroll to, forget a layout).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::edit::Edit;
use crate::edit::edge::{Edge, move_edge};
use crate::model::boundaries::StepUnit;
use crate::model::{AnnotationId, CharRange};
use crate::project::{Applied, DocId, Project, Step, StoreStatus, Workspace};
use crate::search::step_annotation;

use super::action::{Action, CloseAnswer};
use super::app::{AUTOSAVE_SECONDS, AccordApp};
use super::commands::Command;
use super::state::{MAX_PANES, Message, PaneLayout, PaneState, Selection};
use super::text_view::ViewEvent;

/// Seconds before a failed save is tried again.
const RETRY_SECONDS: f64 = 10.0;

impl AccordApp {
    /// Carries out one action.
    pub(super) fn apply(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Run(command) => self.run_command(ctx, command),
            Action::Label(label) => self.apply_label(&label),
            Action::Edit { doc, edit } => {
                self.edit(vec![(doc, edit)]);
            }
            Action::SelectAnnotation { doc, id } => self.select_annotation(doc, id),
            Action::Reveal { doc, range } => self.reveal_range(doc, range),
            Action::ScrollTo { pane, range } => self.scroll_pane_to(pane, range),
            Action::ShowDocument { pane, doc } => {
                self.show_document(pane, doc);
                self.state.active = pane.min(self.state.panes.len().saturating_sub(1));
                self.remember_layout();
            }
            Action::Activate(pane) => {
                self.state.active = pane.min(self.state.panes.len().saturating_sub(1));
            }
            Action::ClosePane(pane) => self.close_pane(pane),
            Action::ResizePanes { left, delta } => {
                let panes = &mut self.state.panes;
                if left + 1 < panes.len() {
                    panes[left].fraction += delta;
                    panes[left + 1].fraction -= delta;
                    self.remember_layout();
                }
            }
            Action::OpenPath(path) => self.open_path(&path),
            Action::SetAnnotator(name) => self.set_annotator(name),
            Action::AnswerClose(answer) => {
                self.answer_close(answer);
                if self.allow_close {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Action::View { pane, event } => self.view_event(pane, event),
        }
    }

    fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::OpenProject => self.pick_project_folder(),
            Command::Save => {
                if self.workspace().is_some_and(Workspace::is_dirty) {
                    self.save_all();
                } else {
                    self.info("Nothing to save");
                }
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::Undo | Command::Redo => self.undo_redo(command == Command::Undo),
            Command::Copy => match self.state.selected_text() {
                Some(text) => self.copy_text(ctx, text),
                None => self.info("Nothing to copy: select an annotation or some text"),
            },
            Command::Delete => {
                if let Some((doc, id)) = self.state.selected_annotation()
                    && self.edit(vec![(doc, Edit::Remove { id })]).is_some()
                {
                    self.set_selection(self.state.active, Selection::None);
                }
            }
            Command::ClearSelection => {
                if self.views.find_bar.is_open() && self.state.selected_annotation().is_none() {
                    self.views.find_bar.close();
                }
                for pane in &mut self.state.panes {
                    pane.selection = Selection::None;
                }
            }
            Command::NextAnnotation | Command::PreviousAnnotation => {
                self.step_annotation(command == Command::NextAnnotation);
            }
            Command::EndRight => self.move_edge(Edge::End, true, StepUnit::Cluster),
            Command::EndLeft => self.move_edge(Edge::End, false, StepUnit::Cluster),
            Command::EndWordRight => self.move_edge(Edge::End, true, StepUnit::Word),
            Command::EndWordLeft => self.move_edge(Edge::End, false, StepUnit::Word),
            Command::StartRight => self.move_edge(Edge::Start, true, StepUnit::Cluster),
            Command::StartLeft => self.move_edge(Edge::Start, false, StepUnit::Cluster),
            Command::StartWordRight => self.move_edge(Edge::Start, true, StepUnit::Word),
            Command::StartWordLeft => self.move_edge(Edge::Start, false, StepUnit::Word),
            Command::Find => self.views.find_bar.open_and_focus(),
            Command::FindNext | Command::FindPrevious => {
                self.find_step(command == Command::FindNext)
            }
            Command::LabelAllMatches => self.label_all_matches(),
            Command::AddPane => self.add_pane(),
            Command::ClosePane => self.close_pane(self.state.active),
            Command::NextPane => {
                if !self.state.panes.is_empty() {
                    self.state.active = (self.state.active + 1) % self.state.panes.len();
                }
            }
            Command::ToggleSyncScroll => {
                self.state.settings.sync_scroll = !self.state.settings.sync_scroll;
                self.info(if self.state.settings.sync_scroll {
                    "Panes scroll together"
                } else {
                    "Panes scroll on their own"
                });
            }
            Command::ToggleTheme => {
                self.state.settings.dark = !self.state.settings.dark;
                ctx.set_theme(if self.state.settings.dark {
                    egui::Theme::Dark
                } else {
                    egui::Theme::Light
                });
            }
            Command::ZoomIn => {
                self.state.settings.font_size = (self.state.settings.font_size + 1.0).min(36.0);
            }
            Command::ZoomOut => {
                self.state.settings.font_size = (self.state.settings.font_size - 1.0).max(10.0);
            }
            Command::Shortcuts => self.views.dialogs.toggle_shortcuts(),
        }
    }

    fn workspace(&self) -> Option<&Workspace> {
        self.state.workspace.as_ref()
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.state.status.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        log::warn!("{text}");
        self.state.status.message = Some(Message { text, error: true });
    }

    // --- Projects ---

    fn pick_project_folder(&mut self) {
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
    pub(super) fn open_path(&mut self, path: &Path) {
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
        match Project::open(&root) {
            Err(e) => {
                let text = format!("Cannot open {}: {e:#}", root.display());
                self.state.project_error = Some(text.clone());
                self.error(text);
            }
            Ok(project) => {
                let ws = Workspace::open(project, self.state.annotator());
                self.install_workspace(ws, first_doc.as_deref());
            }
        }
    }

    fn install_workspace(&mut self, ws: Workspace, first_doc: Option<&str>) {
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
        if docs.is_empty() {
            docs.push(DocId(0));
        }
        docs.truncate(MAX_PANES);
        let mut panes: Vec<PaneState> = docs.into_iter().map(PaneState::new).collect();
        if remembered.fractions.len() == panes.len() {
            for (pane, f) in panes.iter_mut().zip(&remembered.fractions) {
                pane.fraction = *f;
            }
        }
        normalise_fractions(&mut panes);
        self.views.panes.reset(panes.len());
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
        state.panes = panes;
        state.active = 0;
        state.workspace = Some(ws);
        state.project_error = None;
        state.settings.recent.retain(|p| p != &root);
        state.settings.recent.insert(0, root);
        state.settings.recent.truncate(10);
        if problems.is_empty() {
            self.info(format!("Opened {name}"));
        } else {
            self.error(format!(
                "Opened {name}; {} document(s) need attention: {}",
                problems.len(),
                problems[0]
            ));
        }
    }

    /// Remembers the panes of the open project in the settings.
    pub(super) fn remember_layout(&mut self) {
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

    fn set_annotator(&mut self, name: String) {
        let name = name.trim().to_owned();
        if let Err(why) = crate::project::check_annotator_name(&name) {
            self.error(why);
            return;
        }
        self.state.settings.annotator = Some(name.clone());
        self.views.dialogs.close_name_prompt();
        // Reopen so the edits go to this annotator's files.
        if let Some(ws) = self.workspace()
            && ws.annotator != name
        {
            let root = ws.project.root.clone();
            self.open_path(&root);
        }
        self.info(format!("Annotating as {name}"));
    }

    // --- Edits and selection ---

    /// Applies a step of edits as one undoable unit; reports a refusal in the status bar.
    fn edit(&mut self, step: Step) -> Option<Applied> {
        let ws = self.state.workspace.as_mut()?;
        match ws.apply(step) {
            Ok(applied) => Some(applied),
            Err(e) => {
                self.error(format!("{e}"));
                None
            }
        }
    }

    fn set_selection(&mut self, pane: usize, selection: Selection) {
        if let Some(p) = self.state.panes.get_mut(pane) {
            p.selection = selection;
        }
    }

    fn view_event(&mut self, pane: usize, event: ViewEvent) {
        let Some(doc) = self.state.panes.get(pane).map(|p| p.doc) else {
            return;
        };
        self.state.active = pane;
        let selection = self.state.panes[pane].selection;
        match event {
            ViewEvent::Selected(range) => self.set_selection(pane, Selection::Text(range)),
            ViewEvent::AddFragment(range) => match selection {
                Selection::Annotation(id) => {
                    self.edit(vec![(doc, Edit::AddFragment { id, range })]);
                }
                _ => self.set_selection(pane, Selection::Text(range)),
            },
            ViewEvent::Clicked { annotations, .. } => {
                // Repeated clicks on stacked spans cycle through them, innermost first.
                let next = match selection {
                    Selection::Annotation(id) => annotations
                        .iter()
                        .position(|a| *a == id)
                        .map_or(0, |i| i + 1),
                    _ => 0,
                };
                let chosen = match annotations.len() {
                    0 => Selection::None,
                    n => Selection::Annotation(annotations[next % n]),
                };
                self.set_selection(pane, chosen);
            }
        }
    }

    fn apply_label(&mut self, label: &str) {
        self.state.current_label = Some(label.to_owned());
        let active = self.state.active;
        let Some(pane) = self.state.panes.get(active) else {
            return;
        };
        let doc = pane.doc;
        match pane.selection {
            Selection::Text(range) => {
                let step = vec![(
                    doc,
                    Edit::Add {
                        label: label.to_owned(),
                        ranges: vec![range],
                        attributes: BTreeMap::new(),
                    },
                )];
                if let Some(applied) = self.edit(step) {
                    let created = applied.created.first().map(|(_, id)| *id);
                    self.set_selection(active, created.map_or(Selection::None, Selection::Annotation));
                }
            }
            Selection::Annotation(id) => {
                self.edit(vec![(
                    doc,
                    Edit::Relabel {
                        id,
                        label: label.to_owned(),
                    },
                )]);
            }
            Selection::None => self.info(format!(
                "{label} is the current label: select text and press its key, or use “Label all matches”"
            )),
        }
    }

    /// Selects an annotation in the pane showing its document and scrolls to it.
    fn select_annotation(&mut self, doc: DocId, id: AnnotationId) {
        let Some(range) = self
            .workspace()
            .and_then(|ws| ws.store(doc).get(id))
            .map(|a| a.extent())
        else {
            return;
        };
        let pane = self.pane_for(doc);
        self.set_selection(pane, Selection::Annotation(id));
        self.scroll_pane_to(pane, range);
    }

    /// Selects a range of text in the pane showing its document and scrolls to it.
    fn reveal_range(&mut self, doc: DocId, range: CharRange) {
        let pane = self.pane_for(doc);
        self.set_selection(pane, Selection::Text(range));
        self.scroll_pane_to(pane, range);
    }

    /// The pane showing `doc` (made active), else the active pane switched to it.
    fn pane_for(&mut self, doc: DocId) -> usize {
        if let Some(i) = self.state.panes.iter().position(|p| p.doc == doc) {
            self.state.active = i;
            return i;
        }
        if self.state.panes.is_empty() {
            self.state.panes.push(PaneState::new(doc));
            self.views.panes.reset(1);
            self.state.active = 0;
            return 0;
        }
        let pane = self.state.active.min(self.state.panes.len() - 1);
        self.show_document(pane, doc);
        pane
    }

    /// Shows `doc` in `pane`, with nothing selected and a fresh layout.
    fn show_document(&mut self, pane: usize, doc: DocId) {
        if let Some(p) = self.state.panes.get_mut(pane)
            && p.doc != doc
        {
            *p = PaneState {
                fraction: p.fraction,
                ..PaneState::new(doc)
            };
            if let Some(view) = self.views.panes.view_mut(pane) {
                view.reset();
            }
        }
    }

    /// Scrolls `pane` so that `range` is in view (next frame).
    fn scroll_pane_to(&mut self, pane: usize, range: CharRange) {
        let Some(ws) = &self.state.workspace else {
            return;
        };
        let Some(doc) = self.state.panes.get(pane).and_then(|p| ws.document(p.doc)) else {
            return;
        };
        if let Some(view) = self.views.panes.view_mut(pane) {
            view.scroll_to_range(&mut self.engine, doc, range);
        }
    }

    fn undo_redo(&mut self, undo: bool) {
        let Some(ws) = self.state.workspace.as_mut() else {
            return;
        };
        let result = if undo { ws.undo() } else { ws.redo() };
        match result {
            Ok(true) => {
                // A selected annotation may be gone now.
                for pane in &mut self.state.panes {
                    if let Selection::Annotation(id) = pane.selection
                        && ws.store(pane.doc).get(id).is_none()
                    {
                        pane.selection = Selection::None;
                    }
                }
                self.info(if undo { "Undone" } else { "Redone" });
            }
            Ok(false) => self.info(if undo {
                "Nothing to undo"
            } else {
                "Nothing to redo"
            }),
            Err(e) => self.error(format!("{e}")),
        }
    }

    fn step_annotation(&mut self, forward: bool) {
        let Some(ws) = self.workspace() else { return };
        let Some(pane) = self.state.active_pane() else {
            return;
        };
        let doc = pane.doc;
        if let Some(id) = step_annotation(ws.store(doc), pane.selection.annotation(), forward) {
            self.select_annotation(doc, id);
        }
    }

    /// Moves an edge of the selected span by a cluster or word, the way the arrow points on
    /// screen.
    fn move_edge(&mut self, edge: Edge, rightwards: bool, unit: StepUnit) {
        let Some((doc, id)) = self.state.selected_annotation() else {
            self.info("Select an annotation first (click it)");
            return;
        };
        let Some(ws) = self.workspace() else { return };
        let (Some(ann), Some(document)) = (ws.store(doc).get(id), ws.document(doc)) else {
            return;
        };
        let at = match edge {
            Edge::Start => ann.extent().start,
            Edge::End => ann.extent().end.saturating_sub(1),
        };
        let direction = self.views.panes.direction_at(self.state.active, at);
        if let Some(edit) = move_edge(document, ann, edge, direction.is_forward(rightwards), unit) {
            self.edit(vec![(doc, edit)]);
        }
    }

    // --- Find ---

    fn find_step(&mut self, forward: bool) {
        let Some(ws) = &self.state.workspace else {
            return;
        };
        let active = self.state.active_doc();
        match self.views.find_bar.step(ws, active, forward) {
            Some((doc, range)) => self.reveal_range(doc, range),
            None if self.views.find_bar.query_text().is_empty() => {
                self.views.find_bar.open_and_focus();
            }
            None => {
                let query = self.views.find_bar.query_text().to_owned();
                self.info(format!("“{query}” not found"));
            }
        }
    }

    fn label_all_matches(&mut self) {
        let Some(label) = self.state.current_label.clone() else {
            self.info("Pick a label in the palette first");
            return;
        };
        let Some(ws) = &self.state.workspace else {
            return;
        };
        let active = self.state.active_doc();
        let step = ws.label_matches(self.views.find_bar.matches(ws, active), &label);
        if step.is_empty() {
            self.info(format!("Every match is already labelled {label}"));
            return;
        }
        let n = step.len();
        if self.edit(step).is_some() {
            self.info(format!(
                "Labelled {n} matches as {label} (one undo removes them)"
            ));
        }
    }

    // --- Panes ---

    fn add_pane(&mut self) {
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
        self.state.panes.push(PaneState::new(doc));
        self.views.panes.push();
        equal_fractions(&mut self.state.panes);
        self.state.active = self.state.panes.len() - 1;
        self.remember_layout();
    }

    fn close_pane(&mut self, pane: usize) {
        if self.state.panes.len() <= 1 || pane >= self.state.panes.len() {
            return;
        }
        self.state.panes.remove(pane);
        self.views.panes.remove(pane);
        self.state.active = self.state.active.min(self.state.panes.len() - 1);
        equal_fractions(&mut self.state.panes);
        self.remember_layout();
    }

    // --- Saving, closing, the clipboard ---

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

    fn answer_close(&mut self, answer: CloseAnswer) {
        self.views.dialogs.close_close_prompt();
        match answer {
            CloseAnswer::Cancel => {}
            CloseAnswer::SaveAndClose => {
                self.save_all();
                self.allow_close = self.state.status.save_error.is_none();
            }
            CloseAnswer::Discard => {
                self.allow_close = true;
                if let Some(ws) = self.workspace() {
                    log::warn!(
                        "closing {} without saving unsaved changes",
                        ws.project.root.display()
                    );
                }
            }
        }
    }

    fn copy_text(&mut self, ctx: &egui::Context, text: String) {
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
