//! The desktop window: egui views over the core. Each view is a type (or, when it keeps no
//! state of its own, a function) that reads the [`AppState`] through a [`ViewContext`] and
//! asks for changes with [`Action`]s; [`AccordApp`] applies them at the end of the frame.
//!
//! Where things are:
//! - `app.rs`: [`AccordApp`], one frame of the window, and the queries tests and tools use;
//! - `apply/`: the one place actions and [`commands`] change the state (by topic);
//! - `state.rs`: [`AppState`], what every view reads (panes and their [`Selection`]s and
//!   layers, the review in progress, the agreement figures);
//! - `action.rs`: [`Action`] and the [`ViewContext`] views get;
//! - `commands.rs`: the command table (menus, shortcuts, help); `keyboard.rs`: keys to actions;
//! - `panes.rs`, `pane_header.rs`, `text_view/`: documents side by side, each pane a
//!   [`state::PaneId`] and a [`DocView`] (a frame of it in passes: pointer, spans, glyphs,
//!   relations, what was drawn told to AccessKit, hover);
//! - `panels/`: document list, palette, details (and the review item), find bar, menu bar,
//!   status bar, dialogs, threads, ledger, agreement, export and import, the start screen, New
//!   project, and the side panel's Labels, Guidelines and Suggestions tabs;
//! - `exchange.rs`: export and import on a worker thread, for `panels/exchange.rs`'s dialog;
//!   `adding.rs`: documents added on a worker thread (New project…, Add documents…, a drop);
//!   `opening.rs`: a big project read on a worker thread while its documents are listed;
//!   `suggesting.rs`: suggestions computed on a worker thread, kept up to the annotator's
//!   labels (`apply/suggest.rs` steps through, accepts and rejects them);
//! - `text.rs`, `glyph_atlas.rs`, `color_glyph.rs`, `fonts.rs`: drawing text with our layout
//!   and bundled fonts; `fills.rs`: many small rectangles and dashes as one mesh;
//!   `text_field.rs`: text fields with bidi.

mod action;
pub mod adding;
pub mod app;
mod apply;
mod color_glyph;
pub mod commands;
pub mod exchange;
mod fills;
pub mod fonts;
pub mod glyph_atlas;
mod keyboard;
pub mod opening;
mod pane_header;
mod panels;
pub mod panes;
pub mod state;
pub mod suggesting;
pub mod sync;
pub mod text;
pub mod text_field;
pub mod text_view;

use std::path::{Path, PathBuf};

pub use action::{Action, CloseAnswer, ViewContext};
pub use app::AccordApp;
pub use state::{AppState, PaneState, Selection, Settings};
pub use text::{TextEngine, text_block, text_line};
pub use text_view::{DocView, ViewEvent, ViewInput};

const SETTINGS_KEY: &str = "accord-settings";

/// The project to open when none is named: the last one, else `sample_docs/` when run from
/// the repository.
pub fn default_project(settings: &Settings) -> Option<PathBuf> {
    if let Some(last) = settings.recent.first().filter(|p| p.is_dir()) {
        return Some(last.clone());
    }
    let candidates = [
        PathBuf::from("sample_docs"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_docs"),
    ];
    candidates.into_iter().find(|p| p.is_dir())
}

/// Sets up a context for Accord's window (and the tests' and benchmarks' ones): the bundled
/// fonts, and no coarse culling in the tessellator. The views hand egui only what is on
/// screen, as cached meshes, and that culling measured each mesh's bounds again every frame:
/// 40% of tessellating a screenful of small text.
pub fn configure(ctx: &egui::Context) {
    fonts::install(ctx);
    ctx.tessellation_options_mut(|o| o.coarse_tessellation_culling = false);
}

/// Opens the window on `path` (a project folder or a document in one).
pub fn run(path: Option<PathBuf>, annotator: Option<String>) -> anyhow::Result<()> {
    if let Some(name) = &annotator {
        crate::project::check_annotator_name(name).map_err(anyhow::Error::msg)?;
    }
    let launched = std::time::Instant::now();
    let engine = TextEngine::new()?;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Accord")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Accord",
        options,
        Box::new(move |cc| {
            configure(&cc.egui_ctx);
            let mut settings: Settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
                .unwrap_or_default();
            if annotator.is_some() {
                settings.annotator = annotator;
            }
            cc.egui_ctx.set_theme(if settings.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            let project = path.or_else(|| default_project(&settings));
            Ok(Box::new(Window {
                app: AccordApp::new(engine, settings, project.as_deref()),
                title: String::new(),
                launched: Some(launched),
            }))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// The eframe app: the [`AccordApp`] plus window concerns (title, closing, persistence).
struct Window {
    app: AccordApp,
    /// The title last set.
    title: String,
    /// When `run` started, until the first frame is drawn (`RUST_LOG=accord=debug` says how
    /// long that took: the figure the scale benchmark reads).
    launched: Option<std::time::Instant>,
}

impl eframe::App for Window {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let app = &mut self.app;
        let title = match &app.state().workspace {
            Some(ws) => format!(
                "{}{} — Accord",
                if ws.is_dirty() { "* " } else { "" },
                ws.project.name()
            ),
            None => "Accord".to_owned(),
        };
        if title != self.title {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        if ui.ctx().input(|i| i.viewport().close_requested()) && !app.may_close() {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
        app.show(ui);
        if let Some(launched) = self.launched.take() {
            log::debug!("first frame laid out {:?} after launch", launched.elapsed());
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, self.app.settings_to_store());
    }

    fn on_exit(&mut self) {
        let app = &mut self.app;
        app.end_exchange();
        app.end_adding();
        app.end_sync();
        let _ = app.end_opening();
        // Autosave on exit, unless the user chose to drop the changes.
        let dirty = app.state().workspace.as_ref().is_some_and(|w| w.is_dirty());
        if !app.close_allowed() && dirty {
            app.save_all();
        }
    }
}
