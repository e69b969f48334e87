//! The Guidelines tab of the side panel: the project's `guidelines.md`, scrolled to the
//! section of the label of the selected span (or the label asked about from the palette), its
//! text laid out by our text engine so every script reads as in the documents. A project
//! without one is offered a first version written from its labels.

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::guidelines::{BlockKind, Guidelines};
use crate::ui::action::{Action, ViewContext};
use crate::ui::text::text_block;

/// The Guidelines tab: the guidelines read, and the label last scrolled to.
#[derive(Debug, Default)]
pub struct GuidelinesPanel {
    /// The project they were read from, and what was read (none, or why not).
    loaded: Option<(PathBuf, Result<Option<Guidelines>, String>)>,
    /// The label whose section was last scrolled to: scrolled again only when it changes, so
    /// the reader can scroll away.
    scrolled_to: Option<String>,
    /// The label whose section is shown: the selected span's when the selection changes, the
    /// one asked about when a label's guideline is asked for.
    focus: Option<String>,
    /// The selected span's label and the question last seen, to tell when either changes.
    last_selected: Option<String>,
    last_asked: Option<(u64, String)>,
}

impl GuidelinesPanel {
    /// Reads the file again next time it shows (it was written, or changed on disk).
    pub fn reload(&mut self) {
        self.loaded = None;
        self.scrolled_to = None;
    }

    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let state = cx.state;
        let Some(ws) = &state.workspace else {
            ui.label("Open a project to see its guidelines.");
            return;
        };
        let root = &ws.project.root;
        if self.loaded.as_ref().is_none_or(|(r, _)| r != root) {
            let read = ws
                .project
                .guidelines()
                .map(|text| text.map(|t| Guidelines::parse(&t)))
                .map_err(|e| e.to_string());
            self.loaded = Some((root.clone(), read));
            self.scrolled_to = None;
        }
        ui.horizontal(|ui| {
            ui.weak(crate::project::setup::GUIDELINES_FILE);
            if ui.small_button("Reload").clicked() {
                self.reload();
            }
        });
        let Some((_, read)) = &self.loaded else {
            return;
        };
        let guidelines = match read {
            Err(why) => {
                ui.colored_label(ui.visuals().error_fg_color, why);
                return;
            }
            Ok(None) => {
                ui.label("This project has no guidelines.md yet: the guidelines annotators follow, a section per label.");
                if ui.button("Write a first version from the labels").clicked() {
                    cx.send(Action::WriteGuidelines);
                }
                return;
            }
            Ok(Some(guidelines)) => guidelines,
        };
        let selected = selected_label(cx);
        if selected != self.last_selected {
            self.last_selected = selected.clone();
            if selected.is_some() {
                self.focus = selected;
            }
        }
        if state.guidelines_asked != self.last_asked {
            self.last_asked = state.guidelines_asked.clone();
            if let Some((_, label)) = &self.last_asked {
                self.focus = Some(label.clone());
            }
        }
        let label = self.focus.clone();
        let target = label.as_deref().and_then(|l| guidelines.section_of(l));
        let scroll = label.is_some() && target.is_some() && self.scrolled_to != label;
        if scroll {
            self.scrolled_to = label.clone();
        }
        if let Some(label) = &label
            && target.is_none()
        {
            ui.weak(format!("No section names {label}."));
        }
        let size = egui::TextStyle::Body.resolve(ui.style()).size;
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for (i, block) in guidelines.blocks.iter().enumerate() {
                    let response = match block.kind {
                        BlockKind::Heading(level) => {
                            ui.add_space(if level <= 2 { 10.0 } else { 6.0 });
                            let grow = match level {
                                1 => 1.5,
                                2 => 1.3,
                                3 => 1.15,
                                _ => 1.0,
                            };
                            let response = text_block(ui, cx.engine, &block.text, size * grow);
                            if Some(i) == target {
                                // A bar beside the section being read.
                                let rect = response.rect;
                                ui.painter().vline(
                                    rect.left() - 4.0,
                                    rect.y_range(),
                                    egui::Stroke::new(3.0, ui.visuals().selection.bg_fill),
                                );
                            }
                            response
                        }
                        BlockKind::Paragraph => text_block(ui, cx.engine, &block.text, size),
                        BlockKind::Item { depth } => {
                            let mut response = None;
                            ui.horizontal_top(|ui| {
                                ui.add_space(12.0 * depth.saturating_sub(1) as f32);
                                ui.label("•");
                                response = Some(text_block(ui, cx.engine, &block.text, size));
                            });
                            response.unwrap_or_else(|| ui.label(""))
                        }
                        BlockKind::Code => ui.label(RichText::new(&block.text).monospace()),
                        BlockKind::Rule => ui.separator(),
                    };
                    if scroll && Some(i) == target {
                        response.scroll_to_me(Some(egui::Align::TOP));
                    }
                    ui.add_space(4.0);
                }
            });
    }
}

/// The label of the annotation selected (or being filled).
fn selected_label(cx: &ViewContext<'_>) -> Option<String> {
    let state = cx.state;
    let (doc, id) = state.details_target()?;
    let ws = state.workspace.as_ref()?;
    ws.store(doc).get(id).map(|a| a.label.clone())
}
