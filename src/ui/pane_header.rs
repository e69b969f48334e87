//! The strip above each pane: which document it shows (a picker), its language tag and text
//! direction, and a button to close the pane.

use egui::{RichText, Ui, vec2};

use crate::layout::Direction;

use super::action::{Action, ViewContext};

/// Draws pane `index`'s header in a strip of its own: in a narrow pane it is clipped rather
/// than widening the pane (and with it the text layout) past its share.
pub fn pane_header_ui(ui: &mut Ui, cx: &mut ViewContext<'_>, index: usize, direction: Direction) {
    let state = cx.state;
    let Some(ws) = &state.workspace else { return };
    let doc = state.panes[index].doc;
    let Some(slot) = ws.project.slot(doc) else {
        return;
    };
    let strip = egui::Rect::from_min_size(
        ui.cursor().min,
        vec2(ui.available_width(), ui.spacing().interact_size.y + 4.0),
    );
    let mut header = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(strip)
            .layout(egui::Layout::left_to_right(egui::Align::Center)),
    );
    header.set_clip_rect(strip.intersect(ui.clip_rect()));
    ui.advance_cursor_after_rect(strip);
    let ui = &mut header;
    let mut chosen = doc;
    egui::ComboBox::from_id_salt(("pane document", index))
        .selected_text(slot.file())
        .width((ui.available_width() - 135.0).clamp(40.0, 260.0))
        .show_ui(ui, |ui| {
            for id in ws.doc_ids() {
                ui.selectable_value(&mut chosen, id, ws.file_name(id));
            }
        })
        .response
        .widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::accesskit::Role::ComboBox,
                true,
                format!("Document in pane {}", index + 1),
            )
        });
    if chosen != doc {
        cx.send(Action::ShowDocument {
            pane: index,
            doc: chosen,
        });
    }
    let language = slot.entry.language.as_deref().unwrap_or("und");
    let direction = match direction {
        Direction::Rtl => "RTL",
        Direction::Ltr => "LTR",
    };
    ui.label(RichText::new(format!("{language} · {direction}")).monospace())
        .on_hover_text("Language tag from accord.ron; direction of the text as laid out");
    if state.panes.len() > 1
        && ui
            .small_button("×")
            .on_hover_text("Close pane (Ctrl+W)")
            .clicked()
    {
        cx.send(Action::ClosePane(index));
    }
}
