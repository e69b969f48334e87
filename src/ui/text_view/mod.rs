//! The document text view: one document in a pane, laid out lazily, with its spans (entities
//! filled and underlined, commitments as a band with brackets, so both read where they nest),
//! the spans the selected commitment points at, the relations between spans as arcs, other
//! annotators' spans as outlines (one style each), review items marked by status, the
//! selection and the pointer (drags select text, clicks pick spans, Shift+drag relates). Everything that shows
//! document text goes through [`crate::layout`], so Arabic is joined and right-to-left
//! everywhere, and a selection is always the characters the user saw highlighted.
//!
//! Layout and hit-testing come from [`crate::layout`] (parley); glyphs are drawn from the
//! [`super::glyph_atlas::GlyphAtlas`] as textured meshes, kept per block and joined into one
//! mesh per texture for the blocks on screen (`placed.rs`). Only blocks on screen are laid out
//! and painted.
//!
//! A frame of the view is a sequence of passes, each returning what it drew: placing the
//! visible blocks, the pointer (`pointer.rs`), the spans (`spans.rs`), the glyphs, the
//! relations (`relations.rs`), then what was drawn described to AccessKit
//! (`accessibility.rs`: screen readers and tests find each span and relation there), and the
//! hover. The view keeps only what the next frame and the panes need (where each span was, for
//! the lines between panes).

mod accessibility;
mod ghosts;
mod placed;
mod pointer;
mod relations;
mod spans;

pub use relations::Arc;
pub use spans::{Dash, layer_dash, patterned_rect, stack_levels, status_color};

use std::collections::HashMap;
use std::ops::Range;

use egui::{Color32, CornerRadius, Id, Mesh, Pos2, Rect, Sense, Shape, Ui, pos2, vec2};

use crate::layout::{BlockLayout, Direction, DocumentLayout, TextStyle};
use crate::model::{AnnotationId, CharRange, Document, LinkId};
use crate::review::ReviewItem;
use crate::schema::Schema;
use crate::store::AnnotationStore;

use placed::Joined;
use pointer::Drag;
use relations::RelationsDrawn;

use super::state::Selection;
use super::text::{TextEngine, snap_to_pixel};

/// Space between the pane edge and the text.
const MARGIN: f32 = 14.0;

/// Room above the first line, for the arcs of the relations between its spans and their
/// names: without it they would rise out of the view, under the pane's header.
const TOP_ROOM: f32 = 30.0;

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
    /// Each block's glyphs, relative to the block.
    meshes: HashMap<usize, BlockMeshes>,
    /// The glyphs of the blocks on screen, joined where they are.
    glyphs: Joined,
    /// The ghost spans' outlines of the blocks on screen.
    ghosts: ghosts::Ghosts,
    /// The drag in progress: where it started and the range it covers now.
    drag: Option<Drag>,
    /// Scroll offset seen last frame.
    scroll_y: f32,
    /// Largest scroll offset last frame (content height − viewport height).
    max_scroll_y: f32,
    /// Scroll offset to jump to next frame.
    scroll_to: Option<f32>,
    /// Where the layout's top-left (past the margin and the room on top) was on screen last
    /// frame.
    content_origin: Pos2,
    /// The visible part of the content last frame, in content coordinates.
    viewport: Rect,
    /// The first rectangle on screen of each annotation drawn last frame: where the lines
    /// between panes attach.
    spans_on_screen: HashMap<AnnotationId, Rect>,
    /// The visible part of the view on screen last frame.
    screen_viewport: Rect,
    /// A range to scroll to once the document is laid out.
    pending_reveal: Option<CharRange>,
    /// The direction most of the document runs in (see [`document_direction`]).
    direction: Direction,
}

/// Where the content is this frame, worked out first and used by every pass.
struct Placement {
    /// The blocks on screen.
    visible: Range<usize>,
    /// Screen position of the layout's top-left (past the margin and the room on top).
    origin: Pos2,
    /// The visible part of the content, on screen.
    visible_rect: Rect,
    /// Physical pixels per point, to put fills on whole pixels.
    pixels_per_point: f32,
    /// The dash texture of ghost spans ([`crate::ui::fills::Dashes`]).
    dash_texture: egui::TextureId,
}

impl Default for DocView {
    fn default() -> Self {
        Self {
            layout: None,
            layout_key: None,
            meshes: HashMap::new(),
            glyphs: Joined::default(),
            ghosts: Default::default(),
            drag: None,
            scroll_y: 0.0,
            max_scroll_y: 0.0,
            scroll_to: None,
            content_origin: Pos2::ZERO,
            viewport: Rect::NOTHING,
            spans_on_screen: HashMap::new(),
            screen_viewport: Rect::NOTHING,
            pending_reveal: None,
            direction: Direction::Ltr,
        }
    }
}

struct BlockMeshes {
    meshes: Vec<Mesh>,
    atlas_generation: u64,
    color: Color32,
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
    /// Other annotators' annotations, read-only, each outlined in its label's colour
    /// and the layer's [`layer_dash`].
    pub layers: &'a [(&'a str, &'a AnnotationStore)],
    /// While reviewing: the document's review items, marked by status, and the current one.
    pub review: Option<ReviewMarks<'a>>,
    /// The find bar's matches in this document (their document is this one), in text order:
    /// each is highlighted.
    pub found: &'a [(crate::project::DocId, CharRange)],
    /// The suggestions shown in this document, by start, not overlapping: each a ghost span
    /// (its label's colour, dashed, no fill).
    pub suggestions: &'a [crate::suggest::Suggestion],
    /// The suggestion selected in this pane.
    pub current_suggestion: Option<CharRange>,
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
        found: &[],
        suggestions: &[],
        current_suggestion: None,
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
            // The viewport is in content coordinates: the layout's, below the room on top.
            let (top, bottom) = (r.y0 + TOP_ROOM, r.y1 + TOP_ROOM);
            if !self.viewport.is_finite()
                || top < self.viewport.top()
                || bottom > self.viewport.bottom()
            {
                self.scroll_to = Some((top - visible / 3.0).max(0.0));
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

    /// The direction most of the document runs in, once shown: what the pane's header says,
    /// wherever the view is scrolled.
    pub fn document_direction(&self) -> Direction {
        self.direction
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
            self.direction = document_direction(input.doc);
            self.meshes.clear();
            self.glyphs.clear();
            self.ghosts.clear();
        }
        if let Some(layout) = self.layout.as_mut()
            && (layout.width() - width).abs() >= 0.5
        {
            layout.set_width(width);
            self.meshes.clear();
            self.glyphs.clear();
            self.ghosts.clear();
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
        let Some(placed) = self.place(ui, engine, input.doc, viewport) else {
            return;
        };
        // Pointer: drags select, clicks pick spans, Shift+drags relate.
        let response = ui.interact(
            placed.visible_rect,
            input.id.with("text"),
            Sense::click_and_drag(),
        );
        let name = format!("Text of {}", input.doc.file_name);
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::accesskit::Role::Document, true, &name)
        });
        let Some(layout) = self.layout.as_mut() else {
            return;
        };
        pointer::handle_pointer(
            ui,
            &response,
            layout,
            engine,
            input,
            placed.origin,
            &mut self.drag,
            events,
        );
        if self.drag.is_some() {
            pointer::autoscroll(
                ui,
                &response,
                placed.visible_rect,
                viewport,
                &mut self.scroll_to,
            );
        }

        let dark = ui.visuals().dark_mode;
        // While dragging, the range dragged over; else the pane's selection.
        let highlighted = match self.drag {
            Some(drag) if drag.relate_from.is_none() => drag.range,
            _ => input.selection.text(),
        };
        let mut spans = spans::draw_spans(layout, input, &placed, highlighted, dark);
        let glyphs = self.glyph_shapes(ui, engine, &placed);
        let pointer = response.hover_pos();
        let rubber_band = self
            .drag
            .and_then(|d| d.relate_from)
            .or(input.emphasis.relating_from)
            .zip(pointer.or(ui.input(|i| i.pointer.latest_pos())));
        let relations = relations::draw_relations(
            input,
            &spans.first_rects,
            self.screen_viewport,
            pointer.filter(|_| self.drag.is_none()),
            rubber_band,
            dark,
        );
        let (under, mut over, tags) = spans.shapes();
        if let Some(layout) = self.layout.as_ref() {
            // Over the glyphs, under the outlines of selections and references.
            let ghosts = self.ghosts.shapes(layout, input, &placed);
            over.splice(1..1, ghosts);
        }
        let names = paint(ui, &placed, (under, over, tags), glyphs, &relations, dark);
        accessibility::describe(ui, response.id, input, &spans, &relations, &names);
        let hovered_arc = relations.hovered;
        self.spans_on_screen = spans.first_rects;
        if let Some(pos) = pointer
            && self.drag.is_none()
        {
            self.hover_ui(ui, engine, input, &placed, response, pos, hovered_arc);
        }
    }

    /// Lays out the blocks in `viewport`, sizes the content, and says where it is on screen.
    fn place(
        &mut self,
        ui: &mut Ui,
        engine: &mut TextEngine,
        doc: &Document,
        viewport: Rect,
    ) -> Option<Placement> {
        let layout = self.layout.as_mut()?;
        let (visible, shift) = layout.layout_visible(
            &mut engine.fonts,
            doc,
            viewport.top() - TOP_ROOM,
            viewport.bottom() - TOP_ROOM,
        );
        if shift != 0.0 {
            // A block above the fold changed height when measured: keep the text in place.
            self.scroll_to = Some((viewport.top() + shift).max(0.0));
            ui.ctx().request_repaint();
        }
        let total = TOP_ROOM + layout.total_height();
        let width = ui.available_width();
        let (content_rect, _) =
            ui.allocate_exact_size(vec2(width, total.max(viewport.height())), Sense::hover());
        let origin = content_rect.min + vec2(MARGIN, TOP_ROOM);
        self.content_origin = origin;
        self.viewport = viewport;
        let visible_rect =
            Rect::from_min_size(content_rect.min + viewport.min.to_vec2(), viewport.size());
        self.screen_viewport = visible_rect.intersect(ui.clip_rect());
        Some(Placement {
            visible,
            origin,
            visible_rect,
            pixels_per_point: ui.ctx().pixels_per_point(),
            dash_texture: crate::ui::fills::Dashes::texture(ui.ctx()),
        })
    }

    /// The glyphs of the visible blocks, from the per-block mesh cache, joined.
    fn glyph_shapes(&mut self, ui: &Ui, engine: &mut TextEngine, placed: &Placement) -> Vec<Shape> {
        let Some(layout) = self.layout.as_ref() else {
            return Vec::new();
        };
        let text_color = ui.visuals().text_color();
        let scale = layout.scale();
        let mut placement = Vec::new();
        for i in placed.visible.clone() {
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
                self.glyphs.clear();
                entry.atlas_generation = engine.atlas.generation();
                entry.color = text_color;
            }
            let block_origin = placed.origin + vec2(0.0, layout.block_top(i));
            let offset = snap_to_pixel(block_origin.to_vec2(), scale);
            placement.push((i, offset));
        }
        // Forget meshes of blocks far from view.
        if self.meshes.len() > 256 {
            let keep = placed.visible.start.saturating_sub(64)..placed.visible.end + 64;
            self.meshes.retain(|i, _| keep.contains(i));
        }
        let meshes = &self.meshes;
        self.glyphs.shapes(placement, |i| {
            meshes.get(&i).map_or(&[][..], |b| b.meshes.as_slice())
        })
    }

    /// The pointer is over the text: the cursor says what a click does, and a tooltip which
    /// relation or spans (one's own, other annotators', review items) are under it.
    #[allow(clippy::too_many_arguments)]
    fn hover_ui(
        &mut self,
        ui: &Ui,
        engine: &mut TextEngine,
        input: &ViewInput<'_>,
        placed: &Placement,
        response: egui::Response,
        pos: Pos2,
        hovered_arc: Option<LinkId>,
    ) {
        let store = input.store;
        if let Some(link) = hovered_arc.and_then(|l| store.link(l)) {
            ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
            response.on_hover_text_at_pointer(relations::describe_link(store, link));
            return;
        }
        let Some(layout) = self.layout.as_mut() else {
            return;
        };
        let local = pos - placed.origin;
        let Some(c) = layout.char_at(&mut engine.fonts, input.doc, local.x, local.y) else {
            return;
        };
        let at = CharRange::new(c, c);
        let under: Vec<&crate::model::Annotation> = store
            .fragments_in(at)
            .iter()
            .filter_map(|(_, id)| store.get(*id))
            .collect();
        let cursor = match input.emphasis.pickable {
            Some(ok) if under.iter().any(|a| ok.is_empty() || ok.contains(&a.label)) => {
                egui::CursorIcon::Crosshair
            }
            Some(_) if !under.is_empty() => egui::CursorIcon::NotAllowed,
            _ if !under.is_empty() => egui::CursorIcon::PointingHand,
            _ => egui::CursorIcon::Text,
        };
        ui.ctx().set_cursor_icon(cursor);
        let mut lines: Vec<String> = under
            .iter()
            .map(|a| format!("{} {}", a.label, a.id))
            .collect();
        // Who said what: each other annotator's spans here.
        for (name, layer) in input.emphasis.layers {
            for (_, id) in layer.fragments_in(at) {
                if let Some(a) = layer.get(id) {
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
                lines.push(spans::describe_item(item));
            }
        }
        // At the pointer: attached to the whole view, a tooltip would sit at the pane's edge,
        // over the document picker and the messages above the text.
        if !lines.is_empty() {
            response.on_hover_text_at_pointer(lines.join("\n"));
        }
    }
}

/// Paints a frame's layers in order: span backgrounds under the glyphs, underlines and
/// outlines over them, relations on top, then the small names of references and relations.
/// A relation's name that would cover another name already drawn is left out (the selected
/// span's come first). Returns where each relation's name was drawn, and the name.
fn paint(
    ui: &Ui,
    placed: &Placement,
    (under, over, tags): (Vec<Shape>, Vec<Shape>, Vec<spans::Tag>),
    glyphs: Vec<Shape>,
    relations: &RelationsDrawn,
    dark: bool,
) -> Vec<(Rect, String)> {
    let painter = ui.painter_at(placed.visible_rect);
    let mut shapes = under;
    shapes.extend(glyphs);
    shapes.extend(over);
    shapes.extend(relations.shapes.iter().cloned());
    painter.extend(shapes);
    let font = egui::FontId::proportional(11.0);
    for tag in tags {
        let at = tag.rect.left_top() + vec2(0.0, -2.0);
        let (galley, rect) = small_tag(&painter, at, egui::Align2::LEFT_BOTTOM, &tag.name, &font);
        paint_tag(&painter, galley, rect, tag.color, dark);
    }
    let mut names: Vec<(Rect, String)> = Vec::new();
    for name in &relations.labels {
        let at = name.at + vec2(0.0, 6.0);
        let (galley, rect) =
            small_tag(&painter, at, egui::Align2::CENTER_BOTTOM, &name.kind, &font);
        if names.iter().any(|(r, _)| r.intersects(rect)) {
            continue;
        }
        paint_tag(&painter, galley, rect, name.color, dark);
        names.push((rect, name.kind.clone()));
    }
    names
}

/// A small name (an attribute, a relation kind) laid out, and where it goes: placed at `at`
/// by `align`, with a margin for its background.
fn small_tag(
    painter: &egui::Painter,
    at: Pos2,
    align: egui::Align2,
    text: &str,
    font: &egui::FontId,
) -> (std::sync::Arc<egui::Galley>, Rect) {
    let galley = painter.layout_no_wrap(text.to_owned(), font.clone(), Color32::PLACEHOLDER);
    let rect = align.anchor_size(at, galley.size()).expand(1.5);
    (galley, rect)
}

/// Paints a small name on a patch of background.
fn paint_tag(
    painter: &egui::Painter,
    galley: std::sync::Arc<egui::Galley>,
    rect: Rect,
    color: Color32,
    dark: bool,
) {
    let background = if dark {
        Color32::from_black_alpha(200)
    } else {
        Color32::from_white_alpha(220)
    };
    painter.rect_filled(rect, CornerRadius::same(2), background);
    painter.galley(rect.min + vec2(1.5, 1.5), galley, color);
}

/// Chars looked at to tell a document's direction: enough for any real document's opening,
/// and the cost stays the same for a huge one.
const DIRECTION_SAMPLE: usize = 64 * 1024;

/// The direction most of a document runs in: right to left when its opening (the first
/// [`DIRECTION_SAMPLE`] chars) holds more right-to-left letters than left-to-right ones. Each
/// paragraph is still laid out in its own direction.
fn document_direction(doc: &Document) -> Direction {
    let (mut rtl, mut ltr) = (0usize, 0usize);
    for c in doc.text().chars().take(DIRECTION_SAMPLE) {
        match crate::layout::bidi::strong(c).map(|s| s.direction()) {
            Some(Direction::Rtl) => rtl += 1,
            Some(Direction::Ltr) => ltr += 1,
            None => {}
        }
    }
    if rtl > ltr {
        Direction::Rtl
    } else {
        Direction::Ltr
    }
}

/// Screen position of a layout rectangle.
fn to_screen(r: &crate::layout::Rect, origin: Pos2) -> Rect {
    Rect::from_min_max(pos2(r.x0, r.y0), pos2(r.x1, r.y1)).translate(origin.to_vec2())
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
