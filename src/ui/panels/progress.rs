//! The Progress panel: `accord progress` for the open project, one row per annotator
//! (documents assigned, started, finished, annotations, last commit). The figures are
//! computed off the UI thread when the project opens, after saves and on Refresh; drawing
//! them reads no file.

use egui::{RichText, Ui};

use crate::ui::action::{Action, ViewContext};

/// Draws the panel.
pub fn progress_ui(ui: &mut Ui, cx: &mut ViewContext<'_>) {
    if cx.state.workspace.is_none() {
        ui.label("Open a project to see its annotators' progress.");
        return;
    }
    ui.horizontal(|ui| {
        ui.heading("Progress");
        if ui
            .button("Refresh")
            .on_hover_text("From the saved files and git, as `accord progress` counts them")
            .clicked()
        {
            cx.send(Action::RefreshProgress);
        }
        if cx.state.progress_pending {
            ui.spinner();
        }
    });
    if let Some(e) = &cx.state.team.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    let Some(progress) = &cx.state.progress else {
        ui.label("Counting…");
        return;
    };
    let mut summary = format!("{} documents", progress.documents);
    if let Some(k) = progress.overlap {
        summary.push_str(&format!(", {k} annotators each"));
    }
    ui.label(summary);
    if progress.annotators.is_empty() {
        ui.label("No annotators yet: `accord assign` assigns the documents.");
        return;
    }
    let me = cx.state.annotator();
    egui::ScrollArea::both()
        .id_salt("progress scroll")
        .show(ui, |ui| {
            egui::Grid::new("progress table")
                .num_columns(6)
                .striped(true)
                .show(ui, |ui| {
                    for title in [
                        "Annotator",
                        "Assigned",
                        "Started",
                        "Finished",
                        "Annotations",
                        "Last commit",
                    ] {
                        ui.label(RichText::new(title).strong());
                    }
                    ui.end_row();
                    for a in &progress.annotators {
                        let name = RichText::new(&a.annotator);
                        ui.label(if a.annotator == me {
                            name.strong()
                        } else {
                            name
                        });
                        for n in [a.assigned, a.started, a.finished, a.annotations] {
                            ui.label(RichText::new(n.to_string()).monospace());
                        }
                        match &a.last_commit {
                            Some(c) => {
                                // The day is enough in a narrow panel; the rest on hover.
                                let day = c.date.get(..10).unwrap_or(&c.date);
                                ui.label(format!("{day} {}", c.hash))
                                    .on_hover_text(format!("{} {}", c.date, c.hash));
                            }
                            None => {
                                ui.label("—");
                            }
                        }
                        ui.end_row();
                    }
                });
        });
    if let Some(e) = &progress.git_error {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!("Last commits unknown: {e}"),
        );
    }
    for f in &progress.unreadable_files {
        ui.colored_label(ui.visuals().warn_fg_color, f);
    }
}
