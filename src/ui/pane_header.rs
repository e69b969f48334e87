//! The strip above each pane: which document it shows (a picker), its language tag and text
//! direction, whose annotations it draws (the Layers menu, with the legend of other
//! annotators' outline styles), and a button to close the pane. The Layers menu and the ×
//! keep their place at the right end however narrow the pane.

use egui::{RichText, Ui, vec2};

use crate::layout::Direction;
use crate::model::encoding::EncodingSource;

use super::action::{Action, ViewContext};
use super::state::PaneState;
use super::text_view::{layer_dash, patterned_rect};

/// Draws `pane`'s header in a strip of its own: in a narrow pane it is clipped rather than
/// widening the pane (and with it the text layout) past its share.
pub fn pane_header_ui(
    ui: &mut Ui,
    cx: &mut ViewContext<'_>,
    pane: &PaneState,
    direction: Direction,
) {
    let state = cx.state;
    let index = state.pane_index(pane.id).unwrap_or_default();
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
    // The right end first, so that a narrow pane never pushes its × or Layers out: the
    // picker, the language and the legend share what is left, and are clipped to it.
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if state.panes.len() > 1
            && ui
                .small_button("×")
                .on_hover_text("Close pane (Ctrl+W)")
                .clicked()
        {
            cx.send(Action::ClosePane(pane.id));
        }
        layers_menu_ui(ui, cx, pane);
        let rest = ui.available_rect_before_wrap();
        let mut left = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(rest)
                .layout(egui::Layout::left_to_right(egui::Align::Center)),
        );
        left.set_clip_rect(rest.intersect(ui.clip_rect()));
        document_ui(&mut left, cx, pane, index, direction);
        legend_ui(&mut left, pane);
    });
}

/// The document picker and the document's language, direction and encoding.
fn document_ui(
    ui: &mut Ui,
    cx: &mut ViewContext<'_>,
    pane: &PaneState,
    index: usize,
    direction: Direction,
) {
    let state = cx.state;
    let Some(ws) = &state.workspace else { return };
    let doc = pane.doc;
    let Some(slot) = ws.project.slot(doc) else {
        return;
    };
    let mut chosen = doc;
    egui::ComboBox::from_id_salt(("pane document", pane.id))
        .selected_text(slot.file())
        .width((ui.available_width() - 150.0).clamp(40.0, 260.0))
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
            pane: pane.id,
            doc: chosen,
        });
    }
    let language = slot.entry.language.as_deref().unwrap_or("und");
    let direction = match direction {
        Direction::Rtl => "RTL",
        Direction::Ltr => "LTR",
    };
    let (encoding, how) = ws.document(doc).map_or(("?", ""), |d| {
        let how = match d.encoding_source() {
            EncodingSource::Utf8 => "valid UTF-8",
            EncodingSource::ByteOrderMark => "from its byte order mark",
            EncodingSource::Declared => "as declared in accord.ron",
            EncodingSource::Detected => {
                "guessed from the bytes; if the text looks wrong, set `encoding` for this document in accord.ron"
            }
        };
        (d.encoding(), how)
    });
    ui.add(
        egui::Label::new(RichText::new(format!("{language} · {direction} · {encoding}")).monospace())
            .truncate(),
    )
    .on_hover_text(format!(
        "Language tag from accord.ron; the direction most of the text runs in (each paragraph is laid out in its own); encoding of the file ({how}). Offsets are into the decoded text."
    ));
}

/// The Layers menu: own annotations, each other annotator.
fn layers_menu_ui(ui: &mut Ui, cx: &mut ViewContext<'_>, pane: &PaneState) {
    let state = cx.state;
    let Some(ws) = &state.workspace else { return };
    let title = if pane.layers.is_empty() {
        "Layers".to_owned()
    } else {
        format!("Layers ({})", pane.layers.len() + usize::from(pane.own))
    };
    let response = ui.menu_button(title, |ui| {
        let mut own = pane.own;
        let mine = if ws.annotator == crate::project::CURATED {
            "The curated set (your decisions)".to_owned()
        } else {
            format!("Mine ({})", ws.annotator)
        };
        if ui.checkbox(&mut own, mine).changed() {
            cx.send(Action::ShowOwn {
                pane: pane.id,
                shown: own,
            });
        }
        ui.separator();
        ui.label(RichText::new("Other annotators (read-only)").small().weak());
        let others: Vec<String> = ws
            .project
            .annotators()
            .into_iter()
            .filter(|a| *a != ws.annotator)
            .collect();
        if others.is_empty() {
            ui.label("Nobody else has annotated this project.");
        }
        for name in others {
            let mut shown = pane.layers.contains(&name);
            ui.horizontal(|ui| {
                if ui.checkbox(&mut shown, &name).changed() {
                    cx.send(Action::ShowLayer {
                        pane: pane.id,
                        annotator: name.clone(),
                        shown,
                    });
                }
                if let Some(k) = pane.layers.iter().position(|l| *l == name) {
                    swatch(ui, k);
                }
            });
        }
    });
    response.response.on_hover_text(
        "Whose annotations this pane draws: yours, and other annotators' as outlines (hover a span to see who said what)",
    );
}

/// The legend of the layers shown: each one's outline style and annotator.
fn legend_ui(ui: &mut Ui, pane: &PaneState) {
    for (k, name) in pane.layers.iter().enumerate() {
        swatch(ui, k);
        ui.label(RichText::new(name).small());
    }
}

/// A small sample of layer `k`'s outline: its dash pattern (the colour is each span's label's).
fn swatch(ui: &mut Ui, k: usize) {
    let (rect, _) = ui.allocate_exact_size(vec2(22.0, 12.0), egui::Sense::hover());
    let color = ui.visuals().text_color();
    ui.painter().extend(patterned_rect(
        rect.shrink(1.5),
        egui::Stroke::new(1.5, color),
        layer_dash(k),
    ));
}
