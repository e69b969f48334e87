//! The Threads panel: every cross-document group of the annotator, each as a timeline of its
//! members by document date (partial dates allowed; a day without a year and undated
//! documents come last, marked), so a reviewer sees a promise stated, reaffirmed, followed up.
//! Clicking a member shows it in a pane.

use egui::{Color32, RichText, Sense, Stroke, Ui, pos2, vec2};

use crate::commitments::{Thread, ThreadMember, threads};
use crate::ui::action::{Action, ViewContext};
use crate::ui::text::text_block;

/// Width of the date column of a timeline.
const DATE_WIDTH: f32 = 78.0;

/// The threads, computed again only when an edit changed the workspace.
#[derive(Debug, Default)]
pub struct Threads {
    /// (project folder, annotator, workspace revision) the threads are of.
    key: Option<(std::path::PathBuf, String, u64)>,
    threads: Vec<Thread>,
}

impl Threads {
    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let Some(ws) = &cx.state.workspace else {
            ui.label("Open a project to see its threads.");
            return;
        };
        let key = (ws.project.root.clone(), ws.annotator.clone(), ws.revision());
        if self.key.as_ref() != Some(&key) {
            self.threads = threads(ws);
            self.key = Some(key);
        }
        ui.heading(format!("Threads ({})", self.threads.len()));
        if self.threads.is_empty() {
            ui.label(
                "A thread ties the same promise, person or event across documents. Select a span in one pane and its counterpart in another, then Link > Link across documents (Ctrl+L).",
            );
            return;
        }
        egui::ScrollArea::vertical()
            .id_salt("threads scroll")
            .show(ui, |ui| {
                for thread in &self.threads {
                    let title = format!(
                        "{} #{} · {} members",
                        thread.kind,
                        thread.id.0,
                        thread.members.len()
                    );
                    egui::CollapsingHeader::new(title)
                        .id_salt(("thread", thread.id.0))
                        .default_open(true)
                        .show(ui, |ui| {
                            if !thread.note.is_empty() {
                                ui.add(
                                    egui::Label::new(RichText::new(&thread.note).italics()).wrap(),
                                );
                            }
                            timeline_ui(ui, cx, thread);
                        });
                }
            });
    }
}

/// One thread as a timeline: a date column, a line with a dot per member, and the member.
fn timeline_ui(ui: &mut Ui, cx: &mut ViewContext<'_>, thread: &Thread) {
    let line_color = ui.visuals().weak_text_color();
    let mut undated_marked = false;
    for (i, member) in thread.members.iter().enumerate() {
        let placed = member.when.is_some_and(|d| d.has_year());
        if !placed && !undated_marked {
            undated_marked = true;
            ui.label(
                RichText::new("Not placed in time (no date, or no year in the text):")
                    .italics()
                    .weak(),
            );
        }
        let last = i + 1 == thread.members.len();
        let row = ui.horizontal(|ui| {
            let (date_rect, _) = ui.allocate_exact_size(vec2(DATE_WIDTH, 18.0), Sense::hover());
            let color = if placed {
                ui.visuals().text_color()
            } else {
                ui.visuals().weak_text_color()
            };
            let date = RichText::new(date_text(member))
                .monospace()
                .size(12.0)
                .color(color);
            ui.put(date_rect, egui::Label::new(date).truncate());
            let (dot_rect, _) = ui.allocate_exact_size(vec2(14.0, 18.0), Sense::hover());
            let fill = if placed {
                Color32::from_rgb(40, 110, 200)
            } else {
                line_color
            };
            ui.painter().circle_filled(dot_rect.center(), 4.5, fill);
            // The member takes what is left of the panel's width, wrapping its text.
            let width = ui.available_width().max(60.0);
            ui.allocate_ui_with_layout(
                vec2(width, 0.0),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    ui.set_max_width(width);
                    member_ui(ui, cx, member)
                },
            )
        });
        // The line down to the next member.
        if !last {
            let r = row.response.rect;
            let x = r.left() + DATE_WIDTH + ui.spacing().item_spacing.x + 7.0;
            ui.painter().line_segment(
                [pos2(x, r.top() + 14.0), pos2(x, r.bottom() + 6.0)],
                Stroke::new(1.5, line_color),
            );
        }
    }
}

/// What the date column says: "25 Aug 2024", "20 May" (under "no year in the text"),
/// "unreadable" for a date the project file gives in no form Accord reads (`accord validate`
/// names it), or "undated".
fn date_text(member: &ThreadMember) -> String {
    match (&member.when, &member.date) {
        (Some(d), _) => d.human(),
        (None, Some(_)) => "unreadable".to_owned(),
        (None, None) => "undated".to_owned(),
    }
}

fn member_ui(ui: &mut Ui, cx: &mut ViewContext<'_>, member: &ThreadMember) {
    let language = member.language.as_deref().unwrap_or("und");
    let heading = format!("{} · {language}", member.document);
    let link = ui.link(RichText::new(&heading).small());
    let mut clicked = link.clicked();
    let mut facts = Vec::new();
    if let Some(label) = &member.label {
        facts.push(format!("{label} #{}", member.annotation.0));
    } else {
        facts.push(format!("#{} is missing", member.annotation.0));
    }
    if let Some(kind) = &member.kind {
        facts.push(kind.clone());
    }
    if let Some(status) = &member.status {
        facts.push(status.clone());
    }
    if member.when.is_some_and(|d| !d.has_year()) {
        facts.push("the text gives no year".to_owned());
    }
    ui.label(RichText::new(facts.join(" · ")).small().weak());
    if !member.text.is_empty() {
        clicked |= text_block(ui, cx.engine, &member.text, 14.0).clicked();
    }
    if clicked && let Some(doc) = member.doc {
        cx.send(Action::SelectAnnotation {
            doc,
            id: member.annotation,
        });
    }
}
