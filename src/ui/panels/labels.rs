//! The Labels tab of the side panel: the project's label set, edited in place. Add a label,
//! rename it, recolour it, give it a key and a layer, describe it (the guideline line the
//! palette shows), move it in the palette, delete it. Each change is a [`SchemaEdit`] sent as
//! [`Action::EditSchema`]: one undoable step, written to the schema file at once, seen at
//! once in the palette and on the documents. Renaming a label relabels the annotator's spans
//! in the same step.

use std::collections::HashMap;

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
    /// An attribute being added to the edited label.
    new_attribute: NewAttribute,
    /// Values being added to enum attributes, as typed, by attribute.
    new_value: std::collections::HashMap<String, String>,
    /// Values of enum attributes being renamed, by attribute: the value and its new name.
    renamed_value: std::collections::HashMap<String, (String, String)>,
    /// Attributes' new names as typed, by attribute.
    renamed_attribute: std::collections::HashMap<String, String>,
    /// Attributes' descriptions as typed, by attribute.
    attribute_descriptions: std::collections::HashMap<String, String>,
    /// Relation and cross-document kinds' descriptions as typed ("relation NAME", "kind
    /// NAME"): forgotten when the label set changes elsewhere.
    kind_descriptions: std::collections::HashMap<String, String>,
    /// The label set the typed descriptions were taken from: when it changes (a save, an
    /// undo, another window), they are taken again.
    seen_schema: Option<std::sync::Arc<Schema>>,
    /// A relation kind or cross-document kind being added: its name as typed.
    new_relation: String,
    new_group_kind: String,
    /// What the annotator's annotations use (taken out while a frame draws the tab).
    uses: Option<Uses>,
    /// How many spans of the edited label the other annotators have (from their files), and
    /// the label and workspace revision that was counted for.
    others: Option<(Counted, Vec<(String, usize)>)>,
}

/// The form that adds an attribute.
#[derive(Debug, Default)]
struct NewAttribute {
    name: String,
    kind: NewKind,
    /// Enum values, comma-separated.
    values: String,
    required: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum NewKind {
    #[default]
    Enum,
    Text,
    Bool,
    SpanRef,
}

impl NewKind {
    const ALL: [NewKind; 4] = [
        NewKind::Enum,
        NewKind::Text,
        NewKind::Bool,
        NewKind::SpanRef,
    ];

    fn title(self) -> &'static str {
        match self {
            NewKind::Enum => "one of a list",
            NewKind::Text => "text",
            NewKind::Bool => "yes or no",
            NewKind::SpanRef => "spans of the document",
        }
    }
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
        if !self
            .seen_schema
            .as_ref()
            .is_some_and(|seen| std::sync::Arc::ptr_eq(seen, &schema))
        {
            self.attribute_descriptions.clear();
            self.kind_descriptions.clear();
            self.seen_schema = Some(schema.clone());
        }
        if self
            .uses
            .as_ref()
            .is_none_or(|u| u.counted != Uses::key(ws))
        {
            self.uses = Some(Uses::of(ws));
        }
        // Out of the panel while the tab borrows it, put back after.
        let uses = self.uses.take().unwrap_or_default();
        self.tab_ui(ui, cx, ws, &schema, &uses);
        self.uses = Some(uses);
    }

    fn tab_ui(
        &mut self,
        ui: &mut Ui,
        cx: &mut ViewContext<'_>,
        ws: &crate::project::Workspace,
        schema: &std::sync::Arc<Schema>,
        uses: &Uses,
    ) {
        ui.horizontal(|ui| {
            ui.weak(match &ws.project.file.schema {
                crate::project::SchemaSource::File(file) => format!("Saved in {file}"),
                _ => "Saved in schema.ron at the first change".to_owned(),
            });
        });
        let mut added = false;
        if ui.button("➕ Add a label").clicked() {
            let label = new_label(schema);
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
                        let n = uses.label(&label.name);
                        ui.weak(format!("{n} yours"));
                        if row.clicked() {
                            self.select((!selected).then(|| label.name.clone()));
                        }
                    });
                }
            });
        self.kinds_ui(ui, cx, schema, uses);
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
        let others = self
            .others
            .as_ref()
            .map(|(_, o)| o.clone())
            .unwrap_or_default();
        egui::ScrollArea::vertical()
            .id_salt("label editor")
            .auto_shrink([false, true])
            .show(ui, |ui| {
                self.editor_ui(ui, cx, schema, &label, uses, &others);
            });
    }

    fn select(&mut self, name: Option<String>) {
        self.selected = name;
        self.name = None;
        self.description = None;
        self.key.clear();
        self.new_value.clear();
        self.renamed_value.clear();
        self.renamed_attribute.clear();
        self.attribute_descriptions.clear();
    }

    fn editor_ui(
        &mut self,
        ui: &mut Ui,
        cx: &mut ViewContext<'_>,
        schema: &Schema,
        label: &LabelDef,
        uses: &Uses,
        others: &[(String, usize)],
    ) {
        let own = uses.label(&label.name);
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
        self.attributes_ui(ui, cx, label, uses);
        ui.add_space(6.0);
        let mut used_by: Vec<String> = Vec::new();
        if own > 0 {
            used_by.push(format!("{own} of yours"));
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
        // One button a line: side by side they widen the panel.
        ui.vertical(|ui| {
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

impl LabelsPanel {
    /// The edited label's attributes: each with its type, values and `required`, removable;
    /// a value added to a list; an attribute added.
    fn attributes_ui(
        &mut self,
        ui: &mut Ui,
        cx: &mut ViewContext<'_>,
        label: &LabelDef,
        uses: &Uses,
    ) {
        use crate::schema::{AttributeDef, AttributeKind};
        let set = |cx: &mut ViewContext<'_>, attributes: Vec<AttributeDef>| {
            cx.send(Action::EditSchema(SchemaEdit::SetLabel {
                name: label.name.clone(),
                label: LabelDef {
                    attributes,
                    ..label.clone()
                },
            }));
        };
        ui.label(RichText::new("Attributes").strong());
        let used = &uses.attributes;
        for (i, attribute) in label.attributes.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(&attribute.name).strong());
                let kind = match &attribute.kind {
                    AttributeKind::Enum { values } => values.join(" | "),
                    AttributeKind::Text => "text".to_owned(),
                    AttributeKind::Bool => "yes or no".to_owned(),
                    AttributeKind::SpanRef { labels, many, .. } => format!(
                        "{} {} span{}",
                        if *many { "one or more" } else { "one" },
                        crate::schema::or_list(labels),
                        if *many { "s" } else { "" }
                    ),
                };
                ui.weak(kind);
                let mut required = attribute.required;
                if ui.checkbox(&mut required, "required").changed() {
                    let mut attributes = label.attributes.clone();
                    attributes[i].required = required;
                    set(cx, attributes);
                }
                let in_use = used
                    .get(&(label.name.clone(), attribute.name.clone()))
                    .copied()
                    .unwrap_or(0);
                let remove = ui.add_enabled(in_use == 0, egui::Button::new("✕").small());
                if remove.clicked() {
                    let mut attributes = label.attributes.clone();
                    attributes.remove(i);
                    set(cx, attributes);
                }
                if in_use > 0 {
                    remove.on_disabled_hover_text(format!(
                        "{in_use} of your spans give it a value: clear them first"
                    ));
                } else {
                    remove.on_hover_text("Remove this attribute");
                }
            });
            // Its new name: renamed in everyone's spans too.
            ui.horizontal(|ui| {
                ui.add_space(12.0);
                let typed = self
                    .renamed_attribute
                    .entry(attribute.name.clone())
                    .or_default();
                named(
                    ui.add(
                        egui::TextEdit::singleline(typed)
                            .desired_width(100.0)
                            .hint_text("a new name"),
                    ),
                    &format!("New name of {}", attribute.name),
                );
                let new_name = typed.trim().to_owned();
                let fresh = !new_name.is_empty() && label.attribute(&new_name).is_none();
                if ui
                    .add_enabled(fresh, egui::Button::new("Rename attribute"))
                    .clicked()
                {
                    cx.send(Action::RenameAttribute {
                        label: label.name.clone(),
                        from: attribute.name.clone(),
                        to: new_name,
                    });
                    typed.clear();
                }
            });
            // What it means (shown beside the field in the details panel).
            ui.horizontal(|ui| {
                ui.add_space(12.0);
                let typed = self
                    .attribute_descriptions
                    .entry(attribute.name.clone())
                    .or_insert_with(|| attribute.description.clone());
                let field = named(
                    ui.add(
                        egui::TextEdit::singleline(typed)
                            .desired_width(220.0)
                            .hint_text("what it means"),
                    ),
                    &format!("Description of {}", attribute.name),
                );
                if field.lost_focus() && *typed != attribute.description {
                    let mut attributes = label.attributes.clone();
                    attributes[i].description = typed.clone();
                    set(cx, attributes);
                }
            });
            if let AttributeKind::SpanRef {
                labels,
                many,
                text_allowed,
            } = &attribute.kind
            {
                // What the references may point at, how many, and whether text may stand in.
                ui.horizontal_wrapped(|ui| {
                    ui.add_space(12.0);
                    let with = |labels: Vec<String>, many: bool, text_allowed: bool| {
                        let mut attributes = label.attributes.clone();
                        attributes[i].kind = AttributeKind::SpanRef {
                            labels,
                            many,
                            text_allowed,
                        };
                        attributes
                    };
                    ui.menu_button(
                        format!("points at {}", crate::schema::or_list(labels)),
                        |ui| {
                            for name in cx
                                .state
                                .workspace
                                .iter()
                                .flat_map(|ws| {
                                    ws.project.schema.labels.iter().map(|l| l.name.clone())
                                })
                                .collect::<Vec<_>>()
                            {
                                let mut on = labels.contains(&name);
                                if ui.checkbox(&mut on, &name).changed() {
                                    let mut changed = labels.clone();
                                    if on {
                                        changed.push(name);
                                    } else {
                                        changed.retain(|l| *l != name);
                                    }
                                    set(cx, with(changed, *many, *text_allowed));
                                }
                            }
                            ui.weak("None ticked: any label");
                        },
                    );
                    let (mut several, mut text) = (*many, *text_allowed);
                    if ui.checkbox(&mut several, "several").changed() {
                        set(cx, with(labels.clone(), several, *text_allowed));
                    }
                    if ui.checkbox(&mut text, "or text").changed() {
                        set(cx, with(labels.clone(), *many, text));
                    }
                });
            }
            if let AttributeKind::Enum { values } = &attribute.kind {
                ui.horizontal(|ui| {
                    ui.add_space(12.0);
                    let typed = self.new_value.entry(attribute.name.clone()).or_default();
                    let field = named(
                        ui.add(
                            egui::TextEdit::singleline(typed)
                                .desired_width(100.0)
                                .hint_text("a new value"),
                        ),
                        "New value",
                    );
                    let value = typed.trim().to_owned();
                    let fresh = !value.is_empty() && !values.contains(&value);
                    let add = ui.add_enabled(fresh, egui::Button::new("Add value"));
                    let entered =
                        field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if fresh && (add.clicked() || entered) {
                        let mut attributes = label.attributes.clone();
                        if let AttributeKind::Enum { values } = &mut attributes[i].kind {
                            values.push(value);
                        }
                        set(cx, attributes);
                        typed.clear();
                    }
                });
                // Renaming a value renames it in everyone's spans too.
                ui.horizontal(|ui| {
                    ui.add_space(12.0);
                    let (value, typed) = self
                        .renamed_value
                        .entry(attribute.name.clone())
                        .or_default();
                    if !values.contains(value) {
                        *value = values.first().cloned().unwrap_or_default();
                    }
                    egui::ComboBox::from_id_salt(("rename value", &attribute.name))
                        .selected_text(value.as_str())
                        .width(80.0)
                        .show_ui(ui, |ui| {
                            for v in values {
                                ui.selectable_value(value, v.clone(), v);
                            }
                        });
                    named(
                        ui.add(
                            egui::TextEdit::singleline(typed)
                                .desired_width(90.0)
                                .hint_text("its new name"),
                        ),
                        "Value's new name",
                    );
                    let new_name = typed.trim().to_owned();
                    let fresh = !new_name.is_empty() && !values.contains(&new_name);
                    if ui
                        .add_enabled(fresh, egui::Button::new("Rename value"))
                        .clicked()
                    {
                        cx.send(Action::RenameValue {
                            label: label.name.clone(),
                            attribute: attribute.name.clone(),
                            from: value.clone(),
                            to: new_name,
                        });
                        typed.clear();
                    }
                });
            }
        }
        // A new attribute.
        let form = &mut self.new_attribute;
        ui.horizontal_wrapped(|ui| {
            named(
                ui.add(
                    egui::TextEdit::singleline(&mut form.name)
                        .desired_width(90.0)
                        .hint_text("new attribute"),
                ),
                "New attribute name",
            );
            egui::ComboBox::from_id_salt("new attribute kind")
                .selected_text(form.kind.title())
                .show_ui(ui, |ui| {
                    for kind in NewKind::ALL {
                        ui.selectable_value(&mut form.kind, kind, kind.title());
                    }
                });
            if form.kind == NewKind::Enum {
                named(
                    ui.add(
                        egui::TextEdit::singleline(&mut form.values)
                            .desired_width(120.0)
                            .hint_text("values, a, b, c"),
                    ),
                    "New attribute values",
                );
            }
            ui.checkbox(&mut form.required, "required");
        });
        let name = form.name.trim().to_owned();
        let values: Vec<String> = form
            .values
            .split(',')
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        let problem = if name.is_empty() {
            Some("Name it first")
        } else if label.attribute(&name).is_some() {
            Some("The label has an attribute of that name")
        } else if form.kind == NewKind::Enum && values.is_empty() {
            Some("Give its values, separated by commas")
        } else {
            None
        };
        ui.horizontal(|ui| {
            let add = ui.add_enabled(problem.is_none(), egui::Button::new("Add attribute"));
            if let Some(problem) = problem
                && !name.is_empty()
            {
                ui.weak(problem);
            }
            if add.clicked() {
                let kind = match form.kind {
                    NewKind::Enum => AttributeKind::Enum { values },
                    NewKind::Text => AttributeKind::Text,
                    NewKind::Bool => AttributeKind::Bool,
                    NewKind::SpanRef => AttributeKind::SpanRef {
                        labels: Vec::new(),
                        many: true,
                        text_allowed: false,
                    },
                };
                let mut attributes = label.attributes.clone();
                attributes.push(AttributeDef {
                    name,
                    kind,
                    required: form.required,
                    description: String::new(),
                });
                set(cx, attributes);
                *form = NewAttribute::default();
            }
        });
    }

    /// The relation kinds (links inside a document) and cross-document kinds: the labels each
    /// may join, edited by ticking them; added; removed when nothing of the annotator's uses
    /// them.
    fn kinds_ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>, schema: &Schema, uses: &Uses) {
        let (link_uses, group_uses) = (&uses.links, &uses.groups);
        let names: Vec<String> = schema.labels.iter().map(|l| l.name.clone()).collect();
        egui::CollapsingHeader::new("Relation kinds (links inside a document)")
            .id_salt("relation kinds")
            .show(ui, |ui| {
                for relation in &schema.relations {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(&relation.name).strong());
                        for (title, from) in [("from", true), ("to", false)] {
                            let list = if from {
                                &relation.from_labels
                            } else {
                                &relation.to_labels
                            };
                            ui.menu_button(
                                format!("{title} {}", crate::schema::or_list(list)),
                                |ui| {
                                    for name in &names {
                                        let mut on = list.contains(name);
                                        if ui.checkbox(&mut on, name).changed() {
                                            let mut changed = relation.clone();
                                            let list = if from {
                                                &mut changed.from_labels
                                            } else {
                                                &mut changed.to_labels
                                            };
                                            if on {
                                                list.push(name.clone());
                                            } else {
                                                list.retain(|l| l != name);
                                            }
                                            cx.send(Action::EditSchema(SchemaEdit::SetRelation {
                                                name: relation.name.clone(),
                                                relation: changed,
                                            }));
                                        }
                                    }
                                    ui.weak("None ticked: any label");
                                },
                            );
                        }
                        let typed = self
                            .kind_descriptions
                            .entry(format!("relation {}", relation.name))
                            .or_insert_with(|| relation.description.clone());
                        let field = named(
                            ui.add(
                                egui::TextEdit::singleline(typed)
                                    .desired_width(160.0)
                                    .hint_text("what it means"),
                            ),
                            &format!("Description of relation {}", relation.name),
                        );
                        if field.lost_focus() && *typed != relation.description {
                            cx.send(Action::EditSchema(SchemaEdit::SetRelation {
                                name: relation.name.clone(),
                                relation: crate::schema::RelationDef {
                                    description: typed.clone(),
                                    ..relation.clone()
                                },
                            }));
                        }
                        let uses = link_uses.get(&relation.name).copied().unwrap_or(0);
                        let remove = ui.add_enabled(uses == 0, egui::Button::new("✕").small());
                        if remove.clicked() {
                            cx.send(Action::EditSchema(SchemaEdit::RemoveRelation {
                                name: relation.name.clone(),
                            }));
                        }
                        if uses > 0 {
                            remove.on_disabled_hover_text(format!(
                                "{uses} of your links are of this kind"
                            ));
                        }
                    });
                }
                ui.horizontal(|ui| {
                    named(
                        ui.add(
                            egui::TextEdit::singleline(&mut self.new_relation)
                                .desired_width(120.0)
                                .hint_text("new relation kind"),
                        ),
                        "New relation kind",
                    );
                    let name = self.new_relation.trim().to_owned();
                    let fresh = !name.is_empty() && schema.relation(&name).is_none();
                    if ui.add_enabled(fresh, egui::Button::new("Add")).clicked() {
                        cx.send(Action::EditSchema(SchemaEdit::AddRelation {
                            at: schema.relations.len(),
                            relation: crate::schema::RelationDef {
                                name,
                                from_labels: Vec::new(),
                                to_labels: Vec::new(),
                                description: String::new(),
                            },
                        }));
                        self.new_relation.clear();
                    }
                });
            });
        egui::CollapsingHeader::new("Cross-document kinds (threads)")
            .id_salt("group kinds")
            .show(ui, |ui| {
                for kind in &schema.cross_document {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(&kind.name).strong());
                        ui.menu_button(crate::schema::or_list(&kind.labels), |ui| {
                            for name in &names {
                                let mut on = kind.labels.contains(name);
                                if ui.checkbox(&mut on, name).changed() {
                                    let mut changed = kind.clone();
                                    if on {
                                        changed.labels.push(name.clone());
                                    } else {
                                        changed.labels.retain(|l| l != name);
                                    }
                                    cx.send(Action::EditSchema(SchemaEdit::SetGroupKind {
                                        name: kind.name.clone(),
                                        kind: changed,
                                    }));
                                }
                            }
                            ui.weak("None ticked: any label");
                        });
                        let typed = self
                            .kind_descriptions
                            .entry(format!("kind {}", kind.name))
                            .or_insert_with(|| kind.description.clone());
                        let field = named(
                            ui.add(
                                egui::TextEdit::singleline(typed)
                                    .desired_width(160.0)
                                    .hint_text("what it means"),
                            ),
                            &format!("Description of kind {}", kind.name),
                        );
                        if field.lost_focus() && *typed != kind.description {
                            cx.send(Action::EditSchema(SchemaEdit::SetGroupKind {
                                name: kind.name.clone(),
                                kind: crate::schema::GroupKindDef {
                                    description: typed.clone(),
                                    ..kind.clone()
                                },
                            }));
                        }
                        let uses = group_uses.get(&kind.name).copied().unwrap_or(0);
                        let remove = ui.add_enabled(uses == 0, egui::Button::new("✕").small());
                        if remove.clicked() {
                            cx.send(Action::EditSchema(SchemaEdit::RemoveGroupKind {
                                name: kind.name.clone(),
                            }));
                        }
                        if uses > 0 {
                            remove.on_disabled_hover_text(format!(
                                "{uses} of your groups are of this kind"
                            ));
                        }
                    });
                }
                ui.horizontal(|ui| {
                    named(
                        ui.add(
                            egui::TextEdit::singleline(&mut self.new_group_kind)
                                .desired_width(120.0)
                                .hint_text("new kind"),
                        ),
                        "New cross-document kind",
                    );
                    let name = self.new_group_kind.trim().to_owned();
                    let fresh = !name.is_empty() && schema.group_kind(&name).is_none();
                    if ui.add_enabled(fresh, egui::Button::new("Add")).clicked() {
                        cx.send(Action::EditSchema(SchemaEdit::AddGroupKind {
                            at: schema.cross_document.len(),
                            kind: crate::schema::GroupKindDef {
                                name,
                                labels: Vec::new(),
                                description: String::new(),
                            },
                        }));
                        self.new_group_kind.clear();
                    }
                });
            });
    }
}

/// A field whose hint says what it is, named so for AccessKit (a screen reader, a test).
fn named(response: egui::Response, name: &str) -> egui::Response {
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, name));
    response
}

/// What the annotator's annotations, links and groups use, counted once each time they
/// change (the workspace's revision), not every frame.
#[derive(Debug, Default)]
struct Uses {
    /// The project, annotator and revision counted.
    counted: (std::path::PathBuf, String, u64),
    /// Spans per label.
    labels: HashMap<String, usize>,
    /// Spans giving a value, per label and attribute.
    attributes: HashMap<(String, String), usize>,
    /// Links per relation kind.
    links: HashMap<String, usize>,
    /// Groups per cross-document kind.
    groups: HashMap<String, usize>,
}

impl Uses {
    fn key(ws: &crate::project::Workspace) -> (std::path::PathBuf, String, u64) {
        (ws.project.root.clone(), ws.annotator.clone(), ws.revision())
    }

    fn of(ws: &crate::project::Workspace) -> Self {
        let mut uses = Uses {
            counted: Self::key(ws),
            ..Uses::default()
        };
        for doc in ws.doc_ids() {
            let store = ws.store(doc);
            for annotation in store.annotations() {
                *uses.labels.entry(annotation.label.clone()).or_insert(0) += 1;
                for name in annotation.attributes.keys() {
                    *uses
                        .attributes
                        .entry((annotation.label.clone(), name.clone()))
                        .or_insert(0) += 1;
                }
            }
            for link in store.links() {
                *uses.links.entry(link.kind.clone()).or_insert(0) += 1;
            }
        }
        for group in ws.groups().store.groups() {
            *uses.groups.entry(group.kind.clone()).or_insert(0) += 1;
        }
        uses
    }

    fn label(&self, label: &str) -> usize {
        self.labels.get(label).copied().unwrap_or(0)
    }
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
