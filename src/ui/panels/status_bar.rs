//! The status bar: who is annotating, whether everything is saved, the mode (picking,
//! relating, reviewing with its progress), and the latest message.

use egui::Ui;

use crate::ui::action::{Action, ViewContext};
use crate::ui::state::Mode;

/// Draws the status bar.
pub fn status_bar_ui(ui: &mut Ui, cx: &mut ViewContext<'_>) {
    let state = cx.state;
    ui.horizontal(|ui| {
        let name = state
            .settings
            .annotator
            .as_deref()
            .unwrap_or("not given yet");
        ui.label(format!("Annotator: {name}"))
            .on_hover_text("Your edits are saved under annotations/<this name>/");
        ui.separator();
        if let Some(Err(why)) = state.workspace.as_ref().map(|ws| ws.lock()) {
            ui.colored_label(ui.visuals().warn_fg_color, "READ-ONLY")
                .on_hover_text(why.to_string());
            ui.separator();
        }
        let dirty = state.workspace.as_ref().map_or(0, |ws| ws.dirty_count());
        if state.status.save_error.is_some() {
            ui.colored_label(ui.visuals().error_fg_color, "NOT SAVED");
        } else if dirty > 0 {
            ui.label(format!("{dirty} unsaved"));
        } else {
            ui.label("All saved");
        }
        if let Some(t) = &state.status.last_save {
            ui.label(format!("last save {t}"));
        }
        ui.separator();
        let mode = match &state.mode {
            Mode::Select => None,
            Mode::Pick { attribute, .. } => Some(format!("PICKING {attribute}")),
            Mode::Relate { from, .. } => Some(format!("RELATION FROM #{}", from.0)),
        };
        if let Some(review) = &state.review {
            let (decided, total) = review.total_progress();
            ui.label(
                egui::RichText::new(format!(
                    "REVIEWING → curated · {decided}/{total} decided · Shift+F7 stops"
                ))
                .strong()
                .color(ui.visuals().selection.stroke.color),
            );
            ui.separator();
        }
        if let Some(mode) = mode {
            ui.label(
                egui::RichText::new(format!("{mode} · Esc stops"))
                    .strong()
                    .color(ui.visuals().warn_fg_color),
            );
            ui.separator();
        }
        if let Some((done, total)) = state.adding {
            ui.spinner();
            ui.label(format!("Adding documents: {done} of {total} read"));
            if ui.small_button("Stop").clicked() {
                cx.send(Action::CancelAdding);
            }
            ui.separator();
        }
        if let Some(job) = &state.sync.job {
            ui.spinner();
            let step = job.step().map_or("starting", |s| s.describe());
            ui.label(format!("Sync: {step}…"));
            if !job.is_cancelling() && ui.small_button("Cancel").clicked() {
                cx.send(Action::CancelSync);
            }
            ui.separator();
        } else if let Some(summary) = state.sync.summary() {
            ui.label(format!("git {summary}")).on_hover_text(
                "Your branch, and commits to send (↑) and to get (↓): File → Sync with the team",
            );
            ui.separator();
        }
        if let Some(ws) = &state.workspace {
            let conflicts = ws.merge_conflicts();
            if conflicts > 0
                && ui
                    .link(format!("{conflicts} merge conflict(s) to decide"))
                    .on_hover_text("Review → Next merge conflict")
                    .clicked()
            {
                cx.send(Action::Run(crate::ui::commands::Command::NextConflict));
            }
        }
        if let Some(m) = &state.status.message {
            if m.error {
                ui.colored_label(ui.visuals().error_fg_color, &m.text);
            } else {
                ui.label(&m.text);
            }
        }
    });
}
