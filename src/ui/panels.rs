//! The side panels: document list with progress, label palette, and the details of the
//! selected annotation with typed attribute editors.

use egui::{Color32, RichText, Ui};

use crate::edit::Edit;
use crate::model::{Annotation, AnnotationId, AttributeValue, CharRange, ReviewState};
use crate::project::StoreStatus;
use crate::schema::{AttributeDef, AttributeKind, Layer};

use super::app::{AccordApp, Action};

/// How far (in chars) around an annotation the reference picker looks for candidates.
const CANDIDATE_REACH: usize = 4000;
/// Most candidates the reference picker lists.
const MAX_CANDIDATES: usize = 60;
use super::text_view::{label_color, text_block, text_line};

impl AccordApp {
    pub(crate) fn left_panel_ui(&mut self, ui: &mut Ui) {
        let Some(ws) = &self.ws else {
            ui.heading("No project");
            if let Some(e) = &self.project_error {
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
        let active_doc = self.active_doc();
        let mut show = None;
        for (i, slot) in ws.project.documents.iter().enumerate() {
            let state = ws.doc_state(i);
            let store = ws.store(i);
            let reviewed = store.reviewed();
            ui.horizontal(|ui| {
                let marker = match &state.status {
                    StoreStatus::Editable if state.is_dirty() => "*",
                    StoreStatus::Editable => " ",
                    _ => "!",
                };
                let title = format!(
                    "{marker} {} [{}]",
                    slot.file(),
                    slot.entry.language.as_deref().unwrap_or("?")
                );
                let response = ui.selectable_label(active_doc == Some(i), title);
                let response = match &state.status {
                    StoreStatus::Editable => response.on_hover_text(
                        slot.entry
                            .title
                            .clone()
                            .unwrap_or_else(|| slot.file().to_owned()),
                    ),
                    StoreStatus::Locked(r) | StoreStatus::NoDocument(r) => {
                        response.on_hover_text(r)
                    }
                };
                if response.clicked() {
                    show = Some(i);
                }
            });
            ui.label(
                RichText::new(format!(
                    "    {} annotations · {} reviewed",
                    store.len(),
                    reviewed
                ))
                .small()
                .weak(),
            );
        }
        if let Some(doc) = show {
            self.push(Action::ShowDocument {
                pane: self.active,
                doc,
            });
        }
        ui.separator();
        self.palette_ui(ui);
    }

    fn palette_ui(&mut self, ui: &mut Ui) {
        let Some(ws) = &self.ws else { return };
        let schema = &ws.project.schema;
        let mut clicked = None;
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
                let current = self.current_label.as_deref() == Some(label.name.as_str());
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
                    clicked = Some(label.name.clone());
                }
            }
            ui.add_space(6.0);
        }
        if let Some(label) = clicked {
            self.push(Action::Label(label));
        }
    }

    pub(crate) fn details_ui(&mut self, ui: &mut Ui) {
        ui.heading("Annotation");
        let Some((doc, id)) = self.selected else {
            ui.label("Click a span to see it here.");
            ui.add_space(8.0);
            ui.label("Drag over text, then press a label's key (or 1–9) to create a span.");
            return;
        };
        let Some(ws) = &self.ws else { return };
        let Some(ann) = ws.store(doc).get(id).cloned() else {
            ui.label("The selected annotation no longer exists.");
            return;
        };
        let schema = ws.project.schema.clone();
        let editable = ws.doc_state(doc).status == StoreStatus::Editable;
        let links: Vec<(crate::model::Link, AnnotationId, String)> = ws
            .store(doc)
            .links_of(id)
            .map(|link| {
                let other = if link.from == id { link.to } else { link.from };
                let text = ws
                    .store(doc)
                    .get(other)
                    .map(|o| o.text())
                    .unwrap_or_default();
                (link.clone(), other, text)
            })
            .collect();
        let mut edits: Vec<Edit> = Vec::new();
        egui::ScrollArea::vertical()
            .id_salt("details scroll")
            .show(ui, |ui| {
                ui.add_enabled_ui(editable, |ui| {
                    egui::Grid::new("annotation header")
                        .num_columns(2)
                        .show(ui, |ui| {
                            let label_title = ui.label("Label");
                            egui::ComboBox::from_id_salt("relabel")
                                .selected_text(&ann.label)
                                .show_ui(ui, |ui| {
                                    for l in &schema.labels {
                                        if ui
                                            .selectable_label(l.name == ann.label, &l.name)
                                            .clicked()
                                            && l.name != ann.label
                                        {
                                            edits.push(Edit::Relabel {
                                                id,
                                                label: l.name.clone(),
                                            });
                                        }
                                    }
                                })
                                .response
                                .labelled_by(label_title.id);
                            ui.end_row();
                            ui.label("Id");
                            ui.label(id.to_string());
                            ui.end_row();
                        });
                    ui.separator();
                    ui.label(RichText::new("Text").strong());
                    for (index, f) in ann.fragments.iter().enumerate() {
                        ui.horizontal(|ui| {
                            ui.label(
                                RichText::new(format!("{}..{}", f.start, f.end))
                                    .monospace()
                                    .weak(),
                            );
                            if ann.fragments.len() > 1
                                && ui
                                    .small_button("×")
                                    .on_hover_text("Remove this fragment")
                                    .clicked()
                            {
                                edits.push(Edit::RemoveFragment { id, index });
                            }
                        });
                        text_block(ui, &mut self.engine, &f.text, 16.0);
                    }
                    if let Some(label) = schema.label(&ann.label)
                        && !label.attributes.is_empty()
                    {
                        ui.separator();
                        ui.label(RichText::new("Attributes").strong());
                        for def in &label.attributes {
                            self.attribute_ui(ui, doc, &ann, def, &mut edits);
                        }
                    }
                    ui.separator();
                    let note_label = ui.label(RichText::new("Note").strong());
                    let key = format!("note/{doc}/{}", id.0);
                    let buffer = self
                        .buffers
                        .entry(key.clone())
                        .or_insert_with(|| ann.note.clone());
                    let response = ui
                        .add(
                            egui::TextEdit::multiline(buffer)
                                .desired_rows(3)
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(note_label.id);
                    if response.lost_focus() && *buffer != ann.note {
                        edits.push(Edit::SetNote {
                            id,
                            note: buffer.clone(),
                        });
                    }
                    ui.separator();
                    egui::Grid::new("annotation footer")
                        .num_columns(2)
                        .show(ui, |ui| {
                            let review_title = ui.label("Review");
                            egui::ComboBox::from_id_salt("review state")
                                .selected_text(ann.review.state.name())
                                .show_ui(ui, |ui| {
                                    for state in ReviewState::ALL {
                                        if ui
                                            .selectable_label(
                                                ann.review.state == state,
                                                state.name(),
                                            )
                                            .clicked()
                                            && ann.review.state != state
                                        {
                                            edits.push(Edit::SetReview { id, state });
                                        }
                                    }
                                })
                                .response
                                .labelled_by(review_title.id);
                            ui.end_row();
                            if let Some(r) = &ann.review.reviewer {
                                ui.label("Reviewer");
                                ui.label(format!(
                                    "{r}, {}",
                                    ann.review.time.as_ref().map(|t| t.0.as_str()).unwrap_or("")
                                ));
                                ui.end_row();
                            }
                            ui.label("Author");
                            ui.label(&ann.author);
                            ui.end_row();
                            ui.label("Created");
                            ui.label(&ann.created.0);
                            ui.end_row();
                            ui.label("Changed");
                            ui.label(&ann.modified.0);
                            ui.end_row();
                        });
                    if !links.is_empty() {
                        ui.separator();
                        ui.label(RichText::new("Links").strong());
                        for (link, other, text) in &links {
                            let arrow = if link.from == id { "to" } else { "from" };
                            ui.horizontal(|ui| {
                                ui.label(format!("{arrow} {} {other}", link.kind));
                                if ui.small_button("×").clicked() {
                                    edits.push(Edit::RemoveLink { id: link.id });
                                }
                            });
                            text_line(ui, &mut self.engine, text, 14.0);
                        }
                    }
                });
                if !editable {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "Read-only: see the document list for why.",
                    );
                }
            });
        for edit in edits {
            self.push(Action::Edit { doc, edit });
        }
    }

    fn attribute_ui(
        &mut self,
        ui: &mut Ui,
        doc: usize,
        ann: &Annotation,
        def: &AttributeDef,
        edits: &mut Vec<Edit>,
    ) {
        let id = ann.id;
        let current = ann.attributes.get(&def.name);
        let set = |value: Option<AttributeValue>| Edit::SetAttribute {
            id,
            name: def.name.clone(),
            value,
        };
        let title = if def.required {
            format!("{} *", def.name)
        } else {
            def.name.clone()
        };
        let title = ui
            .label(RichText::new(title).italics())
            .on_hover_text(if def.required {
                format!("{}\n(required)", def.description)
            } else {
                def.description.clone()
            });
        match &def.kind {
            AttributeKind::Enum { values } => {
                let shown = match current {
                    Some(AttributeValue::Enum(v)) => v.clone(),
                    _ => "—".to_owned(),
                };
                egui::ComboBox::from_id_salt(("enum", &def.name))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        if ui.selectable_label(current.is_none(), "—").clicked()
                            && current.is_some()
                        {
                            edits.push(set(None));
                        }
                        for v in values {
                            let chosen = current == Some(&AttributeValue::Enum(v.clone()));
                            if ui.selectable_label(chosen, v).clicked() && !chosen {
                                edits.push(set(Some(AttributeValue::Enum(v.clone()))));
                            }
                        }
                    })
                    .response
                    .labelled_by(title.id);
            }
            AttributeKind::Bool => {
                let mut on = matches!(current, Some(AttributeValue::Bool(true)));
                if ui.checkbox(&mut on, "yes").changed() {
                    edits.push(set(Some(AttributeValue::Bool(on))));
                }
            }
            AttributeKind::Text => {
                if let Some(value) = self.attribute_text_ui(ui, doc, id, def, current, title.id) {
                    edits.push(set(value));
                }
            }
            AttributeKind::SpanRef {
                labels,
                many,
                text_allowed,
            } => {
                let refs: Vec<AnnotationId> = match current {
                    Some(AttributeValue::Refs(r)) => r.clone(),
                    _ => Vec::new(),
                };
                let Some(ws) = &self.ws else { return };
                let store = ws.store(doc);
                let schema = &ws.project.schema;
                let mut remove = None;
                for target in &refs {
                    ui.horizontal(|ui| {
                        let (label, text) = store
                            .get(*target)
                            .map_or(("?".to_owned(), String::new()), |a| {
                                (a.label.clone(), a.text())
                            });
                        ui.colored_label(label_color(schema, &label), label);
                        if ui.small_button("×").clicked() {
                            remove = Some(*target);
                        }
                        text_line(ui, &mut self.engine, &text, 14.0);
                    });
                }
                if let Some(gone) = remove {
                    let rest: Vec<AnnotationId> =
                        refs.iter().copied().filter(|r| *r != gone).collect();
                    edits.push(set((!rest.is_empty()).then_some(AttributeValue::Refs(rest))));
                }
                // Candidates near the annotation, nearest first: a range query, so the cost
                // does not grow with the number of annotations in the document.
                let extent = ann.extent();
                let near = CharRange::new(
                    extent.start.saturating_sub(CANDIDATE_REACH),
                    extent.end + CANDIDATE_REACH,
                );
                let mut seen = std::collections::HashSet::new();
                let mut candidates: Vec<(usize, AnnotationId, String, String)> = store
                    .fragments_in(near)
                    .into_iter()
                    .filter(|(_, cid)| *cid != id && !refs.contains(cid) && seen.insert(*cid))
                    .filter_map(|(range, cid)| store.get(cid).map(|a| (range, a)))
                    .filter(|(_, a)| labels.is_empty() || labels.contains(&a.label))
                    .map(|(range, a)| {
                        let distance = range.start.abs_diff(extent.start);
                        (distance, a.id, a.label.clone(), a.text())
                    })
                    .collect();
                candidates.sort_by_key(|c| (c.0, c.1));
                candidates.truncate(MAX_CANDIDATES);
                let candidates: Vec<(AnnotationId, String, String)> = candidates
                    .into_iter()
                    .map(|(_, i, l, t)| (i, l, t))
                    .collect();
                if (*many || refs.is_empty()) && !candidates.is_empty() {
                    let picked = egui::CollapsingHeader::new(format!(
                        "Add {} ({})",
                        def.name,
                        candidates.len()
                    ))
                    .id_salt(("pick", &def.name, id.0))
                    .show(ui, |ui| {
                        let mut picked = None;
                        egui::ScrollArea::vertical()
                            .max_height(160.0)
                            .id_salt(("pick list", &def.name))
                            .show(ui, |ui| {
                                for (cid, label, text) in &candidates {
                                    ui.horizontal(|ui| {
                                        let color = label_color(schema, label);
                                        if ui
                                            .button(
                                                RichText::new(format!("+ {label}")).color(color),
                                            )
                                            .clicked()
                                        {
                                            picked = Some(*cid);
                                        }
                                        if text_line(ui, &mut self.engine, text, 14.0).clicked() {
                                            picked = Some(*cid);
                                        }
                                    });
                                }
                            });
                        picked
                    })
                    .body_returned
                    .flatten();
                    if let Some(cid) = picked {
                        let mut new = if *many { refs.clone() } else { Vec::new() };
                        new.push(cid);
                        edits.push(set(Some(AttributeValue::Refs(new))));
                    }
                }
                if *text_allowed
                    && refs.is_empty()
                    && let Some(value) = self.attribute_text_ui(ui, doc, id, def, current, title.id)
                {
                    edits.push(set(value));
                }
            }
        }
        if current.is_none() && def.required {
            ui.colored_label(Color32::from_rgb(200, 120, 0), "required");
        }
    }

    /// The text field of a text-valued attribute. Returns the new value (`None` when emptied)
    /// once the field loses focus with a change.
    fn attribute_text_ui(
        &mut self,
        ui: &mut Ui,
        doc: usize,
        id: AnnotationId,
        def: &AttributeDef,
        current: Option<&AttributeValue>,
        label: egui::Id,
    ) -> Option<Option<AttributeValue>> {
        let text = match current {
            Some(AttributeValue::Text(t)) => t.as_str(),
            _ => "",
        };
        let key = format!("attr/{doc}/{}/{}", id.0, def.name);
        let edited = self.text_field(ui, key, text, label)?;
        Some((!edited.is_empty()).then_some(AttributeValue::Text(edited)))
    }

    /// A one-line text field whose value is committed when it loses focus. Returns the new
    /// value when it changed.
    fn text_field(
        &mut self,
        ui: &mut Ui,
        key: String,
        value: &str,
        label: egui::Id,
    ) -> Option<String> {
        let buffer = self.buffers.entry(key).or_insert_with(|| value.to_owned());
        let response = ui
            .add(egui::TextEdit::singleline(buffer).desired_width(f32::INFINITY))
            .labelled_by(label);
        (response.lost_focus() && buffer != value).then(|| buffer.clone())
    }
}
