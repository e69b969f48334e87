//! One frame of the window: keys, menu bar, side panels, panes, dialogs; then the queued
//! actions are applied.

use egui::{Event, Key, Modifiers, Ui};

use super::app::{AccordApp, Action};
use super::commands::{Command, Menu, shortcut_text};

impl AccordApp {
    /// Draws the whole window and applies what the user did. Tests drive this directly.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.keyboard(&ctx);
        self.dropped_files(&ctx);

        egui::Panel::top("menu bar").show(ui, |ui| self.menu_bar_ui(ui));
        egui::Panel::bottom("status bar").show(ui, |ui| self.status_bar_ui(ui));
        egui::Panel::left("documents and labels")
            .resizable(true)
            .default_size(250.0)
            .show(ui, |ui| self.left_panel_ui(ui));
        egui::Panel::right("details")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| self.details_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| {
            if self.find.open {
                self.find_bar_ui(ui);
                ui.separator();
            }
            self.panes_ui(ui);
        });

        self.dialogs_ui(&ctx);
        self.process_actions(&ctx);
        let now = ctx.input(|i| i.time);
        self.autosave_tick(now);
        // Wake up for the next autosave even when idle.
        ctx.request_repaint_after(std::time::Duration::from_secs(5));
    }

    /// Turns key presses into actions: the command table first, then label hotkeys.
    fn keyboard(&mut self, ctx: &egui::Context) {
        let typing = ctx.egui_wants_keyboard_input();
        let modal_open = self.name_prompt.is_some() || self.close_prompt;
        if modal_open {
            return;
        }
        for (command, shortcut) in Command::shortcuts_most_specific_first() {
            if (!typing || command.works_while_typing())
                && ctx.input_mut(|i| i.consume_shortcut(shortcut))
            {
                self.push(Action::Run(*command));
            }
        }
        if typing {
            return;
        }
        // The window turns Ctrl+C into a copy event rather than a key press.
        if ctx.input(|i| i.events.iter().any(|e| matches!(e, Event::Copy))) {
            self.push(Action::Run(Command::Copy));
        }
        // Label hotkeys: by physical key, so they work whatever keyboard layout is active
        // (an annotator typing Kazakh notes keeps the same keys).
        let pressed: Vec<Key> = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|e| match e {
                    Event::Key {
                        key,
                        physical_key,
                        pressed: true,
                        modifiers,
                        ..
                    } if modifiers.is_none() || *modifiers == Modifiers::SHIFT => {
                        Some(physical_key.unwrap_or(*key))
                    }
                    _ => None,
                })
                .collect()
        });
        if pressed.is_empty() {
            return;
        }
        let Some(schema) = self.ws.as_ref().map(|ws| ws.project.schema.clone()) else {
            return;
        };
        for key in pressed {
            let name = key.name();
            let label = match name.chars().next().filter(|_| name.chars().count() == 1) {
                Some(d @ '1'..='9') => schema.labels.get(d as usize - '1' as usize),
                Some(c) => schema.label_for_hotkey(c),
                None => None,
            };
            if let Some(label) = label {
                self.push(Action::Label(label.name.clone()));
            }
        }
    }

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<std::path::PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.push(Action::OpenPath(path));
        }
    }

    fn menu_bar_ui(&mut self, ui: &mut Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::ALL {
                ui.menu_button(menu.title(), |ui| {
                    for &command in Command::ALL.iter().filter(|c| c.menu() == Some(menu)) {
                        let mut button = egui::Button::new(command.title());
                        if let Some(s) = command.shortcuts().first() {
                            button = button.shortcut_text(shortcut_text(ui.ctx(), s));
                        }
                        let checked = match command {
                            Command::ToggleSyncScroll => Some(self.settings.sync_scroll),
                            Command::ToggleTheme => Some(self.settings.dark),
                            _ => None,
                        };
                        let button = match checked {
                            Some(true) => button.selected(true),
                            _ => button,
                        };
                        if ui.add(button).clicked() {
                            self.push(Action::Run(command));
                        }
                    }
                    if menu == Menu::File && !self.settings.recent.is_empty() {
                        ui.separator();
                        ui.menu_button("Recent projects", |ui| {
                            for path in self.settings.recent.clone() {
                                if ui.button(path.display().to_string()).clicked() {
                                    self.push(Action::OpenPath(path));
                                }
                            }
                        });
                    }
                    if menu == Menu::Help {
                        ui.separator();
                        ui.label(format!("Accord {}", env!("CARGO_PKG_VERSION")));
                    }
                });
            }
        });
    }

    fn status_bar_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label(format!("Annotator: {}", self.annotator()))
                .on_hover_text("Your edits are saved under annotations/<this name>/");
            ui.separator();
            let dirty = self.ws.as_ref().map_or(0, |ws| {
                (0..ws.len())
                    .filter(|&i| ws.doc_state(i).is_dirty())
                    .count()
            });
            if self.save_error.is_some() {
                ui.colored_label(ui.visuals().error_fg_color, "NOT SAVED");
            } else if dirty > 0 {
                ui.label(format!("{dirty} unsaved"));
            } else {
                ui.label("All saved");
            }
            if let Some(t) = &self.last_save {
                ui.label(format!("last save {t}"));
            }
            ui.separator();
            if let Some(m) = &self.message {
                if m.error {
                    ui.colored_label(ui.visuals().error_fg_color, &m.text);
                } else {
                    ui.label(&m.text);
                }
            }
        });
    }
}
