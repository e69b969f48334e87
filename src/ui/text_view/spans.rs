//! The spans pass: each visible block's own spans (entities filled and underlined, stacked
//! where they nest; commitments as a band with brackets; rejected ones struck through), the
//! outlines of the selection, of what the selected annotation points at and of the candidate,
//! other annotators' spans as patterned outlines, the selected suggestion, review marks, and
//! the text selection. It
//! returns the shapes and what it drew, for the passes after it.

use std::collections::HashMap;

use egui::{Color32, CornerRadius, Pos2, Rect, Shape, Stroke, pos2};

use crate::layout::{Direction, DocumentLayout, UNDERLINE_THICKNESS};
use crate::model::{AnnotationId, CharRange, ReviewState};
use crate::review::{ItemStatus, ReviewItem};
use crate::schema::Layer;
use crate::ui::fills::Fills;

use super::{
    Placement, ReviewMarks, ViewInput, candidate_stroke, label_color, selection_fill,
    selection_stroke, to_screen,
};

/// What the spans pass drew.
pub(super) struct SpansDrawn {
    /// Span backgrounds, drawn under the glyphs.
    under: Fills,
    /// Underlines and commitment bands, drawn over the glyphs (before the outlines).
    lines: Fills,
    /// Brackets and outlines, drawn over the glyphs.
    over: Vec<Shape>,
    /// Names drawn above spans (the attribute a referenced span fills).
    tags: Vec<Tag>,
    /// The first rectangle on screen of each of one's own annotations drawn: where arcs and
    /// the lines between panes attach.
    pub first_rects: HashMap<AnnotationId, Rect>,
    /// One's own annotations drawn, in the order first drawn.
    pub own: Vec<AnnotationId>,
    /// The spans drawn as what the selected annotation points at, with the attribute.
    pub references: Vec<(AnnotationId, String)>,
    /// Other annotators' spans drawn: the layer (its index in the pane's layers), the
    /// annotation in that annotator's file, and its first rectangle on screen.
    pub layer_spans: Vec<(usize, AnnotationId, Rect)>,
    /// The find bar's matches drawn: the index among the document's matches, and the first
    /// rectangle on screen.
    pub found: Vec<(usize, Rect)>,
}

/// A small name drawn above a span.
pub(super) struct Tag {
    pub rect: Rect,
    pub name: String,
    pub color: Color32,
}

impl SpansDrawn {
    /// The shapes under and over the glyphs, and the tags, to paint.
    pub fn shapes(&mut self) -> (Vec<Shape>, Vec<Shape>, Vec<Tag>) {
        let mut over = vec![self.lines.take().into_shape()];
        over.append(&mut self.over);
        (
            vec![self.under.take().into_shape()],
            over,
            std::mem::take(&mut self.tags),
        )
    }
}

/// Draws the spans of the visible blocks (the glyphs are another pass); `highlighted` is the
/// text selection or the range being dragged over.
pub(super) fn draw_spans(
    layout: &DocumentLayout,
    input: &ViewInput<'_>,
    placed: &Placement,
    highlighted: Option<CharRange>,
    dark: bool,
) -> SpansDrawn {
    let origin = placed.origin;
    let outlined = input.selection.annotation();
    let mut drawn = SpansDrawn {
        under: Fills::new(placed.pixels_per_point),
        lines: Fills::new(placed.pixels_per_point),
        over: Vec::new(),
        tags: Vec::new(),
        first_rects: HashMap::new(),
        own: Vec::new(),
        references: Vec::new(),
        layer_spans: Vec::new(),
        found: Vec::new(),
    };
    let (under, lines, over) = (&mut drawn.under, &mut drawn.lines, &mut drawn.over);
    for i in placed.visible.clone() {
        let block = layout.blocks()[i];
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
            if let Some(first) = rects.first()
                && !drawn.first_rects.contains_key(id)
            {
                drawn.first_rects.insert(*id, *first);
                drawn.own.push(*id);
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
                    layout, i, *range, ann, &rects, origin, color, dark, under, lines, over,
                );
            } else {
                for rect in &rects {
                    under.rect(*rect, color.gamma_multiply(if dark { 0.45 } else { 0.30 }));
                    // Below the ink of the line's lowest dots, marks and descenders, so
                    // that a labelled word reads as an unlabelled one; nested spans further
                    // down.
                    let y = layout
                        .underline_y(i, rect.center().y - origin.y, level)
                        .map_or(rect.bottom(), |y| y + origin.y);
                    lines.hline((rect.left(), rect.right()), y, UNDERLINE_THICKNESS, color);
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
            if let Some((_, name)) = reference
                && !rects.is_empty()
                && drawn.references.last().is_none_or(|(r, _)| r != id)
            {
                drawn.references.push((*id, name.clone()));
            }
            if let (Some((_, name)), Some(first)) = (reference, rects.first())
                && range.start == ann.extent().start
            {
                drawn.tags.push(Tag {
                    rect: *first,
                    name: name.clone(),
                    color,
                });
            }
        }
        for (k, (_, store)) in input.emphasis.layers.iter().enumerate() {
            let dash = layer_dash(k);
            for (range, id) in store.fragments_in(block.text) {
                let label = store.get(id).map_or("", |a| a.label.as_str());
                let stroke = Stroke::new(2.0, label_color(input.schema, label));
                let mut first = None;
                for r in layout.block_range_rects(i, range) {
                    let rect = to_screen(&r, origin).expand(1.5 + 2.0 * k as f32);
                    first.get_or_insert(rect);
                    over.extend(patterned_rect(rect, stroke, dash));
                }
                if let Some(rect) = first
                    && drawn
                        .layer_spans
                        .last()
                        .is_none_or(|(l, a, _)| (*l, *a) != (k, id))
                {
                    drawn.layer_spans.push((k, id, rect));
                }
            }
        }
        // The selected suggestion's outline (the ghost spans themselves are `ghosts.rs`).
        if let Some(current) = input.emphasis.current_suggestion {
            for r in layout.block_range_rects(i, current) {
                over.push(Shape::rect_stroke(
                    to_screen(&r, origin).expand(2.5),
                    CornerRadius::same(2),
                    Stroke::new(2.0, selection_stroke(dark)),
                    egui::StrokeKind::Outside,
                ));
            }
        }
        if let Some(marks) = input.emphasis.review {
            review_marks(layout, i, block.text, marks, origin, dark, over);
        }
        // The find bar's matches in this block, each highlighted (the current one is also
        // the selection, drawn over it).
        let found = input.emphasis.found;
        let first = found.partition_point(|(_, r)| r.end <= block.text.start);
        for (k, (_, range)) in found.iter().enumerate().skip(first) {
            if range.start >= block.text.end {
                break;
            }
            let rects = layout.block_range_rects(i, *range);
            if let Some(r) = rects.first()
                && drawn.found.last().is_none_or(|(last, _)| *last != k)
            {
                drawn.found.push((k, to_screen(r, origin)));
            }
            for r in rects {
                under.rect(to_screen(&r, origin), found_fill(dark));
            }
        }
        if let Some(sel) = highlighted {
            for r in layout.block_range_rects(i, sel) {
                under.rect(to_screen(&r, origin), selection_fill(dark));
            }
        }
    }
    drawn
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
    under: &mut Fills,
    lines: &mut Fills,
    over: &mut Vec<Shape>,
) {
    let stroke = Stroke::new(2.0, color);
    for rect in rects {
        under.rect(*rect, color.gamma_multiply(if dark { 0.12 } else { 0.08 }));
        lines.rect(
            Rect::from_min_max(rect.left_top(), pos2(rect.right(), rect.top() + 3.0)),
            color,
        );
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

/// How another annotator's spans are outlined: in the colour of their label (a reviewer
/// tells ORG from EVENT at a glance) and in a dash pattern of the annotator's, so two
/// annotators differ even for colour-blind readers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dash {
    /// A solid line.
    Solid,
    /// Dashes and gaps of these lengths.
    Dashed(f32, f32),
}

/// The fill of a match of the find bar: a highlighter's yellow.
fn found_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgba_unmultiplied(230, 190, 40, 70)
    } else {
        Color32::from_rgba_unmultiplied(255, 210, 0, 110)
    }
}

/// The dash pattern of the `k`-th layer of a pane (the legend draws the same).
pub fn layer_dash(k: usize) -> Dash {
    const PATTERNS: [Dash; 4] = [
        Dash::Solid,
        Dash::Dashed(6.0, 3.0),
        Dash::Dashed(2.0, 2.0),
        Dash::Dashed(10.0, 3.0),
    ];
    PATTERNS[k % PATTERNS.len()]
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
pub(super) fn describe_item(item: &ReviewItem) -> String {
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

    /// The colour of each outline or line the pass drew over the glyphs.
    fn stroke_colors(shapes: &[Shape]) -> Vec<Color32> {
        shapes
            .iter()
            .filter_map(|shape| match shape {
                Shape::Rect(r) => Some(r.stroke.color),
                Shape::LineSegment { stroke, .. } => Some(stroke.color),
                Shape::Path(p) => match p.stroke.color {
                    egui::epaint::ColorMode::Solid(c) => Some(c),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    const TEXT: &str = "Astana hosted the Expo summit of the OSCE.";

    /// A store of `TEXT` with these spans (label, start, end).
    fn store_with(
        doc: &crate::model::Document,
        schema: &crate::schema::Schema,
        spans: &[(&str, usize, usize)],
    ) -> crate::store::AnnotationStore {
        use crate::edit::{Edit, EditContext, apply};
        let now = crate::model::Timestamp("2026-12-06T00:00:00Z".into());
        let ctx = EditContext {
            schema,
            document: doc,
            author: "aigerim",
            now: &now,
        };
        let mut store = crate::store::AnnotationStore::new();
        for &(label, start, end) in spans {
            let add = Edit::Add {
                label: label.into(),
                ranges: vec![CharRange::new(start, end)],
                attributes: Default::default(),
                source: None,
            };
            apply(&mut store, &ctx, &add).unwrap();
        }
        store
    }

    /// The spans pass over the whole of `doc` laid out 600 wide, at the origin, one pixel a
    /// point: what it drew, and the layout.
    fn draw(
        doc: &crate::model::Document,
        schema: &crate::schema::Schema,
        mine: &crate::store::AnnotationStore,
        emphasis: super::super::Emphasis<'_>,
        highlighted: Option<CharRange>,
    ) -> (SpansDrawn, DocumentLayout) {
        use crate::layout::{FontSet, TextStyle};
        let input = ViewInput {
            doc,
            language: None,
            store: mine,
            schema,
            selection: crate::ui::Selection::None,
            style: TextStyle::default(),
            id: egui::Id::NULL.with("view"),
            emphasis,
        };
        let mut fonts = FontSet::bundled().unwrap();
        let mut layout = DocumentLayout::new(doc, TextStyle::default(), 600.0, 1.0, None);
        let (visible, _) = layout.layout_visible(&mut fonts, doc, 0.0, 400.0);
        let placed = Placement {
            visible,
            origin: Pos2::ZERO,
            pixels_per_point: 1.0,
            visible_rect: Rect::EVERYTHING,
            dash_texture: egui::TextureId::default(),
        };
        (
            draw_spans(&layout, &input, &placed, highlighted, false),
            layout,
        )
    }

    #[test]
    fn other_annotators_spans_are_outlined_in_their_labels_colours() {
        use crate::model::Document;
        use crate::schema::Schema;
        use crate::store::AnnotationStore;

        let doc = Document::from_text("t.txt", TEXT);
        let schema = Schema::default_schema();
        let theirs = store_with(&doc, &schema, &[("EVENT", 18, 29), ("ORG", 37, 41)]);
        let layers = [("aigerim", &theirs), ("dilnoza", &AnnotationStore::new())];
        let emphasis = super::super::Emphasis {
            layers: &layers,
            ..super::super::Emphasis::NONE
        };
        let (mut drawn, _) = draw(&doc, &schema, &AnnotationStore::new(), emphasis, None);
        assert_eq!(
            drawn.layer_spans.len(),
            2,
            "both of aigerim's spans are drawn"
        );
        let (_, over, _) = drawn.shapes();
        let mut colors = stroke_colors(&over);
        colors.dedup();
        let want: Vec<Color32> = ["EVENT", "ORG"]
            .iter()
            .map(|l| label_color(&schema, l))
            .collect();
        assert_ne!(want[0], want[1]);
        assert_eq!(colors, want, "EVENT then ORG, each in its label's colour");
    }

    /// One's own span: filled in the mesh under the glyphs, then the text selection over the
    /// fill (in that order), and underlined in the first shape over the glyphs, in its label's
    /// colour, at the bottom of the fill and as wide.
    #[test]
    fn ones_own_span_is_filled_under_the_glyphs_and_underlined_over_them() {
        use crate::model::Document;
        use crate::schema::Schema;

        let doc = Document::from_text("t.txt", TEXT);
        let schema = Schema::default_schema();
        let mine = store_with(&doc, &schema, &[("ORG", 37, 41)]);
        let selected = CharRange::new(0, 6);
        let (mut drawn, layout) = draw(
            &doc,
            &schema,
            &mine,
            super::super::Emphasis::NONE,
            Some(selected),
        );
        let (under, over, _) = drawn.shapes();
        let mesh = |shape: &Shape| match shape {
            Shape::Mesh(m) => m.clone(),
            other => panic!("a mesh, not {other:?}"),
        };
        let color = label_color(&schema, "ORG");
        let [fills] = &under[..] else {
            panic!("one mesh under the glyphs: {under:?}")
        };
        let fills = mesh(fills);
        let colors: Vec<Color32> = fills.vertices.iter().map(|v| v.color).collect();
        assert_eq!(colors.len(), 8, "the span's fill, then the selection's");
        assert!(colors[..4].iter().all(|c| *c == color.gamma_multiply(0.30)));
        assert!(colors[4..].iter().all(|c| *c == selection_fill(false)));
        let fill = Rect::from_points(
            &fills.vertices[..4]
                .iter()
                .map(|v| v.pos)
                .collect::<Vec<_>>(),
        );
        let span = to_screen(
            &layout.block_range_rects(0, CharRange::new(37, 41))[0],
            Pos2::ZERO,
        );
        assert!(
            (fill.left() - span.left()).abs() <= 0.5 && (fill.right() - span.right()).abs() <= 0.5
        );
        let underline = mesh(&over[0]);
        assert!(underline.vertices.iter().all(|v| v.color == color));
        let line = underline.calc_bounds();
        assert_eq!((line.left(), line.right()), (fill.left(), fill.right()));
        assert!(line.top() > fill.center().y, "{line:?} under {fill:?}");
    }
}
