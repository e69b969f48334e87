//! The pointer over the text: drags, clicks, Shift+drags, and scrolling while dragging past
//! an edge.

use egui::{Pos2, Rect, Response, Ui};

use crate::layout::DocumentLayout;
use crate::model::boundaries::{snap_to_clusters, snap_to_words};
use crate::model::{AnnotationId, CharRange};
use crate::store::AnnotationStore;

use super::{TextEngine, ViewEvent, ViewInput};

/// A drag in progress.
#[derive(Clone, Copy, Debug)]
pub(super) struct Drag {
    pub anchor: usize,
    /// The snapped range dragged over so far (empty until the pointer moves off the anchor).
    pub range: Option<CharRange>,
    pub add_fragment: bool,
    pub exact: bool,
    /// A Shift+drag from this span: a relation, not a selection.
    pub relate_from: Option<AnnotationId>,
}

/// Turns what the pointer did over the text into [`ViewEvent`]s: a drag selects (snapped to
/// words, or to clusters with Alt), Ctrl+drag adds a fragment, Shift+drag from a span
/// relates it to the span where it ends, a click reports the char and the spans under it.
#[allow(clippy::too_many_arguments)]
pub(super) fn handle_pointer(
    ui: &Ui,
    response: &Response,
    layout: &mut DocumentLayout,
    engine: &mut TextEngine,
    input: &ViewInput<'_>,
    origin: Pos2,
    drag: &mut Option<Drag>,
    events: &mut Vec<ViewEvent>,
) {
    let (doc, store) = (input.doc, input.store);
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
pub(super) fn autoscroll(
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
