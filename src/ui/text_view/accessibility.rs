//! What a frame drew, told to AccessKit: each span of one's own (and the attribute it fills
//! for the selected annotation), each other annotator's span, each match of the find bar and
//! each relation becomes a node under the document's, named as a reader would say it, at its
//! place on screen, and so does the name written on each relation. Screen readers read them;
//! tests find spans and relations this way, as a user would, instead of through fields kept
//! for them. Nothing is done when AccessKit is off (the usual case).

use egui::accesskit::Role;
use egui::{Id, Rect, Sense, Ui, WidgetInfo};

use super::ViewInput;
use super::relations::{RelationsDrawn, describe_link};
use super::spans::SpansDrawn;

/// Adds a node for everything drawn this frame, under the document's node `doc`.
pub(super) fn describe(
    ui: &mut Ui,
    doc: Id,
    input: &ViewInput<'_>,
    spans: &SpansDrawn,
    relations: &RelationsDrawn,
    relation_names: &[(Rect, String)],
) {
    if ui.ctx().accesskit_node_builder(doc, |_| ()).is_none() {
        return;
    }
    // The nodes are children of the document's node (the child Ui reports to it).
    let nodes = ui.new_child(
        egui::UiBuilder::new()
            .id_salt("drawn")
            .accessibility_parent(doc)
            .max_rect(ui.clip_rect()),
    );
    let store = input.store;
    let selected = input.selection.annotation();
    for id in &spans.own {
        let (Some(a), Some(rect)) = (store.get(*id), spans.first_rects.get(id)) else {
            continue;
        };
        let mut name = format!("{} {} “{}”", a.label, a.id, a.text());
        if let Some((_, attribute)) = spans.references.iter().find(|(r, _)| r == id) {
            name.push_str(&format!(", {attribute} of the selected annotation"));
        }
        node(
            &nodes,
            doc.with(("span", *id)),
            *rect,
            Role::Mark,
            name,
            selected == Some(*id),
        );
    }
    for (k, id, rect) in &spans.layer_spans {
        let Some((annotator, layer)) = input.emphasis.layers.get(*k) else {
            continue;
        };
        if let Some(a) = layer.get(*id) {
            let name = format!("{annotator}: {} {} “{}”", a.label, a.id, a.text());
            node(
                &nodes,
                doc.with(("layer", *k, *id)),
                *rect,
                Role::Mark,
                name,
                false,
            );
        }
    }
    let found = input.emphasis.found;
    for (k, rect) in &spans.found {
        let text = found
            .get(*k)
            .and_then(|(_, r)| input.doc.slice(*r))
            .unwrap_or_default();
        let name = format!("match {} of {} “{text}”", k + 1, found.len());
        node(
            &nodes,
            doc.with(("match", *k)),
            *rect,
            Role::Mark,
            name,
            false,
        );
    }
    for arc in &relations.arcs {
        let Some(link) = store.link(arc.link) else {
            continue;
        };
        let bounds = arc
            .points
            .iter()
            .fold(Rect::NOTHING, |r, p| r.union(Rect::from_min_max(*p, *p)));
        let name = format!(
            "relation {}{}",
            describe_link(store, link),
            if arc.whole {
                ""
            } else {
                ", one end off screen"
            }
        );
        let id: Id = doc.with(("relation", arc.link));
        node(&nodes, id, bounds, Role::GraphicsObject, name, false);
    }
    // The names written on the arcs, as a reader sees them.
    for (i, (rect, kind)) in relation_names.iter().enumerate() {
        node(
            &nodes,
            doc.with(("relation name", i)),
            *rect,
            Role::Label,
            kind.clone(),
            false,
        );
    }
}

/// One node: a widget that senses nothing (so it takes no clicks from the text under it).
fn node(ui: &Ui, id: Id, rect: Rect, role: Role, name: String, selected: bool) {
    let response = ui.interact(rect, id, Sense::hover());
    response.widget_info(|| WidgetInfo::selected(role, true, selected, &name));
}
