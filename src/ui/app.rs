//! [`AccordApp`]: the state, the views, and one frame of the window. Each frame the views draw
//! the state and send [`Action`]s; then the actions are applied ([`super::apply`]) until none
//! is left, and the next frame is asked for when anything changed.

use std::path::Path;

use egui::Ui;

use crate::model::CharRange;
use crate::project::DocId;

use super::action::{Action, ViewContext};
use super::commands::Command;
use super::keyboard::{dropped_paths, key_actions};
use super::panels::agreement::agreement_ui;
use super::panels::details::Details;
use super::panels::dialogs::Dialogs;
use super::panels::document_list::DocumentList;
use super::panels::exchange::ExchangeDialog;
use super::panels::find_bar::FindBar;
use super::panels::guidelines::GuidelinesPanel;
use super::panels::labels::LabelsPanel;
use super::panels::ledger::Ledger;
use super::panels::menu_bar::menu_bar_ui;
use super::panels::new_project::NewProjectDialog;
use super::panels::palette::Palette;
use super::panels::progress::progress_ui;
use super::panels::start::start_ui;
use super::panels::status_bar::status_bar_ui;
use super::panels::suggestions::SuggestionsPanel;
use super::panels::threads::Threads;
use super::panes::Panes;
use super::state::{AppState, PaneId, Settings, SidePanel};
use super::text::TextEngine;

/// Seconds between autosaves.
pub const AUTOSAVE_SECONDS: f64 = 30.0;
/// Actions applied in one frame at most: an action that keeps sending itself is a bug, and
/// must not freeze the window.
const MAX_ACTIONS_PER_FRAME: usize = 10_000;

/// The views that keep state of their own.
#[derive(Debug, Default)]
pub(super) struct Views {
    pub(super) document_list: DocumentList,
    pub(super) panes: Panes,
    pub(super) details: Details,
    pub(super) find_bar: FindBar,
    pub(super) dialogs: Dialogs,
    pub(super) palette: Palette,
    pub(super) threads: Threads,
    pub(super) ledger: Ledger,
    pub(super) exchange: ExchangeDialog,
    pub(super) new_project: NewProjectDialog,
    pub(super) guidelines: GuidelinesPanel,
    pub(super) labels: LabelsPanel,
    pub(super) suggestions: SuggestionsPanel,
}

/// The command that toggles a side panel tab (none for the annotation, the tab they toggle
/// back to).
fn side_command(tab: SidePanel) -> Option<Command> {
    match tab {
        SidePanel::Annotation => None,
        SidePanel::Guidelines => Some(Command::ShowGuidelines),
        SidePanel::Labels => Some(Command::ShowLabels),
        SidePanel::Threads => Some(Command::ShowThreads),
        SidePanel::Agreement => Some(Command::ShowAgreement),
        SidePanel::Progress => Some(Command::ShowProgress),
        SidePanel::Suggestions => Some(Command::ShowSuggestions),
    }
}

/// What a drop onto the window does: a project folder (or, with no project open, anything)
/// opens; files and folders dropped onto an open project are added to it as documents.
fn drop_action(state: &AppState, dropped: Vec<std::path::PathBuf>) -> Option<Action> {
    let first = dropped.first()?;
    let is_project = first.join(crate::project::PROJECT_FILE).is_file();
    if state.workspace.is_none() || is_project {
        Some(Action::OpenPath(first.clone()))
    } else {
        Some(Action::AddDocuments(dropped))
    }
}

/// The watcher of the open workspace's files and when to check next.
#[derive(Default)]
pub(super) struct DiskState {
    pub(super) watch: Option<crate::project::DiskWatch>,
    pub(super) next_check: f64,
    /// A round of checking every file is under way, a part each frame.
    pub(super) sweeping: bool,
    pub(super) next_lock_refresh: f64,
}

/// The annotation window: the state every view reads, the views, and what happens between
/// frames (autosave, the clipboard, closing).
pub struct AccordApp {
    pub(super) state: AppState,
    pub(super) engine: TextEngine,
    pub(super) views: Views,
    queue: Vec<Action>,
    /// The user chose to close (after the unsaved-changes prompt).
    pub(super) allow_close: bool,
    pub(super) next_autosave: f64,
    pub(super) clipboard: Option<arboard::Clipboard>,
    /// Watching the workspace's files for changes made by others.
    pub(super) disk: DiskState,
    /// The progress being computed, if it is.
    pub(super) progress_job: Option<std::sync::mpsc::Receiver<crate::progress::Progress>>,
    /// The agreement figures being computed, and the project they are of.
    pub(super) agreement_job: Option<(
        std::path::PathBuf,
        std::sync::mpsc::Receiver<Result<crate::agreement::AgreementReport, String>>,
    )>,
    /// Documents being added to the project, if they are.
    pub(super) adding: Option<super::adding::AddJob>,
    /// The suggestions' worker of the open project.
    pub(super) suggest_job: Option<super::suggesting::SuggestJob>,
    /// A big project being read, if one is.
    pub(super) opening_job: Option<super::opening::OpenJob>,
}

impl std::fmt::Debug for AccordApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccordApp")
            .field("state", &self.state)
            .field("views", &self.views)
            .finish_non_exhaustive()
    }
}

impl AccordApp {
    /// A window over `project` (if given) with remembered `settings`.
    pub fn new(engine: TextEngine, settings: Settings, project: Option<&Path>) -> Self {
        let mut app = Self {
            state: AppState::new(settings),
            engine,
            views: Views::default(),
            queue: Vec::new(),
            allow_close: false,
            next_autosave: AUTOSAVE_SECONDS,
            clipboard: None,
            disk: Default::default(),
            progress_job: None,
            agreement_job: None,
            adding: None,
            suggest_job: None,
            opening_job: None,
        };
        match project {
            // The name first: the project opens under it (its files, its lock, whether others'
            // annotations are offered), never under a placeholder.
            Some(path) if app.state.settings.annotator.is_none() => {
                app.state.waiting_for_name = Some(path.to_path_buf());
                app.views.dialogs.ask_name(None);
            }
            Some(path) => app.open_path(path),
            None if app.state.settings.annotator.is_none() => app.views.dialogs.ask_name(None),
            None => {}
        }
        app
    }

    /// The state the views read.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Asks for a change, applied at the end of the frame (or by [`Self::process_actions`]).
    pub fn push(&mut self, action: Action) {
        self.queue.push(action);
    }

    /// Draws the whole window and applies what the user did. Tests drive this directly.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.poll_exchange();
        self.poll_sync(&ctx);
        self.poll_progress();
        self.poll_agreement();
        self.poll_adding(&ctx);
        self.poll_suggestions(&ctx);
        if self.progress_job.is_some() || self.agreement_job.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        let modal = self.views.dialogs.is_modal_open()
            || self.views.exchange.is_open()
            || self.views.new_project.is_open();
        // Keys pressed after the pointer was let go are applied after what the views report
        // (the selection a drag made), whatever frame the two land in.
        let (keys, keys_after_release) = key_actions(&ctx, &self.state, modal);
        self.queue.extend(keys);
        let dropped = dropped_paths(&ctx);
        if self.views.new_project.is_open() {
            // Onto the New project dialog: documents of the new project.
            self.views.new_project.add_dropped(dropped);
        } else {
            self.queue.extend(drop_action(&self.state, dropped));
        }

        let mut cx = ViewContext::new(&self.state, &mut self.engine, &mut self.queue);
        egui::Panel::top("menu bar").show(ui, |ui| menu_bar_ui(ui, &mut cx));
        egui::Panel::bottom("status bar").show(ui, |ui| status_bar_ui(ui, &mut cx));
        let Views {
            document_list,
            panes,
            details,
            find_bar,
            dialogs,
            palette,
            threads,
            ledger,
            exchange,
            new_project,
            guidelines,
            labels,
            suggestions,
        } = &mut self.views;
        egui::Panel::left("documents and labels")
            .resizable(true)
            .default_size(250.0)
            .show(ui, |ui| {
                // The palette stays in view below however many documents there are.
                egui::Panel::bottom("palette")
                    .resizable(false)
                    .show(ui, |ui| palette.ui(ui, &mut cx));
                document_list.ui(ui, &mut cx);
            });
        egui::Panel::right("details")
            .resizable(true)
            .default_size(320.0)
            .show(ui, |ui| {
                let side = cx.state.settings.side;
                ui.horizontal_wrapped(|ui| {
                    for tab in SidePanel::ALL {
                        if ui.selectable_label(side == tab, tab.title()).clicked() && side != tab {
                            // Each command toggles between its tab and the annotation.
                            if let Some(command) = side_command(tab).or(side_command(side)) {
                                cx.send(Action::Run(command));
                            }
                        }
                    }
                });
                ui.separator();
                match side {
                    SidePanel::Annotation => details.ui(ui, &mut cx),
                    SidePanel::Guidelines => guidelines.ui(ui, &mut cx),
                    SidePanel::Labels => labels.ui(ui, &mut cx),
                    SidePanel::Threads => threads.ui(ui, &mut cx),
                    SidePanel::Agreement => agreement_ui(ui, &mut cx),
                    SidePanel::Progress => progress_ui(ui, &mut cx),
                    SidePanel::Suggestions => suggestions.ui(ui, &mut cx),
                }
            });
        if cx.state.settings.ledger {
            egui::Panel::bottom("ledger")
                .resizable(true)
                .default_size(220.0)
                .show(ui, |ui| ledger.ui(ui, &mut cx));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if cx.state.workspace.is_none() {
                start_ui(ui, &mut cx);
                return;
            }
            if find_bar.is_open() {
                find_bar.ui(ui, &mut cx);
                ui.separator();
            }
            panes.ui(ui, &mut cx, find_bar);
        });
        dialogs.ui(&ctx, &mut cx);
        exchange.ui(&ctx, &mut cx);
        new_project.ui(&ctx, &mut cx);
        self.queue.extend(keys_after_release);

        self.process_actions(&ctx);
        // After the actions: a document chosen in the list in the frame the reading ended is
        // the one shown.
        self.poll_opening(&ctx);
        let now = ctx.input(|i| i.time);
        self.autosave_tick(now);
        self.disk_tick(now);
        if self.disk.sweeping {
            // The round goes on in the next frames, even when nothing else asks for one.
            ctx.request_repaint_after(std::time::Duration::from_millis(30));
        }
        // Wake up for the next autosave even when idle.
        ctx.request_repaint_after(std::time::Duration::from_secs(5));
    }

    /// Applies every queued action, and those they queue in turn, until none is left; asks for
    /// a repaint when something was applied.
    pub fn process_actions(&mut self, ctx: &egui::Context) {
        let mut applied = 0;
        while !self.queue.is_empty() {
            for action in std::mem::take(&mut self.queue) {
                self.apply(ctx, action);
                applied += 1;
            }
            if applied > MAX_ACTIONS_PER_FRAME {
                log::error!(
                    "more than {MAX_ACTIONS_PER_FRAME} actions in one frame; dropping {} queued actions",
                    self.queue.len()
                );
                self.queue.clear();
            }
        }
        if applied > 0 {
            // Decisions, undo and redo change the curated set: its items follow.
            self.refresh_review();
            ctx.request_repaint();
        }
    }

    /// Where the chars of `range` are on screen in `pane`, as last drawn (one rectangle per
    /// visual piece): what tests and tooling point at.
    pub fn text_rects(&mut self, pane: PaneId, range: CharRange) -> Vec<egui::Rect> {
        let Some(ws) = &self.state.workspace else {
            return Vec::new();
        };
        let Some(doc) = self.state.pane(pane).and_then(|p| ws.document(p.doc)) else {
            return Vec::new();
        };
        self.views
            .panes
            .screen_rects(&mut self.engine, pane, doc, range)
    }

    /// How far pane `pane` is scrolled, in points from the top.
    pub fn scroll_offset(&self, pane: PaneId) -> f32 {
        self.views
            .panes
            .view(pane)
            .map_or(0.0, |v| v.scroll_offset())
    }

    /// How far pane `pane` is scrolled, 0 at the top and 1 at the bottom.
    pub fn scroll_fraction(&self, pane: PaneId) -> f32 {
        self.views
            .panes
            .view(pane)
            .map_or(0.0, |v| v.scroll_fraction())
    }

    /// Where annotation `id` was on screen in pane `pane` last frame.
    pub fn span_on_screen(
        &self,
        pane: PaneId,
        id: crate::model::AnnotationId,
    ) -> Option<egui::Rect> {
        self.views
            .panes
            .view(pane)
            .and_then(|v| v.span_on_screen(id))
    }

    /// The find bar's matches, as last found.
    pub fn find_matches(&self) -> &[(DocId, CharRange)] {
        self.views.find_bar.last_matches()
    }

    /// True when the window may close now; otherwise the unsaved-changes prompt opens.
    pub fn may_close(&mut self) -> bool {
        if self.allow_close
            || !self
                .state
                .workspace
                .as_ref()
                .is_some_and(|ws| ws.is_dirty())
        {
            return true;
        }
        self.views.dialogs.ask_close();
        false
    }

    /// True when the user chose to close (after the prompt).
    pub fn close_allowed(&self) -> bool {
        self.allow_close
    }

    /// Remembered settings, with the panes of the open project, to store when the window
    /// closes.
    pub fn settings_to_store(&mut self) -> &Settings {
        self.remember_layout();
        &self.state.settings
    }
}
