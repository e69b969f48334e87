//! Modal dialogs: the annotator's name on first start, unsaved changes on close, and the
//! keyboard shortcut overlay (built from the command table).

use egui::{Id, RichText};

use super::app::{AccordApp, Action};
use super::commands::{Command, Menu, shortcut_text};

impl AccordApp {
    pub(crate) fn dialogs_ui(&mut self, ctx: &egui::Context) {
        if let Some(mut name) = self.name_prompt.take() {
            let mut done = false;
            egui::Modal::new(Id::unique("annotator name")).show(ctx, |ui| {
                ui.heading("Who is annotating?");
                ui.label("Your annotations are saved under annotations/<name>/ in each project.");
                let response =
                    ui.add(egui::TextEdit::singleline(&mut name).hint_text("e.g. aigerim"));
                if ui.memory(|m| m.focused().is_none()) {
                    response.request_focus();
                }
                let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (ui.button("Start annotating").clicked() || enter) && !name.trim().is_empty() {
                    done = true;
                }
            });
            if done {
                self.push(Action::SetAnnotator(name));
            } else {
                self.name_prompt = Some(name);
            }
        }
        if self.close_prompt {
            let dirty = self.ws.as_ref().map_or(0, |ws| {
                (0..ws.len())
                    .filter(|&i| ws.doc_state(i).is_dirty())
                    .count()
            });
            let mut answer = None;
            egui::Modal::new(Id::unique("unsaved changes")).show(ctx, |ui| {
                ui.heading("Unsaved changes");
                ui.label(format!(
                    "{dirty} document(s) have changes that are not saved yet."
                ));
                if let Some(e) = &self.save_error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.horizontal(|ui| {
                    if ui.button("Save and close").clicked() {
                        answer = Some(Some(true));
                    }
                    if ui.button("Close without saving").clicked() {
                        answer = Some(Some(false));
                    }
                    if ui.button("Cancel").clicked() {
                        answer = Some(None);
                    }
                });
            });
            if let Some(answer) = answer {
                self.answer_close(answer);
                if self.close_allowed() {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
        }
        if self.show_shortcuts {
            let mut open = true;
            egui::Window::new("Keyboard shortcuts")
                .open(&mut open)
                .collapsible(false)
                .default_width(520.0)
                .show(ctx, |ui| self.shortcuts_ui(ui));
            self.show_shortcuts = open;
        }
    }

    fn shortcuts_ui(&self, ui: &mut egui::Ui) {
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
                        if let Some(ws) = &self.ws {
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
}
