//! Documents side by side: up to four panes, each a header and a [`DocView`]; the borders
//! between them can be dragged; optionally they scroll together by relative position. Members
//! of a cross-document group on screen in two panes are joined by a line that follows
//! scrolling.

use std::collections::HashMap;

use egui::{Sense, Ui, vec2};

use egui::{Color32, Pos2, Shape, Stroke, pos2};

use crate::layout::Direction;
use crate::model::{AnnotationId, CharRange, GroupId};
use crate::project::{StoreStatus, WorkspaceFile};

use super::action::{Action, ViewContext};
use super::fills::{Fills, cubic_points};
use super::pane_header::pane_header_ui;
use super::panels::find_bar::FindBar;
use super::state::{AppState, Mode, PaneId, PaneState};
use super::text::TextEngine;
use super::text_view::{DocView, Emphasis, Relations, ReviewMarks, ViewInput};
use crate::store::AnnotationStore;

/// What a pane whose own annotations are hidden draws of them.
static NO_ANNOTATIONS: std::sync::LazyLock<AnnotationStore> =
    std::sync::LazyLock::new(AnnotationStore::new);

/// Width of the draggable border between panes.
const SEPARATOR: f32 = 6.0;
/// Narrowest a pane gets, as a share of the width.
const MIN_SHARE: f32 = 0.08;

/// The document views of the panes, each kept under its pane's [`PaneId`] (as rerun keeps
/// view states by view id): a view is made the first time its pane is drawn or scrolled, and
/// dropped once its pane is gone, so nothing has to be kept in step with the state's panes.
#[derive(Debug, Default)]
pub struct Panes {
    views: HashMap<PaneId, DocView>,
}

/// A line drawn between two members of a cross-document group shown in two panes.
#[derive(Clone, Debug, PartialEq)]
struct GroupLine {
    /// The group.
    pub group: GroupId,
    /// The left pane and the member there.
    pub left: (PaneId, AnnotationId),
    /// The right pane and the member there.
    pub right: (PaneId, AnnotationId),
    /// Its path on screen: see [`route_between`].
    pub route: [Pos2; 4],
}

impl Panes {
    /// The view of pane `pane`, once it has one.
    pub fn view(&self, pane: PaneId) -> Option<&DocView> {
        self.views.get(&pane)
    }

    /// The view of pane `pane` (a fresh one if it had none yet), to scroll it.
    pub fn view_mut(&mut self, pane: PaneId) -> &mut DocView {
        self.views.entry(pane).or_default()
    }

    /// Forgets pane `pane`'s layout, scroll and drag (it shows another document now).
    pub fn forget_view(&mut self, pane: PaneId) {
        self.views.remove(&pane);
    }

    /// The direction of the text at `char_offset` in pane `pane`, as laid out.
    pub fn direction_at(&self, pane: PaneId, char_offset: usize) -> Direction {
        self.view(pane)
            .map_or(Direction::Ltr, |v| v.direction_at(char_offset))
    }

    /// Draws every pane and the borders between them, with the find bar's matches.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>, find: &FindBar) {
        let state = cx.state;
        if state.workspace.is_none() || state.panes.is_empty() {
            ui.centered_and_justified(|ui| {
                ui.label(if state.workspace.as_ref().is_some_and(|ws| ws.doc_ids().len() == 0) {
                    "This project has no documents yet: File > Add documents…, or drop files onto the window"
                } else {
                    "Open a document from the list on the left"
                });
            });
            return;
        }
        // Views of closed panes go.
        self.views.retain(|id, _| state.pane(*id).is_some());
        let full = ui.available_rect_before_wrap();
        let n = state.panes.len();
        let usable = full.width() - SEPARATOR * (n - 1) as f32;
        let before: Vec<(PaneId, f32)> = state
            .panes
            .iter()
            .map(|p| (p.id, self.view(p.id).map_or(0.0, DocView::scroll_fraction)))
            .collect();
        let mut x = full.left();
        for (i, pane) in state.panes.iter().enumerate() {
            let width = (pane.fraction * usable).max(80.0);
            let rect =
                egui::Rect::from_min_size(egui::pos2(x, full.top()), vec2(width, full.height()));
            let mut child = ui.new_child(
                egui::UiBuilder::new()
                    .max_rect(rect)
                    .id_salt(("pane", pane.id)),
            );
            child.set_clip_rect(rect.intersect(ui.clip_rect()));
            self.pane_ui(&mut child, cx, pane, find);
            x += width;
            if i + 1 < n {
                let border = egui::Rect::from_min_size(
                    egui::pos2(x, full.top()),
                    vec2(SEPARATOR, full.height()),
                );
                let response = ui
                    .interact(
                        border,
                        ui.make_persistent_id(("pane separator", pane.id)),
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
                    cx.send(Action::ResizePanes {
                        left: pane.id,
                        delta,
                    });
                }
                x += SEPARATOR;
            }
        }
        ui.allocate_rect(full, Sense::hover());
        if state.settings.sync_scroll && n > 1 {
            self.follow_the_scrolled_pane(&before);
        }
        let lines = self.lines_between_panes(state);
        let painter = ui.painter_at(full);
        let dark = ui.visuals().dark_mode;
        let mut dashes = Fills::new(ui.ctx().pixels_per_point());
        let mut shapes = Vec::new();
        for line in &lines {
            let [start, leave, enter, end] = line.route;
            let color = group_color(line.group, dark);
            // Dashed where it runs under text, so it reads as a path, not an underline.
            for (a, b) in [(start, leave), (enter, end)] {
                dashes.dashed_hline(a, b, 1.5, (5.0, 3.0), color);
            }
            let bend = ((enter.x - leave.x) * 0.4).max(8.0);
            let curve = [
                leave,
                pos2(leave.x + bend, leave.y),
                pos2(enter.x - bend, enter.y),
                enter,
            ];
            shapes.push(Shape::line(
                cubic_points(curve, 16),
                Stroke::new(2.0, color),
            ));
            for end in [start, end] {
                shapes.push(Shape::circle_filled(end, 3.5, color));
            }
        }
        if !dashes.is_empty() {
            painter.add(dashes.into_shape());
        }
        painter.extend(shapes);
        describe_lines(ui, state, &lines);
    }

    /// For each group, its members on screen joined pane to neighbouring pane (see
    /// [`neighbour_pairs`]; the left one's pane first): the line joining two, from the side of
    /// each span that faces the other pane, routed through the gaps between lines.
    fn lines_between_panes(&self, state: &AppState) -> Vec<GroupLine> {
        let Some(ws) = &state.workspace else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        for group in ws.groups().store.groups() {
            // (pane, annotation, rect) of each member on screen.
            let mut shown = Vec::new();
            for member in &group.members {
                let Some((doc, id)) = ws.locate(member) else {
                    continue;
                };
                for (index, p) in state.panes.iter().enumerate() {
                    if p.doc != doc {
                        continue;
                    }
                    let Some(view) = self.view(p.id) else {
                        continue;
                    };
                    if let Some(rect) = view.span_on_screen(id)
                        && view.screen_viewport().intersects(rect)
                    {
                        shown.push((index, p.id, id, rect));
                    }
                }
            }
            let panes: Vec<usize> = shown.iter().map(|s| s.0).collect();
            for (a, b) in neighbour_pairs(&panes) {
                let (l, r) = (&shown[a], &shown[b]);
                let view = |pane| self.view(pane).map(DocView::screen_viewport);
                let (Some(left_view), Some(right_view)) = (view(l.1), view(r.1)) else {
                    continue;
                };
                lines.push(GroupLine {
                    group: group.id,
                    left: (l.1, l.2),
                    right: (r.1, r.2),
                    route: route_between(l.3, left_view, r.3, right_view),
                });
            }
        }
        lines
    }

    /// Synchronised scrolling: the panes follow the one the user scrolled, by relative
    /// position.
    fn follow_the_scrolled_pane(&mut self, before: &[(PaneId, f32)]) {
        let moved = before.iter().find_map(|(id, b)| {
            let v = self.view(*id)?;
            ((v.scroll_fraction() - b).abs() > 1e-4 && !v.is_scrolling_itself())
                .then(|| (*id, v.scroll_fraction()))
        });
        if let Some((leader, f)) = moved {
            for (id, v) in &mut self.views {
                if *id != leader {
                    v.scroll_to_fraction(f);
                }
            }
        }
    }

    fn pane_ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>, pane: &PaneState, find: &FindBar) {
        let state = cx.state;
        let Some(ws) = &state.workspace else { return };
        let active = pane.id == state.active;
        let direction = self
            .view(pane.id)
            .map_or(Direction::Ltr, DocView::document_direction);
        let frame = egui::Frame::new()
            .stroke(if active {
                ui.visuals().selection.stroke
            } else {
                ui.visuals().widgets.noninteractive.bg_stroke
            })
            .inner_margin(2.0);
        frame.show(ui, |ui| {
            pane_header_ui(ui, cx, pane, direction);
            let doc = pane.doc;
            if let StoreStatus::Locked(reason) = &ws.doc_state(doc).status {
                ui.colored_label(ui.visuals().warn_fg_color, format!("Read-only: {reason}"));
            }
            if ws.conflict(WorkspaceFile::Doc(doc)).is_some() {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "Changed on disk while you have unsaved changes: saving this document waits for your answer",
                );
            }
            if ws.doc_state(doc).changed.is_some() {
                let flagged = ws.flagged(doc).len();
                if flagged > 0 {
                    ui.horizontal_wrapped(|ui| {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!("The text changed since it was annotated: {flagged} annotation(s) no longer match their text."),
                        );
                        if ui
                            .button("Re-anchor")
                            .on_hover_text("Move each to its stored text: the exact match nearest its old place, else a tolerant match; nothing is deleted, Ctrl+Z undoes")
                            .clicked()
                        {
                            cx.send(Action::Reanchor(doc));
                        }
                    });
                }
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
            let references = references_shown(state, doc);
            let layers: Vec<(&str, &AnnotationStore)> = pane
                .layers
                .iter()
                .filter_map(|a| state.layers.get(a, doc).map(|s| (a.as_str(), s)))
                .collect();
            let review = state.review.as_ref().map(|r| ReviewMarks {
                items: r.items(doc),
                current: r.current.filter(|(d, _)| *d == doc).map(|(_, i)| i),
            });
            let pickable = pick_labels(state, doc);
            let emphasis = Emphasis {
                references: &references,
                candidate: match &state.mode {
                    Mode::Pick { doc: d, .. } | Mode::Relate { doc: d, .. } if *d == doc => {
                        state.mode.candidate()
                    }
                    _ => None,
                },
                pickable: pickable.as_deref(),
                relations: if state.settings.all_relations {
                    Relations::All
                } else {
                    Relations::Of(pane.selection.annotation())
                },
                highlighted_link: state
                    .hovered_link
                    .filter(|(d, _)| *d == doc)
                    .map(|(_, l)| l),
                relating_from: match &state.mode {
                    Mode::Relate { doc: d, from, .. } if *d == doc => Some(*from),
                    _ => None,
                },
                layers: &layers,
                review,
                found: find.shown_in(doc),
                // While reviewing, the workspace is the curated set: nothing is proposed.
                suggestions: if state.review.is_some() {
                    &[]
                } else {
                    state.suggestions.of(doc)
                },
                current_suggestion: match pane.selection {
                    crate::ui::state::Selection::Suggestion(range) => Some(range),
                    _ => None,
                },
            };
            let input = ViewInput {
                doc: document,
                language: ws
                    .project
                    .slot(doc)
                    .and_then(|s| s.entry.language.as_deref()),
                store: if pane.own {
                    ws.store(doc)
                } else {
                    &NO_ANNOTATIONS
                },
                schema: &ws.project.schema,
                selection: pane.selection,
                style: state.text_style(),
                id: ui.make_persistent_id(("document view", pane.id)),
                emphasis,
            };
            let events = self.view_mut(pane.id).show(ui, cx.engine, &input);
            for event in events {
                cx.send(Action::View {
                    pane: pane.id,
                    event,
                });
            }
        });
        if ui.ui_contains_pointer() && ui.input(|i| i.pointer.any_pressed()) && !active {
            cx.send(Action::Activate(pane.id));
        }
    }

    /// Screen rectangles of `range` in pane `pane`, as last drawn.
    pub fn screen_rects(
        &mut self,
        engine: &mut TextEngine,
        pane: PaneId,
        doc: &crate::model::Document,
        range: CharRange,
    ) -> Vec<egui::Rect> {
        self.views
            .get_mut(&pane)
            .map_or_else(Vec::new, |v| v.screen_rects(engine, doc, range))
    }
}

/// The path of the line joining a span in a pane (`from`, its first rectangle on screen, in
/// the view `from_view`) to a span in a pane to its right: from the span's end along the gap
/// under its line to the view's edge, across to the other view's edge, and along the gap under
/// the other span's line to its start (the gap over the line when the line is the last in
/// view). Straight across, the line cut through the words between and read as a
/// strike-through, which in review means rejected; in the gaps between lines it crosses no
/// glyph. The four points: start, where it leaves its view, where it enters the other, end.
pub fn route_between(
    from: egui::Rect,
    from_view: egui::Rect,
    to: egui::Rect,
    to_view: egui::Rect,
) -> [Pos2; 4] {
    let gap = |span: egui::Rect, view: egui::Rect| {
        // A span's rectangle is its line's box: its edge is the middle of the gap.
        if span.bottom() + 2.0 < view.bottom() {
            span.bottom()
        } else {
            span.top()
        }
    };
    let (a, b) = (gap(from, from_view), gap(to, to_view));
    [
        pos2(from.right(), a),
        pos2(from_view.right().max(from.right()), a),
        pos2(to_view.left().min(to.left()), b),
        pos2(to.left(), b),
    ]
}

/// Which members to join, given the index of the pane each is shown in: each to those in the
/// next pane to its right that shows one, as `(left, right)` indexes into `panes`. Every pair
/// would draw lines across the panes between them, through their text (six lines for a group
/// in four panes, where three read as the thread it is).
fn neighbour_pairs(panes: &[usize]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (a, &left) in panes.iter().enumerate() {
        let Some(next) = panes.iter().copied().filter(|&p| p > left).min() else {
            continue;
        };
        pairs.extend(
            panes
                .iter()
                .enumerate()
                .filter(|&(_, &p)| p == next)
                .map(|(b, _)| (a, b)),
        );
    }
    pairs
}

/// The lines between panes told to AccessKit (screen readers, tests): one node each, named
/// by the group and the two members it joins, at the line's place on screen.
fn describe_lines(ui: &Ui, state: &AppState, lines: &[GroupLine]) {
    let Some(ws) = &state.workspace else { return };
    // A few lines at most: no need to ask whether AccessKit is on.
    let member = |(pane, id): (PaneId, AnnotationId)| {
        let Some(doc) = state.pane(pane).map(|p| p.doc) else {
            return String::new();
        };
        let label = ws.store(doc).get(id).map_or("?", |a| a.label.as_str());
        format!("{} {label} {id}", ws.file_name(doc))
    };
    for line in lines {
        let kind = ws
            .groups()
            .store
            .get(line.group)
            .map_or("group", |g| g.kind.as_str());
        let rect = line.route.iter().fold(egui::Rect::NOTHING, |r, p| {
            r.union(egui::Rect::from_min_max(*p, *p))
        });
        let id = ui
            .scope_id()
            .with(("group line", line.group, line.left, line.right));
        // Named only when asked (AccessKit on): a frame with a hundred lines formatted them
        // all.
        ui.interact(rect, id, Sense::hover()).widget_info(|| {
            let name = format!(
                "thread {kind} #{}: {} ↔ {}",
                line.group.0,
                member(line.left),
                member(line.right)
            );
            egui::WidgetInfo::labeled(egui::accesskit::Role::GraphicsObject, true, &name)
        });
    }
}

/// The spans the annotation in the details panel points at, when it is of `doc`, with the
/// attribute's name.
fn references_shown(state: &AppState, doc: crate::project::DocId) -> Vec<(AnnotationId, String)> {
    let Some(ws) = &state.workspace else {
        return Vec::new();
    };
    match state.details_target() {
        Some((d, id)) if d == doc => ws
            .store(d)
            .get(id)
            .map(|a| {
                a.references()
                    .map(|(name, r)| (r, name.to_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// While picking in `doc`: the labels a click takes.
fn pick_labels(state: &AppState, doc: crate::project::DocId) -> Option<Vec<String>> {
    let Mode::Pick {
        doc: d,
        owner,
        attribute,
        ..
    } = &state.mode
    else {
        return None;
    };
    let ws = state.workspace.as_ref()?;
    if *d != doc {
        return None;
    }
    let owner = ws.store(*d).get(*owner)?;
    ws.project
        .schema
        .reference_labels(&owner.label, attribute)
        .map(|(labels, _)| labels.to_vec())
}

/// A colour per group, the same every frame.
fn group_color(group: GroupId, dark: bool) -> Color32 {
    const LIGHT: [Color32; 6] = [
        Color32::from_rgb(200, 40, 120),
        Color32::from_rgb(20, 120, 160),
        Color32::from_rgb(120, 90, 10),
        Color32::from_rgb(90, 60, 180),
        Color32::from_rgb(20, 130, 60),
        Color32::from_rgb(180, 70, 20),
    ];
    let c = LIGHT[(group.0 as usize) % LIGHT.len()];
    if dark {
        c.lerp_to_gamma(Color32::WHITE, 0.35)
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::neighbour_pairs;

    /// A group in four panes is a thread of three lines, each between neighbouring panes; a
    /// pane without a member is crossed; two members in one pane each meet the next pane's.
    #[test]
    fn members_are_joined_pane_to_neighbouring_pane() {
        assert_eq!(neighbour_pairs(&[2, 0, 3, 1]), [(0, 2), (1, 3), (3, 0)]);
        assert_eq!(neighbour_pairs(&[0, 2]), [(0, 1)]);
        assert_eq!(neighbour_pairs(&[1, 1, 2]), [(0, 2), (1, 2)]);
        assert_eq!(neighbour_pairs(&[3]), []);
    }
}
