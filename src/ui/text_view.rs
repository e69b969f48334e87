//! The document text view: one document in a pane, laid out lazily, with its spans (entities
//! filled and underlined, commitments as a band with brackets, so both read where they nest),
//! the spans the selected commitment points at, the relations between spans as arcs, other
//! annotators' spans as outlines (one style each), review items marked by status, the
//! selection and the pointer (drags select text, clicks pick spans, Shift+drag relates). Everything that shows
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
use crate::model::{AnnotationId, CharRange, Document, Link, LinkId, ReviewState};
use crate::review::{ItemStatus, ReviewItem};
use crate::schema::{Layer, Schema};
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
    /// A Shift+drag from one span to another ended: relate them.
    Relate {
        /// The span the drag started on.
        from: AnnotationId,
        /// The span it ended on.
        to: AnnotationId,
    },
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
    /// The first rectangle on screen of each annotation drawn last frame: where arcs and the
    /// lines between panes attach.
    spans_on_screen: HashMap<AnnotationId, Rect>,
    /// The relations drawn last frame.
    arcs: Vec<Arc>,
    /// The relation under the pointer.
    hovered_arc: Option<LinkId>,
    /// The spans drawn last frame as what the selected annotation points at.
    references_drawn: Vec<AnnotationId>,
    /// The visible part of the view on screen last frame.
    screen_viewport: Rect,
    /// Other annotators' spans drawn last frame: (layer index, annotation).
    layer_spans_drawn: Vec<(usize, AnnotationId)>,
    /// A range to scroll to once the document is laid out.
    pending_reveal: Option<CharRange>,
}

/// A relation as drawn: the curve (a polyline on screen) and its ends.
#[derive(Clone, Debug, PartialEq)]
pub struct Arc {
    /// The link.
    pub link: LinkId,
    /// Points along the curve, from its start to its end (a leader line to the edge of the
    /// view when one end is off screen).
    pub points: Vec<Pos2>,
    /// Both ends are on screen.
    pub whole: bool,
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
            spans_on_screen: HashMap::new(),
            arcs: Vec::new(),
            hovered_arc: None,
            references_drawn: Vec::new(),
            screen_viewport: Rect::NOTHING,
            layer_spans_drawn: Vec::new(),
            pending_reveal: None,
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
    /// A Shift+drag from this span: a relation, not a selection.
    relate_from: Option<AnnotationId>,
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
    /// What to draw with emphasis: references, the candidate, relations.
    pub emphasis: Emphasis<'a>,
}

/// Which relations a view draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relations {
    /// Every relation with an end on screen.
    All,
    /// Only those of this annotation (none when it is `None`).
    Of(Option<AnnotationId>),
}

/// What a view draws beyond its own spans and the selection.
#[derive(Clone, Copy, Debug)]
pub struct Emphasis<'a> {
    /// The spans the selected annotation's attributes point at, with the attribute's name
    /// (a commitment's actors, target, deadline).
    pub references: &'a [(AnnotationId, String)],
    /// The span stepped to while picking or relating.
    pub candidate: Option<AnnotationId>,
    /// While picking: the labels a click takes.
    pub pickable: Option<&'a [String]>,
    /// Which relations to draw.
    pub relations: Relations,
    /// A relation to draw highlighted (pointed at in the details panel).
    pub highlighted_link: Option<LinkId>,
    /// Relating by keyboard: the span the relation starts from; a line follows the pointer.
    pub relating_from: Option<AnnotationId>,
    /// Other annotators' annotations, read-only, each outlined in its own [`layer_style`].
    pub layers: &'a [(&'a str, &'a AnnotationStore)],
    /// While reviewing: the document's review items, marked by status, and the current one.
    pub review: Option<ReviewMarks<'a>>,
}

/// The review items a view marks.
#[derive(Clone, Copy, Debug)]
pub struct ReviewMarks<'a> {
    /// The document's items, by position.
    pub items: &'a [ReviewItem],
    /// The item being decided, if it is of this document.
    pub current: Option<usize>,
}

impl Emphasis<'_> {
    /// Nothing emphasised; every relation drawn.
    pub const NONE: Emphasis<'static> = Emphasis {
        references: &[],
        candidate: None,
        pickable: None,
        relations: Relations::All,
        highlighted_link: None,
        relating_from: None,
        layers: &[],
        review: None,
    };
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
            // Not shown yet (a new pane, a document just opened): scroll once laid out.
            self.pending_reveal = Some(range);
            return;
        };
        let rects = layout.range_rects(&mut engine.fonts, doc, range);
        if let Some(r) = rects.first() {
            let visible = if self.viewport.is_finite() {
                self.viewport.height().max(1.0)
            } else {
                300.0
            };
            if !self.viewport.is_finite()
                || r.y0 < self.viewport.top()
                || r.y1 > self.viewport.bottom()
            {
                self.scroll_to = Some((r.y0 - visible / 3.0).max(0.0));
            }
        }
    }

    /// Where annotation `id` was on screen last frame (its first rectangle), if it was.
    pub fn span_on_screen(&self, id: AnnotationId) -> Option<Rect> {
        self.spans_on_screen.get(&id).copied()
    }

    /// The part of the view on screen last frame.
    pub fn screen_viewport(&self) -> Rect {
        self.screen_viewport
    }

    /// Other annotators' spans drawn last frame: the layer (its index in the pane's layers)
    /// and the annotation in that annotator's file.
    pub fn layer_spans_drawn(&self) -> &[(usize, AnnotationId)] {
        &self.layer_spans_drawn
    }

    /// The spans drawn last frame as what the selected annotation points at.
    pub fn references_drawn(&self) -> &[AnnotationId] {
        &self.references_drawn
    }

    /// The relations drawn last frame.
    pub fn arcs(&self) -> &[Arc] {
        &self.arcs
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

        if let Some(range) = self.pending_reveal.take() {
            self.scroll_to_range(engine, input.doc, range);
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
        self.screen_viewport = visible_rect.intersect(ui.clip_rect());

        // Pointer: drags select, clicks pick spans, Shift+drags relate.
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
        let mut under: Vec<Shape> = Vec::new();
        let mut glyphs: Vec<Shape> = Vec::new();
        let mut over: Vec<Shape> = Vec::new();
        // While dragging, the range dragged over; else the pane's selection.
        let highlighted = match self.drag {
            Some(drag) if drag.relate_from.is_none() => drag.range,
            _ => input.selection.text(),
        };
        let outlined = input.selection.annotation();
        self.spans_on_screen.clear();
        self.references_drawn.clear();
        self.layer_spans_drawn.clear();
        let mut tags: Vec<(Rect, String, Color32)> = Vec::new();
        for i in visible.clone() {
            let block = layout.blocks()[i];
            let top = layout.block_top(i);
            let block_origin = origin + vec2(0.0, top);
            let fragments = input.store.fragments_in(block.text);
            let levels = stack_levels(&fragments);
            for ((range, id), level) in fragments.iter().zip(levels) {
                let Some(ann) = input.store.get(*id) else {
                    continue;
                };
                let color = label_color(input.schema, &ann.label);
                let commitment = input
                    .schema
                    .label(&ann.label)
                    .is_some_and(|l| l.layer == Layer::Commitment);
                let rects: Vec<Rect> = layout
                    .block_range_rects(i, *range)
                    .iter()
                    .map(|r| to_screen(r, origin))
                    .collect();
                if let Some(first) = rects.first() {
                    self.spans_on_screen.entry(*id).or_insert(*first);
                }
                if ann.review.state == ReviewState::Rejected {
                    // Rejected (in a curated set): struck through, not filled, so it reads as
                    // out of the gold set.
                    for rect in &rects {
                        over.push(Shape::line_segment(
                            [rect.left_center(), rect.right_center()],
                            Stroke::new(1.5, color.gamma_multiply(0.8)),
                        ));
                    }
                } else if commitment {
                    commitment_shapes(
                        layout, i, *range, ann, &rects, origin, color, dark, &mut under, &mut over,
                    );
                } else {
                    for rect in &rects {
                        under.push(Shape::rect_filled(
                            *rect,
                            CornerRadius::ZERO,
                            color.gamma_multiply(if dark { 0.45 } else { 0.30 }),
                        ));
                        let y = rect.bottom() - 1.5 - 3.0 * level as f32;
                        over.push(Shape::line_segment(
                            [pos2(rect.left(), y), pos2(rect.right(), y)],
                            Stroke::new(2.0, color),
                        ));
                    }
                }
                let reference = input.emphasis.references.iter().find(|(r, _)| r == id);
                for rect in &rects {
                    if outlined == Some(*id) {
                        over.push(Shape::rect_stroke(
                            rect.expand(1.0),
                            CornerRadius::same(2),
                            Stroke::new(2.0, selection_stroke(dark)),
                            egui::StrokeKind::Outside,
                        ));
                    }
                    if reference.is_some() {
                        over.extend(dashed_rect(rect.expand(2.5), Stroke::new(2.0, color)));
                        if self.references_drawn.last() != Some(id) {
                            self.references_drawn.push(*id);
                        }
                    }
                    if input.emphasis.candidate == Some(*id) {
                        over.push(Shape::rect_stroke(
                            rect.expand(3.0),
                            CornerRadius::same(3),
                            Stroke::new(3.0, candidate_stroke(dark)),
                            egui::StrokeKind::Outside,
                        ));
                    }
                }
                if let (Some((_, name)), Some(first)) = (reference, rects.first())
                    && range.start == ann.extent().start
                {
                    tags.push((*first, name.clone(), color));
                }
            }
            for (k, (_, store)) in input.emphasis.layers.iter().enumerate() {
                let (color, dash) = layer_style(k, dark);
                let stroke = Stroke::new(1.5, color);
                for (range, id) in store.fragments_in(block.text) {
                    for r in layout.block_range_rects(i, range) {
                        let rect = to_screen(&r, origin).expand(1.5 + 2.0 * k as f32);
                        over.extend(patterned_rect(rect, stroke, dash));
                    }
                    if self.layer_spans_drawn.last() != Some(&(k, id)) {
                        self.layer_spans_drawn.push((k, id));
                    }
                }
            }
            if let Some(marks) = input.emphasis.review {
                review_marks(layout, i, block.text, marks, origin, dark, &mut over);
            }
            if let Some(sel) = highlighted {
                for r in layout.block_range_rects(i, sel) {
                    under.push(Shape::rect_filled(
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
                glyphs.push(Shape::mesh(mesh));
            }
        }
        // Forget meshes of blocks far from view.
        if self.meshes.len() > 256 {
            let keep = visible.start.saturating_sub(64)..visible.end + 64;
            self.meshes.retain(|i, _| keep.contains(i));
        }

        // Relations: arcs between spans on screen, leader lines towards ends off screen.
        let pointer = response.hover_pos();
        self.arcs = relation_arcs(input, &self.spans_on_screen, self.screen_viewport);
        self.hovered_arc = pointer
            .filter(|_| self.drag.is_none())
            .and_then(|p| nearest_arc(&self.arcs, p, 5.0));
        let mut arc_shapes = Vec::new();
        let mut arc_labels = Vec::new();
        for arc in &self.arcs {
            let Some(link) = input.store.link(arc.link) else {
                continue;
            };
            let strong = self.hovered_arc == Some(arc.link)
                || input.emphasis.highlighted_link == Some(arc.link);
            let of_selected = outlined.is_some_and(|s| link.from == s || link.to == s);
            // Only the selected span's relations and the one pointed at are drawn in full and
            // named; the others stay faint, so the text reads with many on screen.
            let full = strong || of_selected;
            let stroke = Stroke::new(
                if strong {
                    3.0
                } else if full {
                    2.0
                } else {
                    1.0
                },
                arc_color(dark).gamma_multiply(if full { 1.0 } else { 0.35 }),
            );
            arc_shapes.extend(arc_shape(arc, stroke));
            if full {
                let at = if arc.whole {
                    arc.points[arc.points.len() / 2]
                } else {
                    arc.points[arc.points.len() - 1]
                };
                arc_labels.push((at, link.kind.clone(), stroke.color));
            }
        }

        // A relation being made: a line from its start to the pointer.
        let rubber_from = self
            .drag
            .and_then(|d| d.relate_from)
            .or(input.emphasis.relating_from);
        if let (Some(from), Some(p)) = (
            rubber_from,
            pointer.or(ui.input(|i| i.pointer.latest_pos())),
        ) && let Some(rect) = self.spans_on_screen.get(&from)
        {
            arc_shapes.extend(Shape::dashed_line(
                &[rect.center_top(), p],
                Stroke::new(2.0, arc_color(dark)),
                6.0,
                4.0,
            ));
        }

        let mut shapes = under;
        shapes.extend(glyphs);
        shapes.extend(over);
        shapes.extend(arc_shapes);
        painter.extend(shapes);
        let font = egui::FontId::proportional(11.0);
        for (rect, name, color) in tags {
            small_tag(
                &painter,
                rect.left_top() + vec2(0.0, -2.0),
                &name,
                color,
                &font,
                dark,
            );
        }
        for (at, kind, color) in arc_labels {
            small_tag(&painter, at + vec2(0.0, 6.0), &kind, color, &font, dark);
        }

        // Hover: which relation or spans are under the pointer.
        if let Some(pos) = pointer
            && self.drag.is_none()
        {
            if let Some(link) = self.hovered_arc.and_then(|l| input.store.link(l)) {
                ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
                response.on_hover_text(describe_link(input.store, link));
                return;
            }
            let layout = self.layout.as_mut().unwrap_or_else(|| unreachable!());
            let local = pos - origin;
            if let Some(c) = layout.char_at(&mut engine.fonts, doc, local.x, local.y) {
                let under = input.store.fragments_in(CharRange::new(c, c));
                let labels: Vec<&str> = under
                    .iter()
                    .filter_map(|(_, id)| input.store.get(*id))
                    .map(|a| a.label.as_str())
                    .collect();
                let cursor = match input.emphasis.pickable {
                    Some(ok)
                        if labels
                            .iter()
                            .any(|l| ok.is_empty() || ok.iter().any(|o| o == l)) =>
                    {
                        egui::CursorIcon::Crosshair
                    }
                    Some(_) if !labels.is_empty() => egui::CursorIcon::NotAllowed,
                    _ if !labels.is_empty() => egui::CursorIcon::PointingHand,
                    _ => egui::CursorIcon::Text,
                };
                ui.ctx().set_cursor_icon(cursor);
                let at = CharRange::new(c, c);
                let mut lines: Vec<String> = under
                    .iter()
                    .filter_map(|(_, id)| input.store.get(*id))
                    .map(|a| format!("{} {}", a.label, a.id))
                    .collect();
                // Who said what: each other annotator's spans here.
                for (name, store) in input.emphasis.layers {
                    for (_, id) in store.fragments_in(at) {
                        if let Some(a) = store.get(id) {
                            lines.push(format!("{name}: {} {} “{}”", a.label, a.id, a.text()));
                        }
                    }
                }
                if let Some(marks) = input.emphasis.review {
                    for item in marks.items.iter().filter(|it| {
                        it.versions
                            .iter()
                            .any(|v| v.ranges.iter().any(|r| r.start <= c && c < r.end))
                    }) {
                        lines.push(describe_item(item));
                    }
                }
                if !lines.is_empty() {
                    response.on_hover_text(lines.join("\n"));
                }
            }
        }
    }
}

/// The relations to draw: those with an end on screen (or only the selected span's), each a
/// curve over the text from one end to the other, or a leader line to the view's edge when
/// the other end is off screen.
fn relation_arcs(
    input: &ViewInput<'_>,
    spans: &HashMap<AnnotationId, Rect>,
    view: Rect,
) -> Vec<Arc> {
    let store = input.store;
    let selected = input.selection.annotation();
    let mut links: Vec<&Link> = match input.emphasis.relations {
        Relations::All => spans.keys().flat_map(|id| store.links_of(*id)).collect(),
        Relations::Of(Some(id)) => store.links_of(id).collect(),
        Relations::Of(None) => Vec::new(),
    };
    if let Some(link) = input.emphasis.highlighted_link.and_then(|l| store.link(l)) {
        links.push(link);
    }
    links.sort_by_key(|l| l.id);
    links.dedup_by_key(|l| l.id);
    links
        .into_iter()
        .filter_map(|link| {
            let (from, to) = (spans.get(&link.from), spans.get(&link.to));
            let extent = |id| store.get(id).map_or(0, |a| a.extent().start);
            let points = match (from, to) {
                (Some(a), Some(b)) => arc_points(a.center_top(), b.center_top()),
                (Some(a), None) | (None, Some(a)) => {
                    // Only the selected span's (or the highlighted) relation leads off screen:
                    // a short stub pointing the way to its other end.
                    let wanted = input.emphasis.highlighted_link == Some(link.id)
                        || matches!(input.emphasis.relations, Relations::Of(Some(_)))
                        || selected.is_some_and(|s| s == link.from || s == link.to);
                    if !wanted {
                        return None;
                    }
                    let here = if from.is_some() { link.from } else { link.to };
                    let other = if from.is_some() { link.to } else { link.from };
                    let up = extent(other) < extent(here);
                    let start = if up {
                        a.center_top()
                    } else {
                        a.center_bottom()
                    };
                    let end = pos2(start.x, if up { start.y - 16.0 } else { start.y + 16.0 });
                    let end = pos2(end.x, end.y.clamp(view.top() + 2.0, view.bottom() - 2.0));
                    vec![start, end]
                }
                (None, None) => return None,
            };
            Some(Arc {
                link: link.id,
                points,
                whole: from.is_some() && to.is_some(),
            })
        })
        .collect()
}

/// A cubic curve rising above both ends, sampled.
fn arc_points(a: Pos2, b: Pos2) -> Vec<Pos2> {
    let rise = 10.0 + ((b.x - a.x).abs() * 0.15).min(28.0);
    let top = a.y.min(b.y) - rise;
    let (c1, c2) = (pos2(a.x, top), pos2(b.x, top));
    (0..=20)
        .map(|i| {
            let t = i as f32 / 20.0;
            let u = 1.0 - t;
            let w = [u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t];
            pos2(
                w[0] * a.x + w[1] * c1.x + w[2] * c2.x + w[3] * b.x,
                w[0] * a.y + w[1] * c1.y + w[2] * c2.y + w[3] * b.y,
            )
        })
        .collect()
}

/// The arc's curve with an arrowhead at its end (dashed when it leads off screen).
fn arc_shape(arc: &Arc, stroke: Stroke) -> Vec<Shape> {
    let mut shapes = Vec::new();
    if arc.whole {
        shapes.push(Shape::line(arc.points.clone(), stroke));
        let n = arc.points.len();
        let (tip, before) = (arc.points[n - 1], arc.points[n - 3]);
        let dir = (tip - before).normalized();
        let side = vec2(-dir.y, dir.x);
        let back = tip - dir * 7.0;
        shapes.push(Shape::convex_polygon(
            vec![tip, back + side * 3.5, back - side * 3.5],
            stroke.color,
            Stroke::NONE,
        ));
    } else {
        shapes.extend(Shape::dashed_line(&arc.points, stroke, 3.0, 2.0));
        if let [start, end] = arc.points[..] {
            let dir = (end - start).normalized();
            let side = vec2(-dir.y, dir.x);
            let back = end - dir * 6.0;
            shapes.push(Shape::convex_polygon(
                vec![end, back + side * 3.5, back - side * 3.5],
                stroke.color,
                Stroke::NONE,
            ));
        }
    }
    shapes
}

/// The relation whose curve passes within `reach` of `p`.
fn nearest_arc(arcs: &[Arc], p: Pos2, reach: f32) -> Option<LinkId> {
    arcs.iter()
        .filter_map(|arc| {
            let d = arc
                .points
                .windows(2)
                .map(|w| distance_to_segment(p, w[0], w[1]))
                .fold(f32::INFINITY, f32::min);
            (d <= reach).then_some((d, arc.link))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, l)| l)
}

fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = if ab.length_sq() > 0.0 {
        ((p - a).dot(ab) / ab.length_sq()).clamp(0.0, 1.0)
    } else {
        0.0
    };
    p.distance(a + ab * t)
}

/// "represents: PERSON #3 → COUNTRY #5" (labels and ids: a tooltip cannot show Arabic in
/// order).
fn describe_link(store: &AnnotationStore, link: &Link) -> String {
    let end = |id: AnnotationId| {
        store
            .get(id)
            .map_or(format!("#{}", id.0), |a| format!("{} #{}", a.label, id.0))
    };
    format!("{}: {} → {}", link.kind, end(link.from), end(link.to))
}

/// A commitment: a band along the top of its text and a bracket at each end, so it reads as
/// a different layer from the filled entity spans inside it.
#[allow(clippy::too_many_arguments)]
fn commitment_shapes(
    layout: &DocumentLayout,
    block: usize,
    range: CharRange,
    ann: &crate::model::Annotation,
    rects: &[Rect],
    origin: Pos2,
    color: Color32,
    dark: bool,
    under: &mut Vec<Shape>,
    over: &mut Vec<Shape>,
) {
    let stroke = Stroke::new(2.0, color);
    for rect in rects {
        under.push(Shape::rect_filled(
            *rect,
            CornerRadius::ZERO,
            color.gamma_multiply(if dark { 0.12 } else { 0.08 }),
        ));
        over.push(Shape::rect_filled(
            Rect::from_min_max(rect.left_top(), pos2(rect.right(), rect.top() + 3.0)),
            CornerRadius::ZERO,
            color,
        ));
    }
    let extent = ann.extent();
    // Each end's bracket goes on the side of its character that is outermost on its line:
    // the left for left-to-right text, the right for right-to-left.
    for (at, is_start) in [(extent.start, true), (extent.end.saturating_sub(1), false)] {
        if !range.contains(at) {
            continue;
        }
        let Some(char_rect) = layout
            .block_range_rects(block, CharRange::new(at, at + 1))
            .first()
            .map(|r| to_screen(r, origin))
        else {
            continue;
        };
        let line: Vec<&Rect> = rects
            .iter()
            .filter(|r| r.top() < char_rect.bottom() && r.bottom() > char_rect.top())
            .collect();
        let min_x = line
            .iter()
            .map(|r| r.left())
            .fold(char_rect.left(), f32::min);
        let max_x = line
            .iter()
            .map(|r| r.right())
            .fold(char_rect.right(), f32::max);
        let (to_left, to_right) = (char_rect.left() - min_x, max_x - char_rect.right());
        let on_left = if (to_left - to_right).abs() < 0.5 {
            // The character is the whole piece: the paragraph's direction decides.
            let rtl = layout
                .laid_out(block)
                .is_some_and(|b| b.direction() == Direction::Rtl);
            is_start != rtl
        } else {
            to_left < to_right
        };
        let x = if on_left {
            char_rect.left()
        } else {
            char_rect.right()
        };
        let inward = if on_left { 4.0 } else { -4.0 };
        let (top, bottom) = (char_rect.top(), char_rect.bottom());
        over.push(Shape::line(
            vec![
                pos2(x + inward, top),
                pos2(x, top),
                pos2(x, bottom),
                pos2(x + inward, bottom),
            ],
            stroke,
        ));
    }
}

/// How another annotator's spans are outlined: a colour apart from the label colours (dark,
/// muted) and a dash pattern, so two annotators differ even for colour-blind readers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dash {
    /// A solid line.
    Solid,
    /// Dashes and gaps of these lengths.
    Dashed(f32, f32),
}

/// The style of the `k`-th layer of a pane (the legend draws the same).
pub fn layer_style(k: usize, dark: bool) -> (Color32, Dash) {
    const STYLES: [(Color32, Dash); 4] = [
        (Color32::from_rgb(40, 40, 40), Dash::Solid),
        (Color32::from_rgb(140, 40, 150), Dash::Dashed(6.0, 3.0)),
        (Color32::from_rgb(0, 105, 130), Dash::Dashed(2.0, 2.0)),
        (Color32::from_rgb(150, 95, 0), Dash::Dashed(10.0, 3.0)),
    ];
    let (color, dash) = STYLES[k % STYLES.len()];
    let color = if dark {
        color.lerp_to_gamma(Color32::WHITE, 0.6)
    } else {
        color
    };
    (color, dash)
}

/// An outline in a [`Dash`] pattern.
pub fn patterned_rect(rect: Rect, stroke: Stroke, dash: Dash) -> Vec<Shape> {
    match dash {
        Dash::Solid => vec![Shape::rect_stroke(
            rect,
            CornerRadius::ZERO,
            stroke,
            egui::StrokeKind::Middle,
        )],
        Dash::Dashed(length, gap) => {
            let corners = [
                rect.left_top(),
                rect.right_top(),
                rect.right_bottom(),
                rect.left_bottom(),
                rect.left_top(),
            ];
            Shape::dashed_line(&corners, stroke, length, gap)
        }
    }
}

/// The colour that marks review items of a status.
pub fn status_color(status: ItemStatus, dark: bool) -> Color32 {
    let c = match status {
        ItemStatus::Agree => Color32::from_rgb(40, 150, 60),
        ItemStatus::OnlySome => Color32::from_rgb(50, 110, 210),
        ItemStatus::LabelConflict => Color32::from_rgb(230, 140, 0),
        ItemStatus::BoundaryConflict => Color32::from_rgb(215, 40, 40),
    };
    if dark {
        c.lerp_to_gamma(Color32::WHITE, 0.25)
    } else {
        c
    }
}

/// Review items over block `block`: a bar above each item's text in its status colour
/// (thin once decided), and a frame around the current item.
fn review_marks(
    layout: &DocumentLayout,
    block: usize,
    text: CharRange,
    marks: ReviewMarks<'_>,
    origin: Pos2,
    dark: bool,
    over: &mut Vec<Shape>,
) {
    // Items are sorted by start: those starting after the block are skipped at once.
    let before_end = marks.items.partition_point(|it| it.extent.start < text.end);
    for (index, item) in marks.items[..before_end].iter().enumerate() {
        if item.extent.end <= text.start {
            continue;
        }
        let color = status_color(item.status, dark);
        let decided = item.is_decided();
        let current = marks.current == Some(index);
        for r in layout.block_range_rects(block, item.extent) {
            let rect = to_screen(&r, origin);
            let y = rect.top() + 1.0;
            over.push(Shape::line_segment(
                [pos2(rect.left(), y), pos2(rect.right(), y)],
                Stroke::new(
                    if decided { 1.5 } else { 3.5 },
                    color.gamma_multiply(if decided { 0.6 } else { 1.0 }),
                ),
            ));
            if current {
                over.push(Shape::rect_stroke(
                    rect.expand(4.0),
                    CornerRadius::same(3),
                    Stroke::new(2.5, selection_stroke(dark)),
                    egui::StrokeKind::Outside,
                ));
            }
        }
    }
}

/// One line on a review item: its status and who said what.
fn describe_item(item: &ReviewItem) -> String {
    let versions: Vec<String> = item
        .versions
        .iter()
        .map(|v| format!("{}: {}", v.annotator, v.label))
        .chain(item.missing.iter().map(|m| format!("{m}: —")))
        .collect();
    let decided = match item.decision {
        Some((_, state)) if state != ReviewState::Pending => format!(" · {}", state.name()),
        _ => String::new(),
    };
    format!("Review: {}{decided} — {}", item.status, versions.join(", "))
}

/// A dashed outline.
fn dashed_rect(rect: Rect, stroke: Stroke) -> Vec<Shape> {
    let corners = [
        rect.left_top(),
        rect.right_top(),
        rect.right_bottom(),
        rect.left_bottom(),
        rect.left_top(),
    ];
    Shape::dashed_line(&corners, stroke, 4.0, 3.0)
}

/// A small name (an attribute, a relation kind) on a patch of background, above `at`.
fn small_tag(
    painter: &egui::Painter,
    at: Pos2,
    text: &str,
    color: Color32,
    font: &egui::FontId,
    dark: bool,
) {
    let galley = painter.layout_no_wrap(text.to_owned(), font.clone(), color);
    let rect = egui::Align2::LEFT_BOTTOM
        .anchor_size(at, galley.size())
        .expand(1.5);
    let background = if dark {
        Color32::from_black_alpha(200)
    } else {
        Color32::from_white_alpha(220)
    };
    painter.rect_filled(rect, CornerRadius::same(2), background);
    painter.galley(rect.min + vec2(1.5, 1.5), galley, color);
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
    // The innermost annotation under a point, if any.
    let span_at = |layout: &mut DocumentLayout, engine: &mut TextEngine, p: Pos2| {
        let local = p - origin;
        let c = layout.char_at(&mut engine.fonts, doc, local.x, local.y)?;
        innermost(store, c).first().copied()
    };
    if response.drag_started() {
        let press = ui
            .input(|i| i.pointer.press_origin())
            .or(response.interact_pointer_pos());
        if let Some(p) = press {
            let relate_from = if modifiers.shift {
                span_at(layout, engine, p)
            } else {
                None
            };
            *drag = Some(Drag {
                anchor: boundary(layout, engine, p),
                range: None,
                add_fragment: modifiers.command,
                exact: modifiers.alt,
                relate_from,
            });
        }
    }
    if let Some(d) = drag.as_mut() {
        d.exact |= modifiers.alt;
        let pointer = response
            .interact_pointer_pos()
            .or(ui.input(|i| i.pointer.latest_pos()));
        if let Some(p) = pointer
            && d.relate_from.is_none()
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
            if let Some(from) = d.relate_from {
                let to = pointer.and_then(|p| span_at(layout, engine, p));
                if let Some(to) = to.filter(|t| *t != from) {
                    events.push(ViewEvent::Relate { from, to });
                }
            } else if let Some(sel) = d.range {
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
            events.push(ViewEvent::Clicked {
                char_offset: c,
                annotations: innermost(store, c),
            });
        } else {
            events.push(ViewEvent::Clicked {
                char_offset: layout.boundary_at(&mut engine.fonts, doc, local.x, local.y),
                annotations: Vec::new(),
            });
        }
    }
}

/// The annotations covering char `c`, innermost (shortest) first.
fn innermost(store: &AnnotationStore, c: usize) -> Vec<AnnotationId> {
    let mut covering = store.fragments_in(CharRange::new(c, c));
    covering.sort_by_key(|(r, id)| (store.get(*id).map_or(r.len(), |a| a.extent().len()), *id));
    let mut annotations: Vec<AnnotationId> = covering.into_iter().map(|(_, id)| id).collect();
    annotations.dedup();
    annotations
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

fn candidate_stroke(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(255, 200, 60)
    } else {
        Color32::from_rgb(230, 120, 0)
    }
}

fn arc_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(170, 190, 255)
    } else {
        Color32::from_rgb(40, 60, 140)
    }
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
