//! Modal dialogs and overlays: the annotator's name on first start, unsaved changes on close,
//! and the keyboard shortcuts (built from the command table).

use egui::{Id, RichText};

use crate::ui::action::{Action, CloseAnswer, ViewContext};
use crate::ui::commands::{Command, Menu, shortcut_text};
use crate::ui::text_field::TextField;

/// Which dialogs are open, and what is typed in them.
#[derive(Debug, Default)]
pub struct Dialogs {
    /// The annotator-name prompt is open, with what is typed so far.
    name_prompt: Option<TextField>,
    close_prompt: bool,
    shortcuts: bool,
}

impl Dialogs {
    /// True while a modal dialog takes the keyboard.
    pub fn is_modal_open(&self) -> bool {
        self.name_prompt.is_some() || self.close_prompt
    }

    /// Asks who is annotating.
    pub fn ask_name(&mut self) {
        self.name_prompt
            .get_or_insert_with(|| TextField::singleline("").labelled("Your name"));
    }

    /// The name was accepted.
    pub fn close_name_prompt(&mut self) {
        self.name_prompt = None;
    }

    /// Asks what to do with unsaved changes before closing.
    pub fn ask_close(&mut self) {
        self.close_prompt = true;
    }

    /// The unsaved-changes prompt was answered.
    pub fn close_close_prompt(&mut self) {
        self.close_prompt = false;
    }

    /// Shows or hides the keyboard shortcuts.
    pub fn toggle_shortcuts(&mut self) {
        self.shortcuts = !self.shortcuts;
    }

    /// Draws whatever is open.
    pub fn ui(&mut self, ctx: &egui::Context, cx: &mut ViewContext<'_>) {
        if let Some(field) = &mut self.name_prompt {
            let mut done = false;
            egui::Modal::new(Id::unique("annotator name")).show(ctx, |ui| {
                ui.heading("Who is annotating?");
                ui.label("Your annotations are saved under annotations/<name>/ in each project.");
                let id = ui.make_persistent_id("annotator name field");
                let out = field.ui(ui, cx.engine, id, 240.0, "e.g. aigerim");
                if ui.memory(|m| m.focused().is_none()) {
                    out.response.request_focus();
                }
                let named = !field.text().trim().is_empty();
                if (ui.button("Start annotating").clicked() || out.submitted) && named {
                    done = true;
                }
            });
            if done {
                cx.send(Action::SetAnnotator(field.text()));
            }
        }
        if self.close_prompt {
            let dirty = cx.state.workspace.as_ref().map_or(0, |ws| ws.dirty_count());
            egui::Modal::new(Id::unique("unsaved changes")).show(ctx, |ui| {
                ui.heading("Unsaved changes");
                ui.label(format!(
                    "{dirty} document(s) have changes that are not saved yet."
                ));
                if let Some(e) = &cx.state.status.save_error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.horizontal(|ui| {
                    for (title, answer) in [
                        ("Save and close", CloseAnswer::SaveAndClose),
                        ("Close without saving", CloseAnswer::Discard),
                        ("Cancel", CloseAnswer::Cancel),
                    ] {
                        if ui.button(title).clicked() {
                            cx.send(Action::AnswerClose(answer));
                        }
                    }
                });
            });
        }
        if self.shortcuts {
            let mut open = true;
            egui::Window::new("Keyboard shortcuts")
                .open(&mut open)
                .collapsible(false)
                .default_width(520.0)
                .show(ctx, |ui| shortcuts_ui(ui, cx));
            self.shortcuts = open;
        }
    }
}

fn shortcuts_ui(ui: &mut egui::Ui, cx: &ViewContext<'_>) {
    egui::ScrollArea::vertical()
        .max_height(560.0)
        .show(ui, |ui| {
            egui::Grid::new("shortcuts")
                .striped(true)
                .num_columns(2)
                .show(ui, |ui| {
                    for menu in Menu::ALL.into_iter().map(Some).chain([None]) {
                        ui.label(
                            RichText::new(menu.map_or("Resize the selected span", Menu::title))
                                .strong(),
                        );
                        ui.end_row();
                        for &command in Command::ALL.iter().filter(|c| c.menu() == menu) {
                            let keys: Vec<String> = command
                                .shortcuts()
                                .iter()
                                .map(|s| shortcut_text(ui.ctx(), s))
                                .collect();
                            ui.label(command.title());
                            ui.label(RichText::new(keys.join("  or  ")).monospace());
                            ui.end_row();
                        }
                    }
                    ui.label(RichText::new("Labels").strong());
                    ui.end_row();
                    if let Some(ws) = &cx.state.workspace {
                        for (i, label) in ws.project.schema.labels.iter().enumerate() {
                            let mut keys = Vec::new();
                            if let Some(h) = label.hotkey {
                                keys.push(h.to_string());
                            }
                            if i < 9 {
                                keys.push((i + 1).to_string());
                            }
                            ui.label(format!("Label selection as {}", label.name));
                            ui.label(RichText::new(keys.join("  or  ")).monospace());
                            ui.end_row();
                        }
                    }
                    ui.label(RichText::new("Mouse").strong());
                    ui.end_row();
                    for (what, how) in [
                        ("Select text (snaps to words)", "drag"),
                        ("Select exact characters", "Alt+drag"),
                        ("Add a fragment to the selected span", "Ctrl+drag"),
                        ("Select a span; again to cycle stacked spans", "click"),
                    ] {
                        ui.label(what);
                        ui.label(RichText::new(how).monospace());
                        ui.end_row();
                    }
                });
        });
}
