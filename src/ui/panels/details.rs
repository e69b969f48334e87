//! The details of the annotation selected in the active pane (or being filled by picking):
//! label, text, what is missing, typed attribute editors (drop-downs, text fields, check
//! boxes, span references picked in the text or from a list), note, review state, author,
//! relations (pointing at one highlights it in the text) and threads across documents. Every change is sent as an [`Edit`]; text fields (with bidi, so an
//! Arabic note reads right to left while it is typed) keep what is typed and send it when
//! they lose focus or Enter ends a one-line field.

use std::collections::HashMap;

use egui::{Color32, RichText, Ui};

use crate::edit::Edit;
use crate::model::{Annotation, AnnotationId, AttributeValue, Link, LinkId, ReviewState};
use crate::project::DocId;
use crate::review::Decision;
use crate::schema::{AttributeDef, AttributeKind, Schema, or_list};
use crate::search::reference_candidates;
use crate::store::AnnotationStore;
use crate::ui::action::{Action, ViewContext};
use crate::ui::commands::Command;
use crate::ui::state::Mode;
use crate::ui::text::{TextEngine, text_block, text_line};
use crate::ui::text_field::TextField;
use crate::ui::text_view::{label_color, status_color};

/// How far (in chars) around an annotation the reference picker looks for candidates.
const CANDIDATE_REACH: usize = 4000;
/// Most candidates the reference picker lists.
const MAX_CANDIDATES: usize = 60;
/// What says a required attribute is missing.
const MISSING: Color32 = Color32::from_rgb(200, 120, 0);

/// What a text field of the panel edits.
#[derive(Clone, Debug, PartialEq, Eq)]
enum FieldOf {
    /// The note.
    Note,
    /// A text attribute (or the text of a span reference that allows text).
    Attribute(String),
}

impl FieldOf {
    /// The edit that gives `ann` the field's `text`, if that changes anything.
    fn edit(&self, ann: &Annotation, text: &str) -> Option<Edit> {
        match self {
            FieldOf::Note => (ann.note != text).then(|| Edit::SetNote {
                id: ann.id,
                note: text.to_owned(),
            }),
            FieldOf::Attribute(name) => {
                let current = match ann.attributes.get(name) {
                    Some(AttributeValue::Text(t)) => t.as_str(),
                    _ => "",
                };
                (current != text).then(|| Edit::SetAttribute {
                    id: ann.id,
                    name: name.clone(),
                    value: (!text.is_empty()).then(|| AttributeValue::Text(text.to_owned())),
                })
            }
        }
    }
}

/// The details panel and its text fields.
#[derive(Debug, Default)]
pub struct Details {
    /// The annotation shown last frame: the fields belong to it.
    shown: Option<(DocId, AnnotationId)>,
    fields: HashMap<String, (FieldOf, TextField)>,
    /// The relation pointed at last frame, as sent.
    hovered_link: Option<(DocId, LinkId)>,
    /// While reviewing: the comment typed for the current item.
    comment: Option<((DocId, usize), TextField)>,
}

impl Details {
    /// A comment typed for an item that is no longer the current one (the reviewer moved on)
    /// is kept on that item.
    fn keep_comment_typed_elsewhere(
        &mut self,
        cx: &mut ViewContext<'_>,
        current: Option<(DocId, usize)>,
    ) {
        let (Some(ws), Some(review)) = (&cx.state.workspace, &cx.state.review) else {
            return;
        };
        let Some(((doc, index), field)) = &self.comment else {
            return;
        };
        if current == Some((*doc, *index)) {
            return;
        }
        let note = review
            .items(*doc)
            .get(*index)
            .and_then(|i| i.decision)
            .and_then(|(id, _)| ws.store(*doc).get(id))
            .map_or(String::new(), |a| a.note.clone());
        let typed = field.text();
        if typed != note {
            cx.send(Action::Comment {
                doc: *doc,
                index: *index,
                text: typed,
            });
        }
        self.comment = None;
    }

    /// While reviewing: the current item, its versions with a button to take each, its
    /// decision, the decision buttons and the reviewer's comment.
    fn review_item_ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let Some(review) = &cx.state.review else {
            return;
        };
        let (decided, total) = review.total_progress();
        ui.label(
            RichText::new(format!(
                "Reviewing {} · {decided} of {total} items decided",
                review.annotators.join(", ")
            ))
            .small()
            .weak(),
        );
        self.keep_comment_typed_elsewhere(cx, review.current);
        let Some((doc, index)) = review.current else {
            ui.label("Click an item in the text, or press N for the next disagreement.");
            return;
        };
        let Some(item) = review.items(doc).get(index) else {
            return;
        };
        let Some(ws) = &cx.state.workspace else {
            return;
        };
        let dark = ui.visuals().dark_mode;
        ui.horizontal(|ui| {
            ui.heading(format!("Item {} of {}", index + 1, review.items(doc).len()));
            ui.label(
                RichText::new(item.status.name())
                    .strong()
                    .color(status_color(item.status, dark)),
            );
        });
        if let Some(text) = ws.document(doc).and_then(|d| d.slice(item.extent)) {
            text_block(ui, cx.engine, text, 14.0);
        }
        egui::Grid::new("review versions")
            .num_columns(4)
            .striped(true)
            .show(ui, |ui| {
                for (k, v) in item.versions.iter().enumerate() {
                    // Machine-proposed and accepted: said, so a reviewer can weigh it so.
                    let who = match &v.suggested {
                        Some(_) => format!("{} {} (suggested)", k + 1, v.annotator),
                        None => format!("{} {}", k + 1, v.annotator),
                    };
                    ui.label(RichText::new(who).strong());
                    ui.label(
                        RichText::new(&v.label).color(label_color(&ws.project.schema, &v.label)),
                    );
                    // Each version's text (what differs at a glance), its offsets on hover.
                    let ranges: Vec<String> = v
                        .ranges
                        .iter()
                        .map(|r| format!("{}–{}", r.start, r.end))
                        .collect();
                    let text: Vec<&str> = v
                        .ranges
                        .iter()
                        .filter_map(|r| ws.document(doc).and_then(|d| d.slice(*r)))
                        .collect();
                    let suggested = v
                        .suggested
                        .as_ref()
                        .map(|s| format!(" · suggested by {s}"))
                        .unwrap_or_default();
                    text_line(ui, cx.engine, &text.join(" … "), 14.0)
                        .on_hover_text(format!("chars {}{suggested}", ranges.join(", ")));
                    if ui
                        .button(format!("Take {}", k + 1))
                        .on_hover_text(format!(
                            "Into the curated set: {}'s version (key {})",
                            v.annotator,
                            k + 1
                        ))
                        .clicked()
                    {
                        cx.send(Action::Decide(Decision::Take(k)));
                    }
                    ui.end_row();
                }
                for m in &item.missing {
                    ui.label(RichText::new(format!("  {m}")).weak());
                    ui.label(RichText::new("no span here").italics().weak());
                    ui.end_row();
                }
            });
        let decision = item
            .decision
            .and_then(|(id, _)| ws.store(doc).get(id))
            .map(|a| &a.review);
        match decision {
            Some(r) if item.is_decided() => {
                let mut line = format!(
                    "Decision: {} by {}",
                    r.state.name(),
                    r.reviewer.as_deref().unwrap_or("?")
                );
                if let Some(t) = &r.time {
                    line.push_str(&format!(" at {t}"));
                }
                if !r.proposed_by.is_empty() {
                    line.push_str(&format!("; proposed by {}", r.proposed_by.join(", ")));
                }
                ui.label(line);
            }
            _ => {
                ui.label(RichText::new("Not decided yet").italics());
            }
        }
        ui.horizontal(|ui| {
            for (title, decision, hover) in [
                (
                    "Accept",
                    Decision::Accept,
                    "The version most annotators share (A)",
                ),
                ("Reject", Decision::Reject, "Not in the gold set (X)"),
                (
                    "Edit",
                    Decision::Edit(item.majority()),
                    "Copy the majority version to change it (E)",
                ),
            ] {
                if ui.button(title).on_hover_text(hover).clicked() {
                    cx.send(Action::Decide(decision));
                }
            }
        });
        // The comment: the note of the decision (or of a pending copy when undecided).
        let note = item
            .decision
            .and_then(|(id, _)| ws.store(doc).get(id))
            .map_or(String::new(), |a| a.note.clone());
        let (_, field) = self.comment.get_or_insert_with(|| {
            (
                (doc, index),
                TextField::multiline(&note, 2).labelled("Reviewer's comment"),
            )
        });
        ui.label(RichText::new("Comment").strong());
        let id = ui.make_persistent_id("review comment");
        field.show_value(ui, id, cx.engine, &note);
        let out = field.ui(
            ui,
            cx.engine,
            id,
            f32::INFINITY,
            "Why this decision, for the annotators",
        );
        let text = field.text();
        // Leaving the field (Escape, a click elsewhere) keeps what was typed, as every field
        // does; the button says it can be saved.
        let left = out.response.lost_focus();
        let clicked = ui
            .add_enabled(text != note, egui::Button::new("Save comment"))
            .clicked();
        if (left || clicked) && text != note {
            cx.send(Action::Comment { doc, index, text });
        }
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let state = cx.state;
        let selected = state.details_target();
        if selected != self.shown {
            self.send_unsent(cx);
            self.fields.clear();
            self.shown = selected;
        }
        if cx.state.review.is_some() {
            self.review_item_ui(ui, cx);
            if selected.is_some() {
                ui.separator();
                ui.label(RichText::new("In the curated set").strong());
            }
        }
        let Some((doc, id)) = selected else {
            if cx.state.review.is_some() {
                return;
            }
            if suggestion_ui(ui, cx) {
                return;
            }
            ui.label("Click a span to see it here.");
            ui.add_space(8.0);
            ui.label("Drag over text, then press a label's key (or 1–9) to create a span.");
            return;
        };
        let Some(ws) = &state.workspace else { return };
        let store = ws.store(doc);
        let Some(ann) = store.get(id) else {
            ui.label("The selected annotation no longer exists.");
            return;
        };
        let schema = &ws.project.schema;
        let editable = ws.is_editable(doc);
        let mut edits: Vec<Edit> = Vec::new();
        let mut hovered = None;
        egui::ScrollArea::vertical()
            .id_salt("details scroll")
            .show(ui, |ui| {
                ui.add_enabled_ui(editable, |ui| {
                    conflict_ui(ui, cx, ann, &mut edits);
                    self.annotation_ui(ui, cx, schema, store, (doc, ann), &mut edits);
                    hovered = links_ui(ui, cx, store, ann.id, &mut edits).map(|l| (doc, l));
                    threads_ui(ui, cx, doc, ann.id);
                });
                if !editable {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "Read-only: see the document list for why.",
                    );
                }
            });
        for edit in edits {
            cx.send(Action::Edit { doc, edit });
        }
        if hovered != self.hovered_link {
            self.hovered_link = hovered;
            cx.send(Action::HoverLink(hovered));
        }
    }

    /// Sends what the fields hold and the annotation shown last does not (the selection moved
    /// on while a field was being edited).
    fn send_unsent(&mut self, cx: &mut ViewContext<'_>) {
        let Some((doc, id)) = self.shown else { return };
        let Some(ws) = &cx.state.workspace else {
            return;
        };
        let Some(ann) = ws.store(doc).get(id) else {
            return;
        };
        let edits: Vec<Edit> = self
            .fields
            .values()
            .filter_map(|(of, field)| of.edit(ann, &field.text()))
            .collect();
        for edit in edits {
            cx.send(Action::Edit { doc, edit });
        }
    }

    fn annotation_ui(
        &mut self,
        ui: &mut Ui,
        cx: &mut ViewContext<'_>,
        schema: &Schema,
        store: &AnnotationStore,
        (doc, ann): (DocId, &Annotation),
        edits: &mut Vec<Edit>,
    ) {
        let id = ann.id;
        egui::Grid::new("annotation header")
            .num_columns(2)
            .show(ui, |ui| {
                let label_title = ui.label("Label");
                egui::ComboBox::from_id_salt("relabel")
                    .selected_text(&ann.label)
                    .show_ui(ui, |ui| {
                        for l in &schema.labels {
                            if ui.selectable_label(l.name == ann.label, &l.name).clicked()
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
            text_block(ui, cx.engine, &f.text, 16.0);
        }
        if let Some(label) = schema.label(&ann.label)
            && !label.attributes.is_empty()
        {
            ui.separator();
            ui.label(RichText::new("Attributes").strong());
            let missing: Vec<&str> = label
                .attributes
                .iter()
                .filter(|d| d.required && !ann.attributes.contains_key(&d.name))
                .map(|d| d.name.as_str())
                .collect();
            if !missing.is_empty() {
                ui.colored_label(
                    MISSING,
                    format!("Missing (required): {}", missing.join(", ")),
                );
            }
            for def in &label.attributes {
                self.attribute_ui(ui, cx, schema, store, (doc, ann), def, edits);
            }
        }
        ui.separator();
        let note_label = ui.label(RichText::new("Note").strong());
        if let Some(edit) = self.text_field(ui, cx.engine, ann, FieldOf::Note, note_label.id) {
            edits.push(edit);
        }
        ui.separator();
        review_ui(ui, ann, edits);
    }

    #[allow(clippy::too_many_arguments)]
    fn attribute_ui(
        &mut self,
        ui: &mut Ui,
        cx: &mut ViewContext<'_>,
        schema: &Schema,
        store: &AnnotationStore,
        (doc, ann): (DocId, &Annotation),
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
                let of = FieldOf::Attribute(def.name.clone());
                if let Some(edit) = self.text_field(ui, cx.engine, ann, of, title.id) {
                    edits.push(edit);
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
                        text_line(ui, cx.engine, &text, 14.0);
                    });
                }
                if let Some(gone) = remove {
                    let rest: Vec<AnnotationId> =
                        refs.iter().copied().filter(|r| *r != gone).collect();
                    edits.push(set((!rest.is_empty()).then_some(AttributeValue::Refs(rest))));
                }
                let picking = matches!(
                    &cx.state.mode,
                    Mode::Pick { doc: d, owner, attribute, .. }
                        if *d == doc && *owner == id && *attribute == def.name
                );
                let hint = format!(
                    "Click a {} span in the text (or select text and press a label key to create one). Esc stops.",
                    or_list(labels)
                );
                if ui
                    .selectable_label(picking, format!("⌖ Pick {} in the text", def.name))
                    .on_hover_text(hint)
                    .clicked()
                {
                    cx.send(Action::Pick {
                        doc,
                        owner: id,
                        attribute: def.name.clone(),
                    });
                }
                if *many || refs.is_empty() {
                    let candidates = reference_candidates(
                        store,
                        ann,
                        labels,
                        &refs,
                        CANDIDATE_REACH,
                        MAX_CANDIDATES,
                    );
                    if let Some(picked) = pick_ui(ui, cx, schema, store, def, id, &candidates) {
                        let mut new = if *many { refs.clone() } else { Vec::new() };
                        new.push(picked);
                        edits.push(set(Some(AttributeValue::Refs(new))));
                    }
                }
                if *text_allowed
                    && refs.is_empty()
                    && let Some(edit) = self.text_field(
                        ui,
                        cx.engine,
                        ann,
                        FieldOf::Attribute(def.name.clone()),
                        title.id,
                    )
                {
                    edits.push(edit);
                }
            }
        }
        if current.is_none() && def.required {
            ui.colored_label(MISSING, "required");
        }
    }

    /// A text field whose value is sent when it loses focus (or Enter ends a one-line
    /// field): returns the edit. While the field is not being edited, it follows the value
    /// (after an undo).
    fn text_field(
        &mut self,
        ui: &mut Ui,
        engine: &mut TextEngine,
        ann: &Annotation,
        of: FieldOf,
        label: egui::Id,
    ) -> Option<Edit> {
        let (key, value) = match &of {
            FieldOf::Note => ("note".to_owned(), ann.note.clone()),
            FieldOf::Attribute(name) => (
                format!("attribute/{name}"),
                match ann.attributes.get(name) {
                    Some(AttributeValue::Text(t)) => t.clone(),
                    _ => String::new(),
                },
            ),
        };
        let id = egui::Id::unique(("details field", ann.id.0, &key));
        let (_, field) = self.fields.entry(key).or_insert_with(|| {
            let field = match of {
                FieldOf::Note => TextField::multiline(&value, 3),
                FieldOf::Attribute(_) => TextField::singleline(&value),
            };
            (of.clone(), field)
        });
        field.show_value(ui, id, engine, &value);
        let out = field.ui(ui, engine, id, f32::INFINITY, "");
        let response = out.response.labelled_by(label);
        if out.submitted {
            response.surrender_focus();
        }
        if response.lost_focus() || out.submitted {
            of.edit(ann, &field.text())
        } else {
            None
        }
    }
}

/// The candidates a span reference may point at, in a collapsible list. Returns the one
/// picked.
fn pick_ui(
    ui: &mut Ui,
    cx: &mut ViewContext<'_>,
    schema: &Schema,
    store: &AnnotationStore,
    def: &AttributeDef,
    id: AnnotationId,
    candidates: &[AnnotationId],
) -> Option<AnnotationId> {
    if candidates.is_empty() {
        return None;
    }
    egui::CollapsingHeader::new(format!("Add {} ({})", def.name, candidates.len()))
        .id_salt(("pick", &def.name, id.0))
        .show(ui, |ui| {
            let mut picked = None;
            egui::ScrollArea::vertical()
                .max_height(160.0)
                .id_salt(("pick list", &def.name))
                .show(ui, |ui| {
                    for candidate in candidates.iter().filter_map(|c| store.get(*c)) {
                        ui.horizontal(|ui| {
                            let color = label_color(schema, &candidate.label);
                            if ui
                                .button(
                                    RichText::new(format!("+ {}", candidate.label)).color(color),
                                )
                                .clicked()
                            {
                                picked = Some(candidate.id);
                            }
                            if text_line(ui, cx.engine, &candidate.text(), 14.0).clicked() {
                                picked = Some(candidate.id);
                            }
                        });
                    }
                });
            picked
        })
        .body_returned
        .flatten()
}

/// The suggestion selected in the active pane, if one is: what it proposes, where it comes
/// from, how sure it is, and buttons to accept or reject it. False when none is selected.
fn suggestion_ui(ui: &mut Ui, cx: &mut ViewContext<'_>) -> bool {
    let Some(pane) = cx.state.active_pane() else {
        return false;
    };
    let crate::ui::state::Selection::Suggestion(range) = pane.selection else {
        return false;
    };
    let doc = pane.doc;
    let Some(s) = cx.state.suggestions.at(doc, range).cloned() else {
        return false;
    };
    let text = cx
        .state
        .workspace
        .as_ref()
        .and_then(|ws| ws.document(doc))
        .and_then(|d| d.slice(range))
        .unwrap_or_default()
        .to_owned();
    let color = cx.state.workspace.as_ref().map_or(Color32::GRAY, |ws| {
        label_color(&ws.project.schema, &s.label)
    });
    ui.label(RichText::new("Suggestion").strong());
    ui.horizontal(|ui| {
        ui.label(RichText::new(&s.label).color(color).strong());
        ui.label(format!("{}–{}", range.start, range.end));
    });
    text_block(ui, cx.engine, &text, 16.0);
    egui::Grid::new("suggestion grid")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Source");
            ui.label(s.suggester.name());
            ui.end_row();
            ui.label("Score");
            ui.label(format!("{:.0}%", s.score * 100.0));
            ui.end_row();
        });
    ui.label(
        RichText::new(match crate::suggest::Kind::of(&s.suggester) {
            crate::suggest::Kind::Project => {
                "A form labelled in the project: the score is how often you gave it this label where it occurs in what you labelled."
            }
            crate::suggest::Kind::Gazetteer => {
                "A name from a gazetteer: the score is how often you gave it this label where it occurs in what you labelled."
            }
            crate::suggest::Kind::Tagger => {
                "The tagger trained on your labels: the score is its probability."
            }
            crate::suggest::Kind::External => "The external recommender's own score.",
        })
        .small()
        .weak(),
    );
    ui.horizontal(|ui| {
        if ui.button("Accept").on_hover_text("Ctrl+Enter").clicked() {
            cx.send(Action::Run(Command::AcceptSuggestion));
        }
        if ui.button("Reject").on_hover_text("Ctrl+Delete").clicked() {
            cx.send(Action::Run(Command::RejectSuggestion));
        }
        if ui
            .button(format!("Accept all {} here", s.label))
            .on_hover_text("Ctrl+Shift+Enter")
            .clicked()
        {
            cx.send(Action::Run(Command::AcceptAllOfLabel));
        }
    });
    ui.label(
        RichText::new("A label's key accepts it with that label instead.")
            .small()
            .weak(),
    );
    true
}

/// Review state (a drop-down), reviewer, author and times.
/// An annotation a merge left with two versions: both shown, with a button to keep each.
fn conflict_ui(ui: &mut Ui, cx: &mut ViewContext<'_>, ann: &Annotation, edits: &mut Vec<Edit>) {
    let Some(conflict) = &ann.conflict else {
        return;
    };
    // What it marks (wrapped, in the document's script) and, under it, who changed it when.
    let version = |ui: &mut Ui, engine: &mut TextEngine, a: &Annotation| {
        let text: Vec<&str> = a.fragments.iter().map(|f| f.text.as_str()).collect();
        text_block(
            ui,
            engine,
            &format!("{} {} “{}”", a.label, a.extent(), text.join(" … ")),
            14.0,
        );
        let when = a.modified.0.replacen('T', " ", 1);
        ui.label(
            RichText::new(format!("by {}, {}", a.author, when.trim_end_matches('Z')))
                .small()
                .weak(),
        );
    };
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, ui.visuals().warn_fg_color))
        .show(ui, |ui| {
            ui.label(
                RichText::new("Merge conflict: two people changed this annotation")
                    .strong()
                    .color(ui.visuals().warn_fg_color),
            );
            ui.label("This version:");
            version(ui, cx.engine, ann);
            match &conflict.other {
                Some(other) => {
                    ui.label("The other version:");
                    version(ui, cx.engine, other);
                }
                None => {
                    ui.label("The other side removed it.");
                }
            }
            ui.horizontal_wrapped(|ui| {
                if ui.button("Keep this version").clicked() {
                    let mut kept = ann.clone();
                    kept.conflict = None;
                    edits.push(Edit::Put(Box::new(kept)));
                }
                let take = match &conflict.other {
                    Some(_) => "Take the other version",
                    None => "Remove it, as the other side did",
                };
                if ui.button(take).clicked() {
                    edits.push(match &conflict.other {
                        Some(other) => {
                            let mut taken = other.clone();
                            taken.id = ann.id;
                            taken.conflict = None;
                            Edit::Put(Box::new(taken))
                        }
                        None => Edit::Remove { id: ann.id },
                    });
                }
            });
        });
    ui.separator();
}

fn review_ui(ui: &mut Ui, ann: &Annotation, edits: &mut Vec<Edit>) {
    let id = ann.id;
    egui::Grid::new("annotation footer")
        .num_columns(2)
        .show(ui, |ui| {
            let review_title = ui.label("Review");
            egui::ComboBox::from_id_salt("review state")
                .selected_text(ann.review.state.name())
                .show_ui(ui, |ui| {
                    for state in ReviewState::ALL {
                        if ui
                            .selectable_label(ann.review.state == state, state.name())
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
            if let Some(source) = &ann.source {
                ui.label("Suggested by");
                ui.label(format!(
                    "{} ({:.0}%)",
                    source.suggester,
                    source.fraction() * 100.0
                ));
                ui.end_row();
            }
            ui.label("Created");
            ui.label(&ann.created.0);
            ui.end_row();
            ui.label("Changed");
            ui.label(&ann.modified.0);
            ui.end_row();
        });
}

/// The relations from and to the annotation, each with a button to remove it, and a button
/// to start one. Returns the relation under the pointer.
fn links_ui(
    ui: &mut Ui,
    cx: &mut ViewContext<'_>,
    store: &AnnotationStore,
    id: AnnotationId,
    edits: &mut Vec<Edit>,
) -> Option<LinkId> {
    ui.separator();
    let links: Vec<&Link> = store.links_of(id).collect();
    let mut hovered = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Relations ({})", links.len())).strong());
        if ui
            .small_button("+ Relation…")
            .on_hover_text(
                "Then click the span it goes to (Ctrl+R; or Shift+drag from span to span)",
            )
            .clicked()
        {
            cx.send(Action::StartRelation);
        }
    });
    for link in links {
        let (arrow, other) = if link.from == id {
            ("→", link.to)
        } else {
            ("←", link.from)
        };
        let other_label = store.get(other).map_or("?", |o| o.label.as_str());
        let row = ui
            .horizontal(|ui| {
                ui.label(format!("{} {arrow} {other_label} #{}", link.kind, other.0));
                let delete = ui
                    .small_button("×")
                    .on_hover_text("Delete this relation (Ctrl+Z brings it back)");
                delete.widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::Button,
                        true,
                        format!("Delete relation {} #{}", link.kind, link.id.0),
                    )
                });
                if delete.clicked() {
                    edits.push(Edit::RemoveLink { id: link.id });
                }
            })
            .response;
        let text = store.get(other).map(|o| o.text()).unwrap_or_default();
        let line = text_line(ui, cx.engine, &text, 14.0);
        if row.hovered() || line.hovered() {
            hovered = Some(link.id);
        }
    }
    hovered
}

/// The threads across documents the annotation is in, each with its other members and a
/// button to take the annotation out.
fn threads_ui(ui: &mut Ui, cx: &mut ViewContext<'_>, doc: DocId, id: AnnotationId) {
    let Some(ws) = &cx.state.workspace else {
        return;
    };
    let member = ws.member(doc, id);
    let groups: Vec<_> = ws.groups().store.groups_of(&member).cloned().collect();
    ui.separator();
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Threads ({})", groups.len())).strong());
        let other = cx.state.selected_elsewhere();
        let button = ui.add_enabled(
            other.is_some(),
            egui::Button::new("Link across documents").small(),
        );
        let button =
            button.on_hover_text("Links this span with the one selected in another pane (Ctrl+L)");
        if button.clicked() {
            cx.send(Action::Run(Command::LinkAcrossDocuments));
        }
    });
    for group in groups {
        ui.horizontal(|ui| {
            ui.label(format!(
                "{} #{} · {} members",
                group.kind,
                group.id.0,
                group.members.len()
            ));
            if ui
                .small_button("×")
                .on_hover_text("Take this span out of the thread")
                .clicked()
            {
                cx.send(Action::Unlink {
                    doc,
                    id,
                    group: group.id,
                });
            }
        });
        if !group.note.is_empty() {
            ui.label(RichText::new(&group.note).italics().weak());
        }
        for m in group.members.iter().filter(|m| **m != member) {
            let located = ws.locate(m);
            let text = located
                .and_then(|(d, a)| ws.store(d).get(a))
                .map(|a| a.text())
                .unwrap_or_default();
            ui.horizontal(|ui| {
                let link = ui.link(RichText::new(&m.document).small());
                if link.clicked()
                    && let Some((d, a)) = located
                {
                    cx.send(Action::SelectAnnotation { doc: d, id: a });
                }
                text_line(ui, cx.engine, &text, 14.0);
            });
        }
    }
}
