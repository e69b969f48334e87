//! The label palette: every label of the schema by layer, with its colour and keys. A click
//! applies the label, as its key does.

use egui::{RichText, Ui};

use crate::schema::Layer;

use crate::ui::action::{Action, ViewContext};
use crate::ui::text_view::label_color;

/// Draws the palette.
pub fn palette_ui(ui: &mut Ui, cx: &mut ViewContext<'_>) {
    let state = cx.state;
    let Some(ws) = &state.workspace else { return };
    let schema = &ws.project.schema;
    for layer in [Layer::Entity, Layer::Commitment] {
        ui.label(RichText::new(layer.name()).strong());
        for (index, label) in schema
            .labels
            .iter()
            .enumerate()
            .filter(|(_, l)| l.layer == layer)
        {
            let color = label_color(schema, &label.name);
            let keys = match (label.hotkey, index < 9) {
                (Some(h), true) => format!("{h} · {}", index + 1),
                (Some(h), false) => h.to_string(),
                (None, true) => (index + 1).to_string(),
                (None, false) => String::new(),
            };
            let current = state.current_label.as_deref() == Some(label.name.as_str());
            let response = ui
                .horizontal(|ui| {
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 3.0, color);
                    let r = ui.selectable_label(current, &label.name);
                    ui.label(RichText::new(keys).monospace().weak());
                    r
                })
                .inner;
            if response
                .on_hover_text(format!("{}\n\n{}", label.name, label.description))
                .clicked()
            {
                cx.send(Action::Label(label.name.clone()));
            }
        }
        ui.add_space(6.0);
    }
}
