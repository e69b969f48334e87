//! The document text view: one document in a pane, laid out lazily, with its spans, the
//! selection and the pointer (drags select text, clicks pick spans). Everything that shows
//! document text goes through [`crate::layout`], so Arabic is joined and right-to-left
//! everywhere, and a selection is always the characters the user saw highlighted.
//!
//! Layout and hit-testing come from [`crate::layout`] (parley); glyphs are drawn from the
//! [`super::glyph_atlas::GlyphAtlas`] as textured meshes. Only blocks on screen are laid out
//! and painted.

use std::collections::HashMap;

use egui::{
    Color32, CornerRadius, Id, Mesh, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, pos2, vec2,
};

use crate::layout::{BlockLayout, Direction, DocumentLayout, TextStyle};
use crate::model::boundaries::{snap_to_clusters, snap_to_words};
use crate::model::{AnnotationId, CharRange, Document};
use crate::schema::Schema;
use crate::store::AnnotationStore;

use super::state::Selection;
use super::text::{TextEngine, snap_to_pixel};

/// Space between the pane edge and the text.
const MARGIN: f32 = 14.0;

/// What the user did in a document view this frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewEvent {
    /// A drag ended: the user selected this range (snapped, exactly as it was highlighted).
    Selected(CharRange),
    /// A Ctrl+drag ended: add this range as a fragment of the selected annotation.
    AddFragment(CharRange),
    /// A click on the text: the char under the pointer and the annotations covering it,
    /// innermost first. Empty when the click was not on a span.
    Clicked {
        /// The char clicked.
        char_offset: usize,
        /// Annotations covering it, shortest first.
        annotations: Vec<AnnotationId>,
    },
}

/// The view of one document in a pane: its layout, scroll position and the drag in progress.
/// What is selected is not its business: it draws the selection it is given and reports what
/// the user did.
pub struct DocView {
    layout: Option<DocumentLayout>,
    /// Which document the layout is of.
    layout_key: Option<(String, usize)>,
    meshes: HashMap<usize, BlockMeshes>,
    /// The drag in progress: where it started and the range it covers now.
    drag: Option<Drag>,
    /// Scroll offset seen last frame.
    scroll_y: f32,
    /// Largest scroll offset last frame (content height − viewport height).
    max_scroll_y: f32,
    /// Scroll offset to jump to next frame.
    scroll_to: Option<f32>,
    /// Where the content's top-left was on screen last frame.
    content_origin: Pos2,
    /// The visible part of the content last frame, in content coordinates.
    viewport: Rect,
}

impl Default for DocView {
    fn default() -> Self {
        Self {
            layout: None,
            layout_key: None,
            meshes: HashMap::new(),
            drag: None,
            scroll_y: 0.0,
            max_scroll_y: 0.0,
            scroll_to: None,
            content_origin: Pos2::ZERO,
            viewport: Rect::NOTHING,
        }
    }
}

struct BlockMeshes {
    meshes: Vec<Mesh>,
    atlas_generation: u64,
    color: Color32,
}

#[derive(Clone, Copy, Debug)]
struct Drag {
    anchor: usize,
    /// The snapped range dragged over so far (empty until the pointer moves off the anchor).
    range: Option<CharRange>,
    add_fragment: bool,
    exact: bool,
}

impl std::fmt::Debug for DocView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocView")
            .field("drag", &self.drag)
            .field("scroll_y", &self.scroll_y)
            .finish_non_exhaustive()
    }
}

/// Everything a document view draws from.
pub struct ViewInput<'a> {
    /// The document.
    pub doc: &'a Document,
    /// Its language tag.
    pub language: Option<&'a str>,
    /// Its annotations.
    pub store: &'a AnnotationStore,
    /// Label colours.
    pub schema: &'a Schema,
    /// What is selected in the pane: text to highlight or an annotation to outline.
    pub selection: Selection,
    /// Text size and spacing.
    pub style: TextStyle,
    /// A stable id for the view's scroll area.
    pub id: Id,
}

impl DocView {
    /// The layout, once the view has been shown.
    pub fn layout(&self) -> Option<&DocumentLayout> {
        self.layout.as_ref()
    }

    /// Forgets the layout and any drag (the pane shows another document).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Screen rectangles of `range` as the view last drew it (laying out blocks if needed).
    pub fn screen_rects(
        &mut self,
        engine: &mut TextEngine,
        doc: &Document,
        range: CharRange,
    ) -> Vec<Rect> {
        let origin = self.content_origin;
        let Some(layout) = self.layout.as_mut() else {
            return Vec::new();
        };
        layout
            .range_rects(&mut engine.fonts, doc, range)
            .into_iter()
            .map(|r| to_screen(&r, origin))
            .collect()
    }

    /// Scrolls so that `range` is in view (a third from the top), unless it is already.
    pub fn scroll_to_range(&mut self, engine: &mut TextEngine, doc: &Document, range: CharRange) {
        let Some(layout) = self.layout.as_mut() else {
            return;
        };
        let rects = layout.range_rects(&mut engine.fonts, doc, range);
        if let Some(r) = rects.first() {
            let visible = self.viewport.height().max(1.0);
            if r.y0 < self.viewport.top() || r.y1 > self.viewport.bottom() {
                self.scroll_to = Some((r.y0 - visible / 3.0).max(0.0));
            }
        }
    }

    /// Scroll offset shown last frame, in points from the top.
    pub fn scroll_offset(&self) -> f32 {
        self.scroll_y
    }

    /// Relative scroll position, 0 at the top and 1 at the bottom.
    pub fn scroll_fraction(&self) -> f32 {
        if self.max_scroll_y <= 0.0 {
            0.0
        } else {
            (self.scroll_y / self.max_scroll_y).clamp(0.0, 1.0)
        }
    }

    /// Scrolls to a relative position next frame (for synchronised scrolling).
    pub fn scroll_to_fraction(&mut self, fraction: f32) {
        if self.max_scroll_y > 0.0 {
            self.scroll_to = Some(fraction.clamp(0.0, 1.0) * self.max_scroll_y);
        }
    }

    /// Scrolls to `y` points from the top next frame.
    pub fn scroll_to_offset(&mut self, y: f32) {
        self.scroll_to = Some(y.max(0.0));
    }

    /// True when a scroll is about to happen that the user did not make.
    pub fn is_scrolling_itself(&self) -> bool {
        self.scroll_to.is_some()
    }

    /// The direction of the paragraph holding `char_offset`, as laid out (left to right until
    /// it has been).
    pub fn direction_at(&self, char_offset: usize) -> Direction {
        let Some(layout) = &self.layout else {
            return Direction::Ltr;
        };
        let i = layout.block_of_char(char_offset);
        layout
            .laid_out(i)
            .map_or(Direction::Ltr, BlockLayout::direction)
    }

    /// Shows the document. Returns what the user did.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        engine: &mut TextEngine,
        input: &ViewInput<'_>,
    ) -> Vec<ViewEvent> {
        let mut events = Vec::new();
        let scale = ui.ctx().pixels_per_point();
        let width = (ui.available_width() - 2.0 * MARGIN).max(50.0);
        let same_doc = self.layout_key.as_ref().is_some_and(|(sha, chars)| {
            sha == input.doc.sha256() && *chars == input.doc.len_chars()
        });
        let stale = !same_doc
            || self
                .layout
                .as_ref()
                .is_none_or(|l| l.scale() != scale || l.style() != input.style);
        if stale {
            self.layout = Some(DocumentLayout::new(
                input.doc,
                input.style,
                width,
                scale,
                input.language,
            ));
            self.layout_key = Some((input.doc.sha256().to_owned(), input.doc.len_chars()));
            self.meshes.clear();
        }
        if let Some(layout) = self.layout.as_mut()
            && (layout.width() - width).abs() >= 0.5
        {
            layout.set_width(width);
            self.meshes.clear();
        }

        let mut area = egui::ScrollArea::vertical()
            .id_salt(input.id)
            .auto_shrink([false, false]);
        if let Some(y) = self.scroll_to.take() {
            area = area.vertical_scroll_offset(y);
        }
        let output = area.show_viewport(ui, |ui, viewport| {
            self.content_ui(ui, engine, input, viewport, &mut events);
        });
        self.scroll_y = output.state.clamped_offset().y;
        self.max_scroll_y = (output.content_size.y - output.inner_rect.height()).max(0.0);
        events
    }

    fn content_ui(
        &mut self,
        ui: &mut Ui,
        engine: &mut TextEngine,
        input: &ViewInput<'_>,
        viewport: Rect,
        events: &mut Vec<ViewEvent>,
    ) {
        let Some(layout) = self.layout.as_mut() else {
            return;
        };
        let doc = input.doc;
        let (visible, shift) =
            layout.layout_visible(&mut engine.fonts, doc, viewport.top(), viewport.bottom());
        if shift != 0.0 {
            // A block above the fold changed height when measured: keep the text in place.
            self.scroll_to = Some((viewport.top() + shift).max(0.0));
            ui.ctx().request_repaint();
        }
        let total = layout.total_height();
        let width = ui.available_width();
        let (content_rect, _) =
            ui.allocate_exact_size(vec2(width, total.max(viewport.height())), Sense::hover());
        let origin = content_rect.min + vec2(MARGIN, 0.0);
        self.content_origin = origin;
        self.viewport = viewport;
        let visible_rect =
            Rect::from_min_size(content_rect.min + viewport.min.to_vec2(), viewport.size());

        // Pointer: drags select, clicks pick spans.
        let response = ui.interact(visible_rect, input.id.with("text"), Sense::click_and_drag());
        let name = format!("Text of {}", doc.file_name);
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::accesskit::Role::Document, true, &name)
        });
        let layout = self.layout.as_mut().unwrap_or_else(|| unreachable!());
        handle_pointer(
            ui,
            &response,
            layout,
            engine,
            doc,
            input.store,
            origin,
            &mut self.drag,
            events,
        );
        if self.drag.is_some() {
            autoscroll(ui, &response, visible_rect, viewport, &mut self.scroll_to);
        }

        let painter = ui.painter_at(visible_rect);
        let dark = ui.visuals().dark_mode;
        let text_color = ui.visuals().text_color();
        let layout = self.layout.as_ref().unwrap_or_else(|| unreachable!());
        let scale = layout.scale();
        let mut shapes: Vec<Shape> = Vec::new();
        let mut overlays: Vec<Shape> = Vec::new();
        // While dragging, the range dragged over; else the pane's selection.
        let highlighted = match self.drag {
            Some(drag) => drag.range,
            None => input.selection.text(),
        };
        let outlined = input.selection.annotation();
        for i in visible.clone() {
            let block = layout.blocks()[i];
            let top = layout.block_top(i);
            let block_origin = origin + vec2(0.0, top);
            // Spans: backgrounds under the glyphs, one underline per nesting level.
            let fragments = input.store.fragments_in(block.text);
            let levels = stack_levels(&fragments);
            for ((range, id), level) in fragments.iter().zip(levels) {
                let Some(ann) = input.store.get(*id) else {
                    continue;
                };
                let color = label_color(input.schema, &ann.label);
                let rects = layout.block_range_rects(i, *range);
                for r in &rects {
                    let rect = to_screen(r, origin);
                    shapes.push(Shape::rect_filled(
                        rect,
                        CornerRadius::ZERO,
                        color.gamma_multiply(if dark { 0.45 } else { 0.30 }),
                    ));
                    let y = rect.bottom() - 1.5 - 3.0 * level as f32;
                    overlays.push(Shape::line_segment(
                        [pos2(rect.left(), y), pos2(rect.right(), y)],
                        Stroke::new(2.0, color),
                    ));
                    if outlined == Some(*id) {
                        overlays.push(Shape::rect_stroke(
                            rect.expand(1.0),
                            CornerRadius::same(2),
                            Stroke::new(2.0, selection_stroke(dark)),
                            egui::StrokeKind::Outside,
                        ));
                    }
                }
            }
            if let Some(sel) = highlighted {
                for r in layout.block_range_rects(i, sel) {
                    shapes.push(Shape::rect_filled(
                        to_screen(&r, origin),
                        CornerRadius::ZERO,
                        selection_fill(dark),
                    ));
                }
            }
            // Glyphs, from the per-block mesh cache.
            let Some(paragraph) = layout.laid_out(i) else {
                continue;
            };
            let entry = self.meshes.entry(i).or_insert_with(|| BlockMeshes {
                meshes: Vec::new(),
                atlas_generation: u64::MAX,
                color: Color32::TRANSPARENT,
            });
            if entry.atlas_generation != engine.atlas.generation() || entry.color != text_color {
                entry.meshes.clear();
                engine.atlas.add_runs(
                    ui.ctx(),
                    paragraph.glyph_runs(),
                    Pos2::ZERO,
                    scale,
                    text_color,
                    &mut entry.meshes,
                );
                entry.atlas_generation = engine.atlas.generation();
                entry.color = text_color;
            }
            let offset = snap_to_pixel(block_origin.to_vec2(), scale);
            for mesh in &entry.meshes {
                let mut mesh = mesh.clone();
                mesh.translate(offset);
                shapes.push(Shape::mesh(mesh));
            }
        }
        shapes.extend(overlays);
        painter.extend(shapes);
        // Forget meshes of blocks far from view.
        if self.meshes.len() > 256 {
            let keep = visible.start.saturating_sub(64)..visible.end + 64;
            self.meshes.retain(|i, _| keep.contains(i));
        }

        // Hover: which spans are under the pointer.
        if let Some(pos) = response.hover_pos()
            && self.drag.is_none()
        {
            let layout = self.layout.as_mut().unwrap_or_else(|| unreachable!());
            let local = pos - origin;
            if let Some(c) = layout.char_at(&mut engine.fonts, doc, local.x, local.y) {
                let under = input.store.fragments_in(CharRange::new(c, c));
                if !under.is_empty() {
                    ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                    let labels: Vec<String> = under
                        .iter()
                        .filter_map(|(_, id)| input.store.get(*id))
                        .map(|a| format!("{} {}", a.label, a.id))
                        .collect();
                    response.on_hover_text(labels.join("\n"));
                } else {
                    ui.ctx().set_cursor_icon(egui::CursorIcon::Text);
                }
            }
        }
    }
}

/// Screen position of a layout rectangle.
fn to_screen(r: &crate::layout::Rect, origin: Pos2) -> Rect {
    Rect::from_min_max(pos2(r.x0, r.y0), pos2(r.x1, r.y1)).translate(origin.to_vec2())
}

#[allow(clippy::too_many_arguments)]
fn handle_pointer(
    ui: &Ui,
    response: &Response,
    layout: &mut DocumentLayout,
    engine: &mut TextEngine,
    doc: &Document,
    store: &AnnotationStore,
    origin: Pos2,
    drag: &mut Option<Drag>,
    events: &mut Vec<ViewEvent>,
) {
    let modifiers = ui.input(|i| i.modifiers);
    let boundary = |layout: &mut DocumentLayout, engine: &mut TextEngine, p: Pos2| {
        let local = p - origin;
        layout.boundary_at(&mut engine.fonts, doc, local.x, local.y)
    };
    if response.drag_started() {
        let press = ui
            .input(|i| i.pointer.press_origin())
            .or(response.interact_pointer_pos());
        if let Some(p) = press {
            *drag = Some(Drag {
                anchor: boundary(layout, engine, p),
                range: None,
                add_fragment: modifiers.command,
                exact: modifiers.alt,
            });
        }
    }
    if let Some(d) = drag.as_mut() {
        d.exact |= modifiers.alt;
        if let Some(p) = response
            .interact_pointer_pos()
            .or(ui.input(|i| i.pointer.latest_pos()))
        {
            let focus = boundary(layout, engine, p);
            let raw = CharRange::new(d.anchor, focus);
            let snapped = if d.exact {
                snap_to_clusters(doc, raw)
            } else {
                snap_to_words(doc, raw)
            };
            d.range = (!snapped.is_empty()).then_some(snapped);
        }
        if response.drag_stopped() || !ui.input(|i| i.pointer.any_down()) {
            let d = *d;
            *drag = None;
            if let Some(sel) = d.range {
                events.push(if d.add_fragment {
                    ViewEvent::AddFragment(sel)
                } else {
                    ViewEvent::Selected(sel)
                });
            }
        }
    } else if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        let local = p - origin;
        if let Some(c) = layout.char_at(&mut engine.fonts, doc, local.x, local.y) {
            let mut covering = store.fragments_in(CharRange::new(c, c));
            covering
                .sort_by_key(|(r, id)| (store.get(*id).map_or(r.len(), |a| a.extent().len()), *id));
            let mut annotations: Vec<AnnotationId> =
                covering.into_iter().map(|(_, id)| id).collect();
            annotations.dedup();
            events.push(ViewEvent::Clicked {
                char_offset: c,
                annotations,
            });
        } else {
            events.push(ViewEvent::Clicked {
                char_offset: layout.boundary_at(&mut engine.fonts, doc, local.x, local.y),
                annotations: Vec::new(),
            });
        }
    }
}

/// While dragging past the top or bottom edge, scroll towards the pointer.
fn autoscroll(
    ui: &Ui,
    response: &Response,
    visible: Rect,
    viewport: Rect,
    scroll_to: &mut Option<f32>,
) {
    let Some(p) = response
        .interact_pointer_pos()
        .or(ui.input(|i| i.pointer.latest_pos()))
    else {
        return;
    };
    let speed = if p.y < visible.top() {
        p.y - visible.top()
    } else if p.y > visible.bottom() {
        p.y - visible.bottom()
    } else {
        return;
    };
    *scroll_to = Some((viewport.top() + speed.clamp(-40.0, 40.0)).max(0.0));
    ui.ctx().request_repaint();
}

/// Nesting level of each fragment (0 = outermost), so overlapping spans get separate
/// underlines. `fragments` is sorted by start.
pub fn stack_levels(fragments: &[(CharRange, AnnotationId)]) -> Vec<usize> {
    let mut level_ends: Vec<usize> = Vec::new();
    fragments
        .iter()
        .map(|(r, _)| {
            let level = level_ends
                .iter()
                .position(|end| *end <= r.start)
                .unwrap_or(level_ends.len());
            if level == level_ends.len() {
                level_ends.push(r.end);
            } else {
                level_ends[level] = r.end;
            }
            level
        })
        .collect()
}

/// The colour of a label (grey for labels the schema does not know).
pub fn label_color(schema: &Schema, label: &str) -> Color32 {
    schema.label(label).map_or(Color32::GRAY, |l| {
        Color32::from_rgb(l.color.0[0], l.color.0[1], l.color.0[2])
    })
}

fn selection_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgba_unmultiplied(90, 140, 255, 90)
    } else {
        Color32::from_rgba_unmultiplied(40, 110, 255, 70)
    }
}

fn selection_stroke(dark: bool) -> Color32 {
    if dark { Color32::WHITE } else { Color32::BLACK }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_overlapping_spans_get_their_own_level() {
        let f = |s, e, id| (CharRange::new(s, e), AnnotationId(id));
        let frags = vec![
            f(0, 10, 1),
            f(2, 4, 2),
            f(5, 12, 3),
            f(11, 15, 4),
            f(20, 22, 5),
        ];
        assert_eq!(stack_levels(&frags), vec![0, 1, 1, 0, 0]);
    }
}
