//! The annotator's workspace: state, the actions views ask for, and how they are applied.
//!
//! Views never change annotations themselves: they push [`Action`]s, and the app applies them
//! once per frame through the core's [`Workspace`] (so every change is an undoable edit).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::edit::Edit;
use crate::layout::snap::word_around;
use crate::layout::{Direction, TextStyle};
use crate::model::{AnnotationId, CharRange, Document};
use crate::project::{Project, StoreStatus, Workspace};

use super::commands::Command;
use super::find::FindState;
use super::text_view::{DocView, TextEngine, ViewEvent};

/// Most panes side by side.
pub const MAX_PANES: usize = 4;
/// Seconds between autosaves.
pub const AUTOSAVE_SECONDS: f64 = 30.0;
/// Seconds before a failed save is tried again.
const RETRY_SECONDS: f64 = 10.0;

/// What is remembered across runs (eframe storage).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The annotator's name; asked on first start.
    pub annotator: Option<String>,
    /// Recently opened projects, newest first.
    pub recent: Vec<PathBuf>,
    /// Dark theme.
    pub dark: bool,
    /// Scroll panes together.
    pub sync_scroll: bool,
    /// Document text size.
    pub font_size: f32,
    /// Open panes per project folder.
    pub panes: BTreeMap<String, PaneLayout>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            annotator: None,
            recent: Vec::new(),
            dark: false,
            sync_scroll: false,
            font_size: 17.0,
            panes: BTreeMap::new(),
        }
    }
}

/// The panes of one project, as last left.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PaneLayout {
    /// Document file shown in each pane.
    pub documents: Vec<String>,
    /// Share of the width of each pane.
    pub fractions: Vec<f32>,
}

/// One document pane.
#[derive(Debug)]
pub struct Pane {
    /// Index of the document shown.
    pub doc: usize,
    /// Layout, scroll and selection state.
    pub view: DocView,
    /// Share of the central width.
    pub fraction: f32,
}

impl Pane {
    /// A pane showing `doc`.
    pub(crate) fn new(doc: usize) -> Self {
        Self {
            doc,
            view: DocView::default(),
            fraction: 1.0,
        }
    }
}

/// What a view asks the app to do.
#[derive(Clone, Debug)]
pub enum Action {
    /// A command from the table (menu or key).
    Run(Command),
    /// Apply a label: to the text selection (new span) or the selected annotation (relabel).
    Label(String),
    /// Make this the label used by "label all matches".
    SetCurrentLabel(String),
    /// An edit of one document (from the details panel).
    Edit {
        /// Document index.
        doc: usize,
        /// The edit.
        edit: Edit,
    },
    /// Select an annotation (or nothing).
    Select(Option<(usize, AnnotationId)>),
    /// Show a document in a pane.
    ShowDocument {
        /// Pane index.
        pane: usize,
        /// Document index.
        doc: usize,
    },
    /// Make a pane the active one.
    Activate(usize),
    /// Open a project folder (or a document's folder).
    OpenPath(PathBuf),
    /// Show a range of a document in the active pane and select it as text.
    Reveal {
        /// Document index.
        doc: usize,
        /// The range.
        range: CharRange,
    },
    /// The user confirmed the annotator name.
    SetAnnotator(String),
    /// A document view reported a pointer event.
    View {
        /// Pane index.
        pane: usize,
        /// What happened.
        event: ViewEvent,
    },
}

/// A message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The text.
    pub text: String,
    /// True for problems.
    pub error: bool,
}

/// The whole app state.
pub struct AccordApp {
    /// Remembered settings.
    pub settings: Settings,
    /// The open project, if any.
    pub ws: Option<Workspace>,
    /// Why the last project could not be opened.
    pub project_error: Option<String>,
    /// Fonts and glyph cache.
    pub engine: TextEngine,
    /// The panes, left to right.
    pub panes: Vec<Pane>,
    /// The pane keys go to.
    pub active: usize,
    /// The selected annotation.
    pub selected: Option<(usize, AnnotationId)>,
    /// The label "label all matches" uses.
    pub current_label: Option<String>,
    /// The find bar.
    pub find: FindState,
    /// The status bar message.
    pub message: Option<Message>,
    /// When the last save succeeded (local time text).
    pub last_save: Option<String>,
    /// Why the last save failed, until one succeeds.
    pub save_error: Option<String>,
    /// The shortcut overlay is open.
    pub show_shortcuts: bool,
    /// The annotator-name prompt is open, with its text.
    pub name_prompt: Option<String>,
    /// The unsaved-changes prompt is open.
    pub close_prompt: bool,
    /// The text copied last (also on the system clipboard when there is one).
    pub last_copied: Option<String>,
    /// Edits to the details panel's text fields, committed when the field loses focus.
    pub(crate) buffers: HashMap<String, String>,
    pub(crate) queue: Vec<Action>,
    allow_close: bool,
    next_autosave: f64,
    clipboard: Option<arboard::Clipboard>,
}

impl std::fmt::Debug for AccordApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccordApp")
            .field("project", &self.ws.as_ref().map(|w| w.project.root.clone()))
            .field("panes", &self.panes)
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

impl AccordApp {
    /// A window over `project` (if given) with remembered `settings`.
    pub fn new(engine: TextEngine, settings: Settings, project: Option<&Path>) -> Self {
        let mut app = Self {
            settings,
            ws: None,
            project_error: None,
            engine,
            panes: Vec::new(),
            active: 0,
            selected: None,
            current_label: None,
            find: FindState::default(),
            message: None,
            last_save: None,
            save_error: None,
            show_shortcuts: false,
            name_prompt: None,
            close_prompt: false,
            last_copied: None,
            buffers: HashMap::new(),
            queue: Vec::new(),
            allow_close: false,
            next_autosave: AUTOSAVE_SECONDS,
            clipboard: None,
        };
        if app.settings.annotator.is_none() {
            app.name_prompt = Some(String::new());
        }
        if let Some(path) = project {
            app.open_path(path);
        }
        app
    }

    /// The annotator's name ("annotator" until one is given).
    pub fn annotator(&self) -> &str {
        self.settings.annotator.as_deref().unwrap_or("annotator")
    }

    /// Text style of documents.
    pub fn text_style(&self) -> TextStyle {
        TextStyle {
            font_size: self.settings.font_size,
            ..TextStyle::default()
        }
    }

    /// Queues an action for the end of the frame.
    pub fn push(&mut self, action: Action) {
        self.queue.push(action);
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        log::warn!("{text}");
        self.message = Some(Message { text, error: true });
    }

    /// Opens a project folder, or the folder of a document with that document first.
    pub fn open_path(&mut self, path: &Path) {
        let (root, first_doc) = if path.is_file() {
            let root = path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            (root, name)
        } else {
            (path.to_path_buf(), None)
        };
        if self.ws.as_ref().is_some_and(Workspace::is_dirty) {
            self.save_all();
        }
        match Project::open(&root) {
            Err(e) => {
                let text = format!("Cannot open {}: {e:#}", root.display());
                self.project_error = Some(text.clone());
                self.error(text);
            }
            Ok(project) => {
                let annotator = self.annotator().to_owned();
                let ws = Workspace::open(project, &annotator);
                self.install_workspace(ws, first_doc.as_deref());
            }
        }
    }

    fn install_workspace(&mut self, ws: Workspace, first_doc: Option<&str>) {
        let key = project_key(&ws.project.root);
        let remembered = self.settings.panes.get(&key).cloned().unwrap_or_default();
        let mut docs: Vec<usize> = remembered
            .documents
            .iter()
            .filter_map(|f| ws.project.document_index(f))
            .collect();
        if let Some(first) = first_doc.and_then(|f| ws.project.document_index(f)) {
            docs.retain(|d| *d != first);
            docs.insert(0, first);
        }
        if docs.is_empty() {
            docs.push(0);
        }
        docs.truncate(MAX_PANES);
        self.panes = docs.into_iter().map(Pane::new).collect();
        if remembered.fractions.len() == self.panes.len() {
            for (pane, f) in self.panes.iter_mut().zip(&remembered.fractions) {
                pane.fraction = *f;
            }
        }
        normalise_fractions(&mut self.panes);
        self.active = 0;
        self.selected = None;
        self.find = FindState::default();
        self.buffers.clear();
        let problems: Vec<String> = (0..ws.len())
            .filter_map(|i| match &ws.doc_state(i).status {
                StoreStatus::Editable => None,
                StoreStatus::Locked(r) | StoreStatus::NoDocument(r) => Some(r.clone()),
            })
            .collect();
        let root = ws.project.root.clone();
        let name = ws.project.name().to_owned();
        self.ws = Some(ws);
        self.project_error = None;
        self.settings.recent.retain(|p| p != &root);
        self.settings.recent.insert(0, root);
        self.settings.recent.truncate(10);
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
    pub fn remember_layout(&mut self) {
        let Some(ws) = &self.ws else { return };
        let layout = PaneLayout {
            documents: self
                .panes
                .iter()
                .map(|p| ws.project.documents[p.doc].file().to_owned())
                .collect(),
            fractions: self.panes.iter().map(|p| p.fraction).collect(),
        };
        self.settings
            .panes
            .insert(project_key(&ws.project.root), layout);
    }

    /// Where the chars of `range` are on screen in `pane`, as last drawn (one rectangle per
    /// visual piece). For tests and tooling that point at text.
    pub fn text_rects(&mut self, pane: usize, range: CharRange) -> Vec<egui::Rect> {
        let Some(ws) = &self.ws else {
            return Vec::new();
        };
        let Some(p) = self.panes.get_mut(pane) else {
            return Vec::new();
        };
        match ws.document(p.doc) {
            Some(doc) => p.view.screen_rects(&mut self.engine, doc, range),
            None => Vec::new(),
        }
    }

    /// The document shown in the active pane.
    pub fn active_doc(&self) -> Option<usize> {
        self.panes.get(self.active).map(|p| p.doc)
    }

    /// Applies every queued action.
    pub fn process_actions(&mut self, ctx: &egui::Context) {
        let queue = std::mem::take(&mut self.queue);
        for action in queue {
            self.apply_action(ctx, action);
        }
    }

    fn apply_action(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Run(command) => self.run_command(ctx, command),
            Action::Label(label) => self.apply_label(&label),
            Action::SetCurrentLabel(label) => self.current_label = Some(label),
            Action::Edit { doc, edit } => {
                self.edit(vec![(doc, edit)]);
            }
            Action::Select(sel) => {
                self.selected = sel;
                self.buffers.clear();
                if let Some((doc, id)) = sel {
                    self.reveal_annotation(doc, id);
                }
            }
            Action::ShowDocument { pane, doc } => {
                if let Some(p) = self.panes.get_mut(pane)
                    && p.doc != doc
                {
                    p.doc = doc;
                    p.view.reset();
                }
                self.active = pane.min(self.panes.len().saturating_sub(1));
                self.remember_layout();
            }
            Action::Activate(pane) => self.active = pane.min(self.panes.len().saturating_sub(1)),
            Action::OpenPath(path) => self.open_path(&path),
            Action::Reveal { doc, range } => self.reveal_range(doc, range),
            Action::SetAnnotator(name) => self.set_annotator(name),
            Action::View { pane, event } => self.view_event(pane, event),
        }
    }

    fn set_annotator(&mut self, name: String) {
        let name = name.trim().to_owned();
        if let Err(why) = crate::project::check_annotator_name(&name) {
            self.error(why);
            return;
        }
        self.settings.annotator = Some(name.clone());
        self.name_prompt = None;
        // Reopen so the edits go to this annotator's files.
        if let Some(ws) = &self.ws
            && ws.annotator != name
        {
            let root = ws.project.root.clone();
            self.open_path(&root);
        }
        self.info(format!("Annotating as {name}"));
    }

    /// Applies a step of edits as one undoable unit. Returns the inverse on success.
    pub fn edit(&mut self, step: Vec<(usize, Edit)>) -> Option<Vec<(usize, Edit)>> {
        let ws = self.ws.as_mut()?;
        match ws.apply(step) {
            Ok(inverse) => Some(inverse),
            Err(e) => {
                self.error(format!("{e}"));
                None
            }
        }
    }

    fn view_event(&mut self, pane: usize, event: ViewEvent) {
        self.active = pane;
        let Some(doc) = self.panes.get(pane).map(|p| p.doc) else {
            return;
        };
        match event {
            ViewEvent::Selected(_) => {
                self.selected = None;
                self.buffers.clear();
            }
            ViewEvent::AddFragment(range) => match self.selected {
                Some((d, id)) if d == doc => {
                    self.edit(vec![(doc, Edit::AddFragment { id, range })]);
                    self.panes[pane].view.selection = None;
                }
                _ => self.selected = None,
            },
            ViewEvent::Clicked { annotations, .. } => {
                if annotations.is_empty() {
                    self.selected = None;
                    return;
                }
                // Repeated clicks on stacked spans cycle through them, innermost first.
                let next = match self.selected {
                    Some((d, id)) if d == doc => annotations
                        .iter()
                        .position(|a| *a == id)
                        .map_or(0, |i| (i + 1) % annotations.len()),
                    _ => 0,
                };
                self.selected = Some((doc, annotations[next]));
                self.buffers.clear();
            }
        }
    }

    fn apply_label(&mut self, label: &str) {
        self.current_label = Some(label.to_owned());
        let Some(pane) = self.panes.get(self.active) else {
            return;
        };
        let doc = pane.doc;
        if let Some(range) = pane.view.selection {
            let step = vec![(
                doc,
                Edit::Add {
                    label: label.to_owned(),
                    ranges: vec![range],
                    attributes: BTreeMap::new(),
                },
            )];
            if let Some(inverse) = self.edit(step) {
                let id = inverse.first().and_then(|(_, e)| e.created_id());
                self.selected = id.map(|id| (doc, id));
                self.panes[self.active].view.selection = None;
                self.buffers.clear();
            }
        } else if let Some((doc, id)) = self.selected {
            self.edit(vec![(
                doc,
                Edit::Relabel {
                    id,
                    label: label.to_owned(),
                },
            )]);
        } else {
            self.info(format!(
                "{label} is the current label: select text and press its key, or use “Label all matches”"
            ));
        }
    }

    /// Scrolls the pane showing `doc` (or the active pane) to the annotation.
    fn reveal_annotation(&mut self, doc: usize, id: AnnotationId) {
        let range = self
            .ws
            .as_ref()
            .and_then(|ws| ws.store(doc).get(id))
            .map(|a| a.extent());
        if let Some(range) = range {
            let pane = self.pane_for(doc);
            self.scroll_pane_to(pane, range);
        }
    }

    fn reveal_range(&mut self, doc: usize, range: CharRange) {
        let pane = self.pane_for(doc);
        self.selected = None;
        self.panes[pane].view.selection = Some(range);
        self.scroll_pane_to(pane, range);
    }

    /// The pane showing `doc`, else the active pane switched to it.
    fn pane_for(&mut self, doc: usize) -> usize {
        if let Some(i) = self.panes.iter().position(|p| p.doc == doc) {
            self.active = i;
            return i;
        }
        let pane = self.active.min(self.panes.len().saturating_sub(1));
        if self.panes.is_empty() {
            self.panes.push(Pane::new(doc));
            return 0;
        }
        self.panes[pane].doc = doc;
        self.panes[pane].view.reset();
        pane
    }

    /// Scrolls `pane` so that `range` is in view (next frame).
    pub fn scroll_pane_to(&mut self, pane: usize, range: CharRange) {
        let Some(ws) = &self.ws else { return };
        let Some(p) = self.panes.get_mut(pane) else {
            return;
        };
        if let Some(document) = ws.document(p.doc) {
            p.view.scroll_to_range(&mut self.engine, document, range);
        }
    }

    /// Saves every changed document; reports in the status bar.
    pub fn save_all(&mut self) {
        let Some(ws) = self.ws.as_mut() else { return };
        let results = ws.save_all();
        let mut failed = Vec::new();
        let mut saved = 0;
        for (_, result) in results {
            match result {
                Ok(_) => saved += 1,
                Err(e) => failed.push(format!("{e}")),
            }
        }
        if failed.is_empty() {
            self.save_error = None;
            if saved > 0 {
                self.last_save = Some(clock_time());
                self.info(format!("Saved {saved} document(s)"));
            }
        } else {
            let text = format!(
                "Saving failed: {}. Your edits are kept in memory and saving is retried.",
                failed.join("; ")
            );
            log::error!("{text}");
            self.save_error = Some(text.clone());
            self.error(text);
        }
    }

    /// Autosave: every 30 s when there are changes; a failed save is retried sooner.
    pub fn autosave_tick(&mut self, now: f64) {
        if now < self.next_autosave {
            return;
        }
        self.next_autosave = now + AUTOSAVE_SECONDS;
        if self.ws.as_ref().is_some_and(Workspace::is_dirty) {
            self.save_all();
            if self.save_error.is_some() {
                self.next_autosave = now + RETRY_SECONDS;
            }
        }
    }

    /// True when the window may close now; otherwise the unsaved-changes prompt opens.
    pub fn may_close(&mut self) -> bool {
        if self.allow_close || !self.ws.as_ref().is_some_and(Workspace::is_dirty) {
            return true;
        }
        self.close_prompt = true;
        false
    }

    /// The user answered the unsaved-changes prompt.
    pub fn answer_close(&mut self, save: Option<bool>) {
        self.close_prompt = false;
        match save {
            None => {}
            Some(true) => {
                self.save_all();
                self.allow_close = self.save_error.is_none();
            }
            Some(false) => {
                self.allow_close = true;
                // Nothing to save on exit: the user chose to drop the changes.
                if let Some(ws) = &self.ws {
                    log::warn!(
                        "closing {} without saving unsaved changes",
                        ws.project.root.display()
                    );
                }
            }
        }
    }

    /// True when the user chose to close (after the prompt).
    pub fn close_allowed(&self) -> bool {
        self.allow_close
    }

    pub(crate) fn copy_text(&mut self, ctx: &egui::Context, text: String) {
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
        self.last_copied = Some(text);
    }

    /// Moves an edge of the selected span by a char or word, in screen direction.
    pub(crate) fn move_edge(&mut self, end_edge: bool, rightwards: bool, word: bool) {
        let Some((doc, id)) = self.selected else {
            self.info("Select an annotation first (click it)");
            return;
        };
        let Some(ws) = &self.ws else { return };
        let (Some(ann), Some(document)) = (ws.store(doc).get(id), ws.document(doc)) else {
            return;
        };
        let index = if end_edge { ann.fragments.len() - 1 } else { 0 };
        let frag = ann.fragments[index].range();
        let edge = if end_edge { frag.end } else { frag.start };
        let direction = self
            .panes
            .iter()
            .find(|p| p.doc == doc)
            .map_or(Direction::Ltr, |p| p.view.direction_at(frag.start));
        // Right on screen is forward in left-to-right text and backward in right-to-left.
        let forward = rightwards == (direction == Direction::Ltr);
        let moved = step_boundary(document, edge, forward, word);
        let range = if end_edge {
            CharRange::new(frag.start, moved)
        } else {
            CharRange::new(moved, frag.end)
        };
        if range.is_empty()
            || moved == edge
            || (end_edge && moved <= frag.start)
            || (!end_edge && moved >= frag.end)
        {
            return;
        }
        self.edit(vec![(doc, Edit::ResizeFragment { id, index, range })]);
    }
}

/// The next grapheme (or word) boundary after or before `offset`.
pub fn step_boundary(doc: &Document, offset: usize, forward: bool, word: bool) -> usize {
    let len = doc.len_chars();
    let mut at = offset;
    let step = |at: usize| -> usize {
        let mut next = if forward {
            (at + 1).min(len)
        } else {
            at.saturating_sub(1)
        };
        while next > 0 && next < len && !doc.is_grapheme_boundary(next) {
            next = if forward { next + 1 } else { next - 1 };
        }
        next
    };
    if !word {
        return step(at);
    }
    // Skip to the far side of the next word.
    loop {
        let next = step(at);
        if next == at {
            return at;
        }
        let probe = if forward { at } else { next };
        let inside = word_around(doc, probe);
        at = next;
        if let Some(w) = inside {
            return if forward {
                w.end.max(at)
            } else {
                w.start.min(at)
            };
        }
    }
}

fn normalise_fractions(panes: &mut [Pane]) {
    let total: f32 = panes.iter().map(|p| p.fraction.max(0.05)).sum();
    for p in panes.iter_mut() {
        p.fraction = p.fraction.max(0.05) / total;
    }
}

pub(crate) fn equal_fractions(panes: &mut [Pane]) {
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
