//! The start screen, shown while no project is open: a new project, an open one, the recent
//! ones, and why the last one could not be opened; while a big project is read, how far the
//! reading has got.

use egui::{RichText, Ui};

use crate::ui::action::{Action, ViewContext};
use crate::ui::commands::{Command, shortcut_text};

/// Draws the start screen in the central panel.
pub fn start_ui(ui: &mut Ui, cx: &mut ViewContext<'_>) {
    let state = cx.state;
    if let Some(opening) = &state.opening {
        opening_ui(ui, cx, opening);
        return;
    }
    ui.add_space(40.0);
    ui.vertical_centered(|ui| {
        ui.set_max_width(520.0);
        ui.heading("Accord");
        ui.label("Annotate multilingual text: entities, commitments, links; review and export.");
        ui.add_space(16.0);
        if let Some(path) = &state.waiting_for_name {
            ui.label(format!(
                "{} opens once you have given your name.",
                path.display()
            ));
            return;
        }
        if let Some(error) = &state.project_error {
            ui.colored_label(ui.visuals().error_fg_color, error);
            ui.add_space(8.0);
        }
        for command in [Command::NewProject, Command::OpenProject] {
            let mut button = egui::Button::new(RichText::new(command.title()).size(16.0))
                .min_size(egui::vec2(220.0, 32.0));
            if let Some(s) = command.shortcuts().first() {
                button = button.shortcut_text(shortcut_text(ui.ctx(), s));
            }
            if ui.add(button).clicked() {
                cx.send(Action::Run(command));
            }
        }
        ui.weak("or drop a project folder onto the window");
        if !state.settings.recent.is_empty() {
            ui.add_space(16.0);
            ui.strong("Recent projects");
            for path in &state.settings.recent {
                let exists = path.is_dir();
                let link = ui.add_enabled(exists, egui::Link::new(path.display().to_string()));
                if link.clicked() {
                    cx.send(Action::OpenPath(path.clone()));
                }
                if !exists {
                    link.on_disabled_hover_text("This folder is not there any more");
                }
            }
        }
    });
}

/// A big project being read: how far, which document will show first, and a way to stop.
fn opening_ui(ui: &mut Ui, cx: &mut ViewContext<'_>, opening: &crate::ui::opening::Opening) {
    let read = opening.progress.files_read().min(opening.files());
    let documents = opening.entries.len();
    ui.add_space(40.0);
    ui.vertical_centered(|ui| {
        ui.set_max_width(520.0);
        ui.heading(format!("Opening {}", opening.name));
        ui.label(
            RichText::new(opening.root.display().to_string())
                .small()
                .weak(),
        );
        ui.add_space(12.0);
        // Each document is read, then its annotation file: two files a document.
        let (what, done) = if read < documents {
            ("documents", read)
        } else {
            ("annotation files", read - documents)
        };
        ui.add(
            egui::ProgressBar::new(read as f32 / opening.files().max(1) as f32)
                .desired_width(360.0)
                .text(format!("Reading {what}: {done} of {documents}")),
        );
        ui.add_space(8.0);
        ui.label(match &opening.first {
            Some(file) => format!("{file} will show first."),
            None => "Choose in the list the document to show first.".to_owned(),
        });
        ui.weak(format!(
            "{} s so far. The project opens once every file is read; nothing is written until then.",
            opening.started.elapsed().as_secs()
        ));
        ui.add_space(8.0);
        if ui.button("Stop opening").clicked() {
            cx.send(Action::StopOpening);
        }
    });
}
