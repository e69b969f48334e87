//! The relations pass: each relation with an end on screen drawn as an arc over the text
//! (faint unless it is the selected span's or pointed at, then named), a leader line towards
//! an end off screen, and the line of a relation being made following the pointer.

use std::collections::HashMap;

use egui::{Color32, Pos2, Rect, Shape, Stroke, pos2, vec2};

use crate::model::{AnnotationId, Link, LinkId};
use crate::store::AnnotationStore;
use crate::ui::fills::cubic_points;

use super::{Relations, ViewInput, arc_color};

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

/// What the relations pass drew.
pub(super) struct RelationsDrawn {
    /// The relations drawn.
    pub arcs: Vec<Arc>,
    /// The relation under the pointer.
    pub hovered: Option<LinkId>,
    /// The curves and arrowheads.
    pub shapes: Vec<Shape>,
    /// The name of each relation drawn, those drawn in full first.
    pub labels: Vec<RelationName>,
}

/// Where a relation's kind is written on its arc.
pub(super) struct RelationName {
    /// The middle of the arc (the end of a leader line).
    pub at: Pos2,
    /// The relation's kind.
    pub kind: String,
    pub color: Color32,
    /// The relation is drawn in full (the selected span's, or pointed at).
    pub full: bool,
}

/// Draws the relations between the spans drawn (`spans`: each one's first rectangle on
/// screen), the one under `pointer` strongest, and the line of a relation being made from a
/// span to a point (`rubber_band`).
pub(super) fn draw_relations(
    input: &ViewInput<'_>,
    spans: &HashMap<AnnotationId, Rect>,
    view: Rect,
    pointer: Option<Pos2>,
    rubber_band: Option<(AnnotationId, Pos2)>,
    dark: bool,
) -> RelationsDrawn {
    let outlined = input.selection.annotation();
    let arcs = relation_arcs(input, spans, view);
    let hovered = pointer.and_then(|p| nearest_arc(&arcs, p, 5.0));
    let mut shapes = Vec::new();
    let mut labels = Vec::new();
    for arc in &arcs {
        let Some(link) = input.store.link(arc.link) else {
            continue;
        };
        let strong = hovered == Some(arc.link) || input.emphasis.highlighted_link == Some(arc.link);
        let of_selected = outlined.is_some_and(|s| link.from == s || link.to == s);
        // The selected span's relations and the one pointed at are drawn in full; the others
        // stay faint, so the text reads with many on screen. Each is named by its kind.
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
        shapes.extend(arc_shape(arc, stroke));
        let at = if arc.whole {
            arc.points[arc.points.len() / 2]
        } else {
            arc.points[arc.points.len() - 1]
        };
        let name_color = if full {
            stroke.color
        } else {
            arc_color(dark).gamma_multiply(0.7)
        };
        labels.push(RelationName {
            at,
            kind: link.kind.clone(),
            color: name_color,
            full,
        });
    }
    // A relation being made: a line from its start to the pointer.
    if let Some((from, p)) = rubber_band
        && let Some(rect) = spans.get(&from)
    {
        shapes.extend(Shape::dashed_line(
            &[rect.center_top(), p],
            Stroke::new(2.0, arc_color(dark)),
            6.0,
            4.0,
        ));
    }
    // The names of the relations drawn in full first: they win where names would overlap.
    labels.sort_by_key(|name| !name.full);
    RelationsDrawn {
        arcs,
        hovered,
        shapes,
        labels,
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
                (Some(a), Some(b)) => arc_points(a.center_top(), b.center_top(), view.top()),
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

/// Room between the view's top and an arc's apex for the relation's name.
const NAME_ROOM: f32 = 15.0;

/// A cubic curve rising above both ends, sampled; its apex stays inside the view (below
/// `ceiling`, with room for the name), so a relation on the top line is never cut off.
fn arc_points(a: Pos2, b: Pos2, ceiling: f32) -> Vec<Pos2> {
    let rise = 10.0 + ((b.x - a.x).abs() * 0.15).min(28.0);
    // A cubic's apex is 3/4 of the way to its control points.
    let higher = a.y.min(b.y);
    let apex = (higher - rise * 0.75)
        .max(ceiling + NAME_ROOM)
        .min(higher - 4.0);
    let top = higher - (higher - apex) / 0.75;
    cubic_points([a, pos2(a.x, top), pos2(b.x, top), b], 20)
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
pub(super) fn describe_link(store: &AnnotationStore, link: &Link) -> String {
    let end = |id: AnnotationId| {
        store
            .get(id)
            .map_or(format!("#{}", id.0), |a| format!("{} #{}", a.label, id.0))
    };
    format!("{}: {} → {}", link.kind, end(link.from), end(link.to))
}
