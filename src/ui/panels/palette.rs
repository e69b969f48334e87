//! The label palette: every label of the schema by layer, with its colour, its keys (as key
//! caps) and how many spans of the active document have it ("3 spans"; commitments also say
//! how many lack a required attribute). A click applies the label, as its key does.

use std::collections::HashMap;

use egui::{RichText, Ui};

use crate::project::DocId;
use crate::rules::{Problem, annotation_problems};
use crate::schema::Layer;

use crate::ui::action::{Action, ViewContext};
use crate::ui::text_view::label_color;

/// Spans per label in one document, and how many of them miss a required attribute.
#[derive(Debug, Default)]
struct Counts {
    /// (document, store revision) counted.
    key: Option<(DocId, u64)>,
    per_label: HashMap<String, (usize, usize)>,
}

/// The palette and its counts (counted again only when the document's annotations change).
#[derive(Debug, Default)]
pub struct Palette {
    counts: Counts,
}

impl Palette {
    /// Draws the palette.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let state = cx.state;
        let Some(ws) = &state.workspace else { return };
        let schema = &ws.project.schema;
        if let Some(doc) = state.active_doc() {
            let store = ws.store(doc);
            let key = Some((doc, store.revision()));
            if self.counts.key != key {
                let mut per_label: HashMap<String, (usize, usize)> = HashMap::new();
                let document = ws.document(doc);
                for ann in store.annotations() {
                    let entry = per_label.entry(ann.label.clone()).or_default();
                    entry.0 += 1;
                    let label_of = |id| store.get(id).map(|a| a.label.as_str());
                    let incomplete = annotation_problems(ann, document, schema, label_of)
                        .iter()
                        .any(|p| matches!(p, Problem::MissingRequired(_)));
                    entry.1 += incomplete as usize;
                }
                self.counts = Counts { key, per_label };
            }
        }
        for layer in [Layer::Entity, Layer::Commitment] {
            ui.label(RichText::new(layer.name()).strong());
            for (index, label) in schema
                .labels
                .iter()
                .enumerate()
                .filter(|(_, l)| l.layer == layer)
            {
                let color = label_color(schema, &label.name);
                // Its keys, each drawn as a key cap: a letter and a digit.
                let keys: Vec<String> = label
                    .hotkey
                    .map(|h| h.to_string())
                    .into_iter()
                    .chain((index < 9).then(|| (index + 1).to_string()))
                    .collect();
                let (count, incomplete) = self
                    .counts
                    .per_label
                    .get(&label.name)
                    .copied()
                    .unwrap_or_default();
                let current = state.current_label.as_deref() == Some(label.name.as_str());
                // Wrapped: in a narrow panel the counts go to the next line, never cut off.
                let response = ui
                    .horizontal_wrapped(|ui| {
                        let (rect, _) =
                            ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
                        ui.painter().rect_filled(rect, 3.0, color);
                        let r = ui.selectable_label(current, &label.name);
                        for key in &keys {
                            hover_text(key_cap(ui, key), || {
                                format!(
                                    "Press {} to give the selection this label",
                                    keys.join(" or ")
                                )
                            });
                        }
                        if count > 0 {
                            let spans = if count == 1 { "span" } else { "spans" };
                            let counted =
                                ui.label(RichText::new(format!("{count} {spans}")).small());
                            hover_text(counted, || {
                                format!("{count} {spans} of {} in this document", label.name)
                            });
                        }
                        if incomplete > 0 {
                            ui.label(
                                RichText::new(format!("{incomplete} incomplete"))
                                    .small()
                                    .color(egui::Color32::from_rgb(200, 120, 0)),
                            )
                            .on_hover_text("Required attributes not filled in (see the details panel, or `accord validate`)");
                        }
                        r
                    })
                    .inner;
                let response = hover_text(response, || {
                    format!(
                        "{}\n\n{}\n\nRight-click: its guideline",
                        label.name, label.description
                    )
                });
                if response.clicked() {
                    cx.send(Action::Label(label.name.clone()));
                }
                response.context_menu(|ui| {
                    if ui.button("Show its guideline").clicked() {
                        cx.send(Action::GuidelinesFor(label.name.clone()));
                    }
                });
            }
            ui.add_space(6.0);
        }
    }
}

/// [`egui::Response::on_hover_text`], with the text written only when something reads it: the
/// tooltip may show, or AccessKit describes the widget with it (the palette runs every frame
/// for every label, and formatting its tooltips was a twentieth of a frame).
fn hover_text(response: egui::Response, text: impl FnOnce() -> String) -> egui::Response {
    let read =
        response.hovered() || response.has_focus() || response.ctx.has_accesskit_node(response.id);
    if read {
        response.on_hover_text(text())
    } else {
        response
    }
}

/// A key drawn as a key cap (a letter or digit on a small framed patch as tall as the row), so
/// it does not read as a count. Painted directly rather than as a `Frame` around a `Label`:
/// the palette draws two dozen of these every frame, and a child `Ui` each was a tenth of the
/// palette's cost.
fn key_cap(ui: &mut Ui, key: &str) -> egui::Response {
    let visuals = ui.visuals();
    let fill = visuals.widgets.inactive.bg_fill;
    let stroke = visuals.widgets.noninteractive.bg_stroke;
    let color = visuals.text_color();
    let font = egui::TextStyle::Small.resolve(ui.style());
    let galley = ui.painter().layout_no_wrap(key.to_owned(), font, color);
    let margin = egui::vec2(3.0 + stroke.width, stroke.width);
    let size = galley.size() + 2.0 * margin;
    let size = egui::vec2(size.x, size.y.max(ui.spacing().interact_size.y));
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        painter.rect(rect, 3.0, fill, stroke, egui::StrokeKind::Inside);
        let text_at = egui::pos2(
            rect.min.x + margin.x,
            rect.center().y - galley.size().y / 2.0,
        );
        painter.galley(text_at, galley, color);
    }
    let enabled = ui.is_enabled();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, enabled, key));
    response
}
