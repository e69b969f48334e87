//! The Labels tab of the side panel: the project's label set, edited in place. Add a label,
//! rename it, recolour it, give it a key and a layer, describe it (the guideline line the
//! palette shows), move it in the palette, delete it. Each change is a [`SchemaEdit`] sent as
//! [`Action::EditSchema`]: one undoable step, written to the schema file at once, seen at
//! once in the palette and on the documents. Renaming a label relabels the annotator's spans
//! in the same step.

use egui::{RichText, Ui};

use crate::schema::edit::SchemaEdit;
use crate::schema::{LabelDef, Layer, Rgb, Schema};
use crate::ui::action::{Action, ViewContext};
use crate::ui::text_field::TextField;

/// The Labels tab: which label is being edited, and its fields as typed.
#[derive(Debug, Default)]
pub struct LabelsPanel {
    /// The label being edited.
    selected: Option<String>,
    /// Its name and description as typed, for the label they were typed for.
    name: Option<(String, TextField)>,
    description: Option<(String, TextField)>,
    /// Its key as typed.
    key: String,
    /// The label a used label's spans get when it is deleted.
    relabel_as: Option<String>,
    /// How many spans of the edited label the other annotators have (from their files), and
    /// the label and workspace revision that was counted for.
    others: Option<(Counted, Vec<(String, usize)>)>,
}

/// A label's name and the workspace revision its uses were counted at.
type Counted = (String, u64);

impl LabelsPanel {
    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let state = cx.state;
        let Some(ws) = &state.workspace else {
            ui.label("Open a project to see its labels.");
            return;
        };
        let schema = ws.project.schema.clone();
        let uses = uses_per_label(ws);
        ui.horizontal(|ui| {
            ui.weak(match &ws.project.file.schema {
                crate::project::SchemaSource::File(file) => format!("Saved in {file}"),
                _ => "Saved in schema.ron at the first change".to_owned(),
            });
        });
        let mut added = false;
        if ui.button("➕ Add a label").clicked() {
            let label = new_label(&schema);
            self.select(Some(label.name.clone()));
            added = true;
            cx.send(Action::EditSchema(SchemaEdit::AddLabel {
                at: schema.labels.len(),
                label,
            }));
        }
        if schema.labels.is_empty() {
            ui.label("No label yet: add the first.");
        }
        egui::ScrollArea::vertical()
            .id_salt("labels list")
            .max_height(ui.available_height() * 0.45)
            .show(ui, |ui| {
                for label in &schema.labels {
                    let selected = self.selected.as_deref() == Some(&label.name);
                    ui.horizontal(|ui| {
                        let (rect, _) =
                            ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
                        ui.painter().rect_filled(rect, 3.0, color(label.color));
                        let key = label.hotkey.map(|k| format!(" [{k}]")).unwrap_or_default();
                        let row = ui.selectable_label(selected, format!("{}{key}", label.name));
                        let n = uses.get(&label.name).copied().unwrap_or(0);
                        ui.weak(format!("{n} yours"));
                        if row.clicked() {
                            self.select((!selected).then(|| label.name.clone()));
                        }
                    });
                }
            });
        // The label edited may have been renamed or removed (undo, another window); one
        // just added is there from the next frame.
        if let Some(name) = &self.selected
            && schema.label(name).is_none()
            && !added
        {
            self.select(None);
        }
        let Some(label) = self
            .selected
            .as_ref()
            .and_then(|n| schema.label(n))
            .cloned()
        else {
            return;
        };
        ui.separator();
        let counted = (label.name.clone(), ws.revision());
        if self.others.as_ref().is_none_or(|(c, _)| *c != counted) {
            let others =
                crate::project::relabel::others_using(&ws.project, &ws.annotator, &label.name);
            self.others = Some((counted, others));
        }
        let own = uses.get(&label.name).copied().unwrap_or(0);
        let others = self
            .others
            .as_ref()
            .map(|(_, o)| o.clone())
            .unwrap_or_default();
        self.editor_ui(ui, cx, &schema, &label, own, &others);
    }

    fn select(&mut self, name: Option<String>) {
        self.selected = name;
        self.name = None;
        self.description = None;
        self.key.clear();
    }

    fn editor_ui(
        &mut self,
        ui: &mut Ui,
        cx: &mut ViewContext<'_>,
        schema: &Schema,
        label: &LabelDef,
        uses: usize,
        others: &[(String, usize)],
    ) {
        let set = |cx: &mut ViewContext<'_>, changed: LabelDef| {
            cx.send(Action::EditSchema(SchemaEdit::SetLabel {
                name: label.name.clone(),
                label: changed,
            }));
        };
        egui::Grid::new("label editor")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                ui.label("Name");
                let (for_label, field) = self.name.get_or_insert_with(|| {
                    (
                        label.name.clone(),
                        TextField::singleline(&label.name).labelled("Label name"),
                    )
                });
                if *for_label != label.name {
                    *field = TextField::singleline(&label.name).labelled("Label name");
                    *for_label = label.name.clone();
                }
                let id = ui.make_persistent_id("label name");
                let out = field.ui(ui, cx.engine, id, 180.0, "a name");
                let typed = field.text().trim().to_owned();
                if out.submitted {
                    // Enter is done with the name: keys go back to the window (Ctrl+Z).
                    out.response.surrender_focus();
                }
                if (out.submitted || out.response.lost_focus())
                    && !typed.is_empty()
                    && typed != label.name
                {
                    self.selected = Some(typed.clone());
                    cx.send(Action::RenameLabel {
                        from: label.name.clone(),
                        to: typed,
                    });
                }
                ui.end_row();

                ui.label("Colour");
                let mut rgb = label.color.0;
                if ui.color_edit_button_srgb(&mut rgb).changed() {
                    set(
                        cx,
                        LabelDef {
                            color: Rgb(rgb),
                            ..label.clone()
                        },
                    );
                }
                ui.end_row();

                let key_label = ui.label("Key");
                ui.horizontal(|ui| {
                    if self.key.is_empty() {
                        self.key = label.hotkey.map(String::from).unwrap_or_default();
                    }
                    let edit = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.key)
                                .desired_width(24.0)
                                .char_limit(1),
                        )
                        .labelled_by(key_label.id);
                    let key = self.key.chars().next();
                    let taken = key.and_then(|k| {
                        schema
                            .label_for_hotkey(k)
                            .filter(|other| other.name != label.name)
                    });
                    if let Some(other) = taken {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("taken by {}", other.name),
                        );
                    } else if key.is_some_and(|k| k.is_ascii_digit()) {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            "digits choose labels by palette order",
                        );
                    } else if edit.changed() && key != label.hotkey {
                        set(
                            cx,
                            LabelDef {
                                hotkey: key,
                                ..label.clone()
                            },
                        );
                    }
                });
                ui.end_row();

                ui.label("Layer");
                ui.horizontal(|ui| {
                    for layer in [Layer::Entity, Layer::Commitment] {
                        if ui.radio(label.layer == layer, layer.name()).clicked()
                            && label.layer != layer
                        {
                            set(
                                cx,
                                LabelDef {
                                    layer,
                                    ..label.clone()
                                },
                            );
                        }
                    }
                });
                ui.end_row();

                ui.label("Order");
                ui.horizontal(|ui| {
                    let at = schema
                        .labels
                        .iter()
                        .position(|l| l.name == label.name)
                        .unwrap_or(0);
                    if ui.add_enabled(at > 0, egui::Button::new("↑")).clicked() {
                        cx.send(Action::EditSchema(SchemaEdit::MoveLabel {
                            name: label.name.clone(),
                            to: at - 1,
                        }));
                    }
                    if ui
                        .add_enabled(at + 1 < schema.labels.len(), egui::Button::new("↓"))
                        .clicked()
                    {
                        cx.send(Action::EditSchema(SchemaEdit::MoveLabel {
                            name: label.name.clone(),
                            to: at + 1,
                        }));
                    }
                });
                ui.end_row();
            });
        ui.label("Description (the guideline line the palette shows)");
        let (for_label, field) = self.description.get_or_insert_with(|| {
            (
                label.name.clone(),
                TextField::multiline(&label.description, 3).labelled("Label description"),
            )
        });
        if *for_label != label.name {
            *field = TextField::multiline(&label.description, 3).labelled("Label description");
            *for_label = label.name.clone();
        }
        let id = ui.make_persistent_id("label description");
        let out = field.ui(ui, cx.engine, id, f32::INFINITY, "what it covers");
        if out.response.lost_focus() && field.text() != label.description {
            set(
                cx,
                LabelDef {
                    description: field.text(),
                    ..label.clone()
                },
            );
        }
        if !label.attributes.is_empty() {
            ui.label(RichText::new("Attributes").strong());
            for attribute in &label.attributes {
                ui.weak(format!(
                    "{}{}",
                    attribute.name,
                    if attribute.required {
                        " (required)"
                    } else {
                        ""
                    }
                ));
            }
        }
        ui.add_space(6.0);
        let mut used_by: Vec<String> = Vec::new();
        if uses > 0 {
            used_by.push(format!("{uses} of yours"));
        }
        used_by.extend(others.iter().map(|(who, n)| format!("{n} of {who}'s")));
        if used_by.is_empty() {
            ui.weak("No span has it.");
        } else {
            ui.weak(format!(
                "Spans with it: {}. Renaming it renames theirs too.",
                used_by.join(", ")
            ));
        }
        if ui.button("Its guideline").clicked() {
            cx.send(Action::GuidelinesFor(label.name.clone()));
        }
        ui.add_space(6.0);
        if used_by.is_empty() {
            if ui.button("Delete label").clicked() {
                cx.send(Action::DeleteLabel {
                    name: label.name.clone(),
                    relabel_as: None,
                });
            }
            return;
        }
        // Used: never a silent loss. Its spans get another label, or keep it, flagged.
        ui.label(RichText::new("Delete it").strong());
        let others: Vec<&str> = schema
            .labels
            .iter()
            .map(|l| l.name.as_str())
            .filter(|n| *n != label.name)
            .collect();
        if self
            .relabel_as
            .as_deref()
            .is_none_or(|n| !others.contains(&n))
        {
            self.relabel_as = others.first().map(|n| (*n).to_owned());
        }
        ui.horizontal(|ui| {
            ui.label("Give its spans the label");
            egui::ComboBox::from_id_salt("relabel as")
                .selected_text(self.relabel_as.as_deref().unwrap_or("—"))
                .show_ui(ui, |ui| {
                    for name in &others {
                        ui.selectable_value(&mut self.relabel_as, Some((*name).to_owned()), *name);
                    }
                });
        });
        ui.horizontal(|ui| {
            if let Some(target) = &self.relabel_as
                && ui
                    .button(format!("Relabel as {target} and delete"))
                    .clicked()
            {
                cx.send(Action::DeleteLabel {
                    name: label.name.clone(),
                    relabel_as: Some(target.clone()),
                });
            }
            if ui
                .button("Delete, keep its spans flagged")
                .on_hover_text(
                    "The spans keep the label; the window and `accord validate` flag them as a label the schema lacks, to relabel one by one",
                )
                .clicked()
            {
                cx.send(Action::DeleteLabel {
                    name: label.name.clone(),
                    relabel_as: None,
                });
            }
        });
    }
}

/// How many of the annotator's spans each label has, in every document.
fn uses_per_label(ws: &crate::project::Workspace) -> std::collections::HashMap<String, usize> {
    let mut uses = std::collections::HashMap::new();
    for doc in ws.doc_ids() {
        for annotation in ws.store(doc).annotations() {
            *uses.entry(annotation.label.clone()).or_insert(0) += 1;
        }
    }
    uses
}

/// A label to add: a free name, the next colour no label has, the first free key of its name.
fn new_label(schema: &Schema) -> LabelDef {
    let name = (1..)
        .map(|n| {
            if n == 1 {
                "NEW_LABEL".to_owned()
            } else {
                format!("NEW_LABEL_{n}")
            }
        })
        .find(|n| schema.label(n).is_none())
        .unwrap_or_default();
    const PALETTE: [[u8; 3]; 12] = [
        [0x4e, 0x79, 0xa7],
        [0xf2, 0x8e, 0x2b],
        [0x59, 0xa1, 0x4f],
        [0xe1, 0x57, 0x59],
        [0x76, 0xb7, 0xb2],
        [0xed, 0xc9, 0x48],
        [0xb0, 0x7a, 0xa1],
        [0xff, 0x9d, 0xa7],
        [0x9c, 0x75, 0x5f],
        [0xba, 0xb0, 0xac],
        [0x1f, 0x77, 0xb4],
        [0x2c, 0xa0, 0x2c],
    ];
    let color = PALETTE
        .iter()
        .find(|c| schema.labels.iter().all(|l| l.color.0 != **c))
        .copied()
        .unwrap_or(PALETTE[schema.labels.len() % PALETTE.len()]);
    LabelDef {
        name,
        layer: Layer::Entity,
        color: Rgb(color),
        hotkey: None,
        description: String::new(),
        attributes: Vec::new(),
    }
}

fn color(rgb: Rgb) -> egui::Color32 {
    egui::Color32::from_rgb(rgb.0[0], rgb.0[1], rgb.0[2])
}
