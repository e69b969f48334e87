//! The menu bar, built from the command table, with the recent projects under File.

use egui::Ui;

use crate::ui::action::{Action, ViewContext};
use crate::ui::commands::{Command, Menu, shortcut_text};
use crate::ui::state::SidePanel;

/// Draws the menu bar.
pub fn menu_bar_ui(ui: &mut Ui, cx: &mut ViewContext<'_>) {
    let settings = &cx.state.settings;
    egui::MenuBar::new().ui(ui, |ui| {
        for menu in Menu::ALL {
            ui.menu_button(menu.title(), |ui| {
                for &command in Command::ALL.iter().filter(|c| c.menu() == Some(menu)) {
                    let mut button = egui::Button::new(command.title());
                    if let Some(s) = command.shortcuts().first() {
                        button = button.shortcut_text(shortcut_text(ui.ctx(), s));
                    }
                    let checked = match command {
                        Command::ToggleSyncScroll => settings.sync_scroll,
                        Command::ToggleTheme => settings.dark,
                        Command::ToggleRelations => settings.all_relations,
                        Command::ToggleLedger => settings.ledger,
                        Command::ShowThreads => settings.side == SidePanel::Threads,
                        Command::ShowProgress => settings.side == SidePanel::Progress,
                        Command::ShowGuidelines => settings.side == SidePanel::Guidelines,
                        Command::ShowLabels => settings.side == SidePanel::Labels,
                        Command::ShowSuggestions => settings.side == SidePanel::Suggestions,
                        Command::ToggleSuggestions => !cx.state.suggestions.hidden,
                        Command::MarkFinished => {
                            let state = cx.state;
                            state
                                .workspace
                                .as_ref()
                                .zip(state.active_doc())
                                .is_some_and(|(ws, doc)| {
                                    state.team.finished.contains(ws.file_name(doc))
                                })
                        }
                        _ => false,
                    };
                    if ui.add(button.selected(checked)).clicked() {
                        cx.send(Action::Run(command));
                    }
                }
                if menu == Menu::File && !settings.recent.is_empty() {
                    ui.separator();
                    ui.menu_button("Recent projects", |ui| {
                        for path in &settings.recent {
                            if ui.button(path.display().to_string()).clicked() {
                                cx.send(Action::OpenPath(path.clone()));
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
