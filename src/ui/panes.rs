//! Documents side by side: up to four panes, each a header and a [`DocView`]; the borders
//! between them can be dragged; optionally they scroll together by relative position.

use egui::{Sense, Ui, vec2};

use crate::layout::Direction;
use crate::model::CharRange;
use crate::project::StoreStatus;

use super::action::{Action, ViewContext};
use super::pane_header::pane_header_ui;
use super::text::TextEngine;
use super::text_view::{DocView, ViewInput};

/// Width of the draggable border between panes.
const SEPARATOR: f32 = 6.0;
/// Narrowest a pane gets, as a share of the width.
const MIN_SHARE: f32 = 0.08;

/// The document views of the panes, one per pane of the state, in the same order.
#[derive(Debug, Default)]
pub struct Panes {
    views: Vec<DocView>,
}

impl Panes {
    /// The view of pane `pane`.
    pub fn view(&self, pane: usize) -> Option<&DocView> {
        self.views.get(pane)
    }

    /// The view of pane `pane`, to scroll it.
    pub fn view_mut(&mut self, pane: usize) -> Option<&mut DocView> {
        self.views.get_mut(pane)
    }

    /// One fresh view per pane (a project was opened).
    pub fn reset(&mut self, panes: usize) {
        self.views = (0..panes).map(|_| DocView::default()).collect();
    }

    /// A fresh view for a new pane at the end.
    pub fn push(&mut self) {
        self.views.push(DocView::default());
    }

    /// Drops the view of a closed pane.
    pub fn remove(&mut self, pane: usize) {
        if pane < self.views.len() {
            self.views.remove(pane);
        }
    }

    /// The direction of the text at `char_offset` in pane `pane`, as laid out.
    pub fn direction_at(&self, pane: usize, char_offset: usize) -> Direction {
        self.view(pane)
            .map_or(Direction::Ltr, |v| v.direction_at(char_offset))
    }

    /// Draws every pane and the borders between them.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let state = cx.state;
        if state.workspace.is_none() || state.panes.is_empty() {
            ui.centered_and_justified(|ui| {
                ui.label("Open a project folder: File > Open project… (Ctrl+O)");
            });
            return;
        }
        self.views.resize_with(state.panes.len(), DocView::default);
        let full = ui.available_rect_before_wrap();
        let n = state.panes.len();
        let usable = full.width() - SEPARATOR * (n - 1) as f32;
        let before: Vec<f32> = self.views.iter().map(DocView::scroll_fraction).collect();
        let mut x = full.left();
        for i in 0..n {
            let width = (state.panes[i].fraction * usable).max(80.0);
            let rect =
                egui::Rect::from_min_size(egui::pos2(x, full.top()), vec2(width, full.height()));
            let mut child =
                ui.new_child(egui::UiBuilder::new().max_rect(rect).id_salt(("pane", i)));
            child.set_clip_rect(rect.intersect(ui.clip_rect()));
            self.pane_ui(&mut child, cx, i);
            x += width;
            if i + 1 < n {
                let border = egui::Rect::from_min_size(
                    egui::pos2(x, full.top()),
                    vec2(SEPARATOR, full.height()),
                );
                let response = ui
                    .interact(
                        border,
                        ui.make_persistent_id(("pane separator", i)),
                        Sense::drag(),
                    )
                    .on_hover_cursor(egui::CursorIcon::ResizeHorizontal);
                let stroke = ui.visuals().widgets.noninteractive.bg_stroke;
                ui.painter()
                    .vline(border.center().x, border.y_range(), stroke);
                if response.dragged() && response.drag_delta().x != 0.0 {
                    let (a, b) = (state.panes[i].fraction, state.panes[i + 1].fraction);
                    let delta =
                        (response.drag_delta().x / usable).clamp(MIN_SHARE - a, b - MIN_SHARE);
                    cx.send(Action::ResizePanes { left: i, delta });
                }
                x += SEPARATOR;
            }
        }
        ui.allocate_rect(full, Sense::hover());
        if state.settings.sync_scroll && n > 1 {
            self.follow_the_scrolled_pane(&before);
        }
    }

    /// Synchronised scrolling: the panes follow the one the user scrolled, by relative
    /// position.
    fn follow_the_scrolled_pane(&mut self, before: &[f32]) {
        let moved =
            self.views.iter().zip(before).position(|(v, b)| {
                (v.scroll_fraction() - b).abs() > 1e-4 && !v.is_scrolling_itself()
            });
        if let Some(leader) = moved {
            let f = self.views[leader].scroll_fraction();
            for (i, v) in self.views.iter_mut().enumerate() {
                if i != leader {
                    v.scroll_to_fraction(f);
                }
            }
        }
    }

    fn pane_ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>, index: usize) {
        let state = cx.state;
        let Some(ws) = &state.workspace else { return };
        let pane = &state.panes[index];
        let active = index == state.active;
        let direction = self.direction_at(index, 0);
        let frame = egui::Frame::new()
            .stroke(if active {
                ui.visuals().selection.stroke
            } else {
                ui.visuals().widgets.noninteractive.bg_stroke
            })
            .inner_margin(2.0);
        frame.show(ui, |ui| {
            pane_header_ui(ui, cx, index, direction);
            let doc = pane.doc;
            if let StoreStatus::Locked(reason) = &ws.doc_state(doc).status {
                ui.colored_label(ui.visuals().warn_fg_color, format!("Read-only: {reason}"));
            }
            let Some(document) = ws.document(doc) else {
                if let Some(Err(e)) = ws.project.slot(doc).map(|s| &s.document) {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("This document cannot be shown: {e}"),
                    );
                }
                return;
            };
            let input = ViewInput {
                doc: document,
                language: ws
                    .project
                    .slot(doc)
                    .and_then(|s| s.entry.language.as_deref()),
                store: ws.store(doc),
                schema: &ws.project.schema,
                selection: pane.selection,
                style: state.text_style(),
                id: ui.make_persistent_id(("document view", index)),
            };
            let events = self.views[index].show(ui, cx.engine, &input);
            for event in events {
                cx.send(Action::View { pane: index, event });
            }
        });
        if ui.ui_contains_pointer() && ui.input(|i| i.pointer.any_pressed()) && !active {
            cx.send(Action::Activate(index));
        }
    }

    /// Screen rectangles of `range` in pane `pane`, as last drawn.
    pub fn screen_rects(
        &mut self,
        engine: &mut TextEngine,
        pane: usize,
        doc: &crate::model::Document,
        range: CharRange,
    ) -> Vec<egui::Rect> {
        self.views
            .get_mut(pane)
            .map_or_else(Vec::new, |v| v.screen_rects(engine, doc, range))
    }
}
