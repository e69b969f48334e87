//! The project's documents, with their state (unsaved `*`, needs attention `!`) and progress
//! (annotations, how many reviewed). A click shows the document in the active pane.

use egui::{RichText, Ui};

use crate::project::StoreStatus;

use crate::ui::action::{Action, ViewContext};

/// Draws the project name and the document list.
pub fn document_list_ui(ui: &mut Ui, cx: &mut ViewContext<'_>) {
    let state = cx.state;
    let Some(ws) = &state.workspace else {
        ui.heading("No project");
        if let Some(e) = &state.project_error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        ui.label("File > Open project… (Ctrl+O), or drop a folder onto the window.");
        return;
    };
    ui.heading(ws.project.name());
    ui.label(
        RichText::new(ws.project.root.display().to_string())
            .small()
            .weak(),
    );
    ui.separator();
    ui.label(RichText::new("Documents").strong());
    let active_doc = state.active_doc();
    for doc in ws.doc_ids() {
        let Some(slot) = ws.project.slot(doc) else {
            continue;
        };
        let doc_state = ws.doc_state(doc);
        let store = &doc_state.store;
        let marker = match &doc_state.status {
            StoreStatus::Editable if doc_state.is_dirty() => "*",
            StoreStatus::Editable => " ",
            _ => "!",
        };
        let title = format!(
            "{marker} {} [{}]",
            slot.file(),
            slot.entry.language.as_deref().unwrap_or("?")
        );
        let response = ui.selectable_label(active_doc == Some(doc), title);
        let response = match &doc_state.status {
            StoreStatus::Editable => response.on_hover_text(
                slot.entry
                    .title
                    .clone()
                    .unwrap_or_else(|| slot.file().to_owned()),
            ),
            StoreStatus::Locked(r) | StoreStatus::NoDocument(r) => response.on_hover_text(r),
        };
        if response.clicked() {
            cx.send(Action::ShowDocument {
                pane: state.active,
                doc,
            });
        }
        ui.label(
            RichText::new(format!(
                "    {} annotations · {} reviewed",
                store.len(),
                store.reviewed()
            ))
            .small()
            .weak(),
        );
    }
}
