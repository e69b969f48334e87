//! Documents side by side: up to four panes, each with its own document, scroll and
//! selection; resizable; optionally scrolled together by relative position.

use egui::{RichText, Sense, Ui, vec2};

use crate::layout::Direction;
use crate::project::StoreStatus;

use super::app::{AccordApp, Action};
use super::text_view::ViewInput;

const SEPARATOR: f32 = 6.0;

impl AccordApp {
    pub(crate) fn panes_ui(&mut self, ui: &mut Ui) {
        if self.ws.is_none() || self.panes.is_empty() {
            ui.centered_and_justified(|ui| {
                ui.label("Open a project folder: File > Open project… (Ctrl+O)");
            });
            return;
        }
        let full = ui.available_rect_before_wrap();
        let n = self.panes.len();
        let usable = full.width() - SEPARATOR * (n - 1) as f32;
        let before: Vec<f32> = self
            .panes
            .iter()
            .map(|p| p.view.scroll_fraction())
            .collect();
        let mut x = full.left();
        for i in 0..n {
            let width = (self.panes[i].fraction * usable).max(80.0);
            let rect =
                egui::Rect::from_min_size(egui::pos2(x, full.top()), vec2(width, full.height()));
            let mut child =
                ui.new_child(egui::UiBuilder::new().max_rect(rect).id_salt(("pane", i)));
            child.set_clip_rect(rect.intersect(ui.clip_rect()));
            self.pane_ui(&mut child, i);
            x += width;
            if i + 1 < n {
                let sep = egui::Rect::from_min_size(
                    egui::pos2(x, full.top()),
                    vec2(SEPARATOR, full.height()),
                );
                let response = ui
                    .interact(
                        sep,
                        ui.make_persistent_id(("pane separator", i)),
                        Sense::drag(),
                    )
                    .on_hover_cursor(egui::CursorIcon::ResizeHorizontal);
                let stroke = ui.visuals().widgets.noninteractive.bg_stroke;
                ui.painter().vline(sep.center().x, sep.y_range(), stroke);
                if response.dragged() {
                    let delta = response.drag_delta().x / usable;
                    let (a, b) = (self.panes[i].fraction, self.panes[i + 1].fraction);
                    let moved = delta.clamp(0.08 - a, b - 0.08);
                    self.panes[i].fraction = a + moved;
                    self.panes[i + 1].fraction = b - moved;
                }
                if response.drag_stopped() {
                    self.remember_layout();
                }
                x += SEPARATOR;
            }
        }
        ui.allocate_rect(full, Sense::hover());
        if self.settings.sync_scroll && n > 1 {
            self.sync_scroll(&before);
        }
    }

    /// Panes follow the one the user scrolled, by relative position.
    fn sync_scroll(&mut self, before: &[f32]) {
        let moved = self.panes.iter().zip(before).position(|(p, b)| {
            (p.view.scroll_fraction() - b).abs() > 1e-4 && p.view.scroll_to.is_none()
        });
        if let Some(leader) = moved {
            let f = self.panes[leader].view.scroll_fraction();
            for (i, p) in self.panes.iter_mut().enumerate() {
                if i != leader && p.view.max_scroll_y > 0.0 {
                    p.view.scroll_to = Some(f * p.view.max_scroll_y);
                }
            }
        }
    }

    fn pane_ui(&mut self, ui: &mut Ui, index: usize) {
        let style = self.text_style();
        let pane_count = self.panes.len();
        let Some(ws) = &self.ws else { return };
        let doc = self.panes[index].doc.min(ws.len().saturating_sub(1));
        let slot = &ws.project.documents[doc];
        let active = index == self.active;
        let frame = egui::Frame::new()
            .stroke(if active {
                ui.visuals().selection.stroke
            } else {
                ui.visuals().widgets.noninteractive.bg_stroke
            })
            .inner_margin(2.0);
        frame.show(ui, |ui| {
            // The header gets a fixed strip of its own: in a narrow pane it is clipped rather
            // than widening the pane (and with it the text layout) past its share.
            let strip = egui::Rect::from_min_size(
                ui.cursor().min,
                vec2(ui.available_width(), ui.spacing().interact_size.y + 4.0),
            );
            let mut header = ui.new_child(
                egui::UiBuilder::new()
                    .max_rect(strip)
                    .layout(egui::Layout::left_to_right(egui::Align::Center)),
            );
            header.set_clip_rect(strip.intersect(ui.clip_rect()));
            ui.advance_cursor_after_rect(strip);
            {
                let ui = &mut header;
                let mut chosen = doc;
                egui::ComboBox::from_id_salt(("pane document", index))
                    .selected_text(slot.file())
                    .width((ui.available_width() - 135.0).clamp(40.0, 260.0))
                    .show_ui(ui, |ui| {
                        for (i, d) in ws.project.documents.iter().enumerate() {
                            ui.selectable_value(&mut chosen, i, d.file());
                        }
                    })
                    .response
                    .widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::accesskit::Role::ComboBox,
                            true,
                            format!("Document in pane {}", index + 1),
                        )
                    });
                if chosen != doc {
                    self.queue.push(Action::ShowDocument {
                        pane: index,
                        doc: chosen,
                    });
                }
                let language = slot.entry.language.as_deref().unwrap_or("und");
                let direction = match self.panes[index].view.direction_at(0) {
                    Direction::Rtl => "RTL",
                    Direction::Ltr => "LTR",
                };
                ui.label(RichText::new(format!("{language} · {direction}")).monospace())
                    .on_hover_text(
                        "Language tag from accord.ron; direction of the text as laid out",
                    );
                if pane_count > 1
                    && ui
                        .small_button("×")
                        .on_hover_text("Close pane (Ctrl+W)")
                        .clicked()
                {
                    self.queue.push(Action::Activate(index));
                    self.queue
                        .push(Action::Run(super::commands::Command::ClosePane));
                }
            }
            let state = ws.doc_state(doc);
            if let StoreStatus::Locked(reason) = &state.status {
                ui.colored_label(ui.visuals().warn_fg_color, format!("Read-only: {reason}"));
            }
            let Some(document) = ws.document(doc) else {
                if let Err(e) = &slot.document {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("This document cannot be shown: {e}"),
                    );
                }
                return;
            };
            let input = ViewInput {
                doc: document,
                language: slot.entry.language.as_deref(),
                store: &state.store,
                schema: &ws.project.schema,
                selected: self.selected.filter(|(d, _)| *d == doc).map(|(_, id)| id),
                style,
                id: ui.make_persistent_id(("document view", index)),
            };
            let pane = &mut self.panes[index];
            let events = pane.view.show(ui, &mut self.engine, &input);
            for event in events {
                self.queue.push(Action::View { pane: index, event });
            }
        });
        if ui.ui_contains_pointer() && ui.input(|i| i.pointer.any_pressed()) && !active {
            self.queue.push(Action::Activate(index));
        }
    }
}
