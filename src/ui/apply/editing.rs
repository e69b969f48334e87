//! Applying edits and selections: labels, the selection of each pane, edge moves, undo and
//! redo, stepping through annotations and find matches.

use std::collections::BTreeMap;

use crate::edit::Edit;
use crate::edit::edge::{Edge, move_edge};
use crate::model::boundaries::StepUnit;
use crate::model::{AnnotationId, CharRange};
use crate::project::{Applied, DocId, Step};
use crate::search::step_annotation;

use crate::ui::app::AccordApp;
use crate::ui::state::{PaneId, Selection};
use crate::ui::text_view::ViewEvent;

impl AccordApp {
    /// Applies a step of edits as one undoable unit; reports a refusal in the status bar.
    pub(in crate::ui) fn edit(&mut self, step: impl Into<Step>) -> Option<Applied> {
        let ws = self.state.workspace.as_mut()?;
        match ws.apply(step) {
            Ok(applied) => {
                // No ghost span stays over a span made now, nor where one was rejected.
                self.drop_decided_suggestions();
                Some(applied)
            }
            Err(e) => {
                self.error(format!("{e}"));
                None
            }
        }
    }

    pub(in crate::ui) fn set_selection(&mut self, pane: PaneId, selection: Selection) {
        if let Some(p) = self.state.pane_mut(pane) {
            p.selection = selection;
        }
    }

    pub(in crate::ui) fn view_event(&mut self, pane: PaneId, event: ViewEvent) {
        let Some((doc, selection)) = self.state.pane(pane).map(|p| (p.doc, p.selection)) else {
            // The pane closed after the event was sent: it is for no pane now.
            return;
        };
        self.state.active = pane;
        match event {
            ViewEvent::Selected(range) => self.set_selection(pane, Selection::Text(range)),
            ViewEvent::AddFragment(range) => match selection {
                Selection::Annotation(id) => {
                    self.edit(vec![(doc, Edit::AddFragment { id, range })]);
                }
                _ => self.set_selection(pane, Selection::Text(range)),
            },
            ViewEvent::Relate { from, to } => self.relate(doc, from, to),
            ViewEvent::Clicked { annotations, .. } if self.click_in_mode(doc, &annotations) => {}
            ViewEvent::Clicked { char_offset, .. } if self.state.review.is_some() => {
                self.click_item(doc, char_offset);
            }
            ViewEvent::Clicked {
                annotations,
                char_offset,
            } if annotations.is_empty()
                && self
                    .state
                    .suggestions
                    .of(doc)
                    .iter()
                    .any(|s| s.range.contains(char_offset)) =>
            {
                // A click on a ghost span selects the suggestion: the details panel shows
                // where it comes from, a key accepts or rejects it.
                let range = self
                    .state
                    .suggestions
                    .of(doc)
                    .iter()
                    .find(|s| s.range.contains(char_offset))
                    .map(|s| s.range);
                if let Some(range) = range {
                    self.set_selection(pane, Selection::Suggestion(range));
                }
            }
            ViewEvent::Clicked { annotations, .. } => {
                // Repeated clicks on stacked spans cycle through them, innermost first.
                let next = match selection {
                    Selection::Annotation(id) => annotations
                        .iter()
                        .position(|a| *a == id)
                        .map_or(0, |i| i + 1),
                    _ => 0,
                };
                let chosen = match annotations.len() {
                    0 => Selection::None,
                    n => Selection::Annotation(annotations[next % n]),
                };
                self.set_selection(pane, chosen);
            }
        }
    }

    pub(in crate::ui) fn apply_label(&mut self, label: &str) {
        self.state.current_label = Some(label.to_owned());
        if self.label_in_pick(label) {
            return;
        }
        let active = self.state.active;
        let Some(pane) = self.state.active_pane() else {
            return;
        };
        let doc = pane.doc;
        match pane.selection {
            Selection::Text(range) => {
                let step = vec![(
                    doc,
                    Edit::Add {
                        label: label.to_owned(),
                        ranges: vec![range],
                        attributes: BTreeMap::new(),
                        source: None,
                    },
                )];
                if let Some(applied) = self.edit(step) {
                    let created = applied.created.first().map(|(_, id)| *id);
                    self.set_selection(active, created.map_or(Selection::None, Selection::Annotation));
                }
            }
            Selection::Annotation(id) => {
                self.edit(vec![(
                    doc,
                    Edit::Relabel {
                        id,
                        label: label.to_owned(),
                    },
                )]);
            }
            // A label key on a suggestion accepts it with that label.
            Selection::Suggestion(range) => self.accept_suggestion_as(doc, range, Some(label)),
            Selection::None => self.info(format!(
                "{label} is the current label: select text and press its key, or use “Label all matches”"
            )),
        }
    }

    /// Selects an annotation in the pane showing its document and scrolls to it.
    pub(in crate::ui) fn select_annotation(&mut self, doc: DocId, id: AnnotationId) {
        let Some(range) = self
            .workspace()
            .and_then(|ws| ws.store(doc).get(id))
            .map(|a| a.extent())
        else {
            return;
        };
        let pane = self.pane_for(doc);
        self.set_selection(pane, Selection::Annotation(id));
        self.scroll_pane_to(pane, range);
    }

    /// Selects a range of text in the pane showing its document and scrolls to it.
    pub(in crate::ui) fn reveal_range(&mut self, doc: DocId, range: CharRange) {
        let pane = self.pane_for(doc);
        self.set_selection(pane, Selection::Text(range));
        self.scroll_pane_to(pane, range);
    }

    /// The pane showing `doc` (made active), else the active pane switched to it.
    pub(in crate::ui) fn pane_for(&mut self, doc: DocId) -> PaneId {
        if let Some(p) = self.state.panes.iter().find(|p| p.doc == doc) {
            self.state.active = p.id;
            return p.id;
        }
        let pane = match self.state.active_pane().or(self.state.panes.first()) {
            Some(p) => p.id,
            None => {
                let pane = self.state.new_pane(doc);
                let id = pane.id;
                self.state.panes.push(pane);
                self.state.active = id;
                return id;
            }
        };
        self.show_document(pane, doc);
        self.state.active = pane;
        pane
    }

    /// Shows `doc` in `pane`, with nothing selected and a fresh layout.
    pub(in crate::ui) fn show_document(&mut self, pane: PaneId, doc: DocId) {
        if let Some(p) = self.state.pane_mut(pane)
            && p.doc != doc
        {
            p.doc = doc;
            p.selection = Selection::None;
            self.views.panes.forget_view(pane);
            self.load_layers();
        }
    }

    /// Scrolls `pane` so that `range` is in view (next frame).
    pub(in crate::ui) fn scroll_pane_to(&mut self, pane: PaneId, range: CharRange) {
        let Some(ws) = &self.state.workspace else {
            return;
        };
        let Some(doc) = self.state.pane(pane).and_then(|p| ws.document(p.doc)) else {
            return;
        };
        self.views
            .panes
            .view_mut(pane)
            .scroll_to_range(&mut self.engine, doc, range);
    }

    pub(in crate::ui) fn undo_redo(&mut self, undo: bool) {
        let Some(ws) = self.state.workspace.as_mut() else {
            return;
        };
        let result = if undo { ws.undo() } else { ws.redo() };
        match result {
            Ok(true) => {
                // A selected annotation may be gone now.
                for pane in &mut self.state.panes {
                    if let Selection::Annotation(id) = pane.selection
                        && ws.store(pane.doc).get(id).is_none()
                    {
                        pane.selection = Selection::None;
                    }
                }
                self.info(if undo { "Undone" } else { "Redone" });
            }
            Ok(false) => self.info(if undo {
                "Nothing to undo"
            } else {
                "Nothing to redo"
            }),
            Err(e) => self.error(format!("{e}")),
        }
    }

    pub(in crate::ui) fn step_annotation(&mut self, forward: bool) {
        let Some(ws) = self.workspace() else { return };
        let Some(pane) = self.state.active_pane() else {
            return;
        };
        let doc = pane.doc;
        if let Some(id) = step_annotation(ws.store(doc), pane.selection.annotation(), forward) {
            self.select_annotation(doc, id);
        }
    }

    /// Moves an edge of the selected span by a cluster or word, the way the arrow points on
    /// screen.
    pub(in crate::ui) fn move_edge(&mut self, edge: Edge, rightwards: bool, unit: StepUnit) {
        let Some((doc, id)) = self.state.selected_annotation() else {
            self.info("Select an annotation first (click it)");
            return;
        };
        let Some(ws) = self.workspace() else { return };
        let (Some(ann), Some(document)) = (ws.store(doc).get(id), ws.document(doc)) else {
            return;
        };
        let at = match edge {
            Edge::Start => ann.extent().start,
            Edge::End => ann.extent().end.saturating_sub(1),
        };
        let direction = self.views.panes.direction_at(self.state.active, at);
        if let Some(edit) = move_edge(document, ann, edge, direction.is_forward(rightwards), unit) {
            self.edit(vec![(doc, edit)]);
        }
    }

    pub(in crate::ui) fn find_step(&mut self, forward: bool) {
        let Some(ws) = &self.state.workspace else {
            return;
        };
        let active = self.state.active_doc();
        match self.views.find_bar.step(ws, active, forward) {
            Some((doc, range)) => self.reveal_range(doc, range),
            None if self.views.find_bar.query_text().is_empty() => {
                self.views.find_bar.open_and_focus();
            }
            None => {
                let query = self.views.find_bar.query_text().to_owned();
                self.info(format!("“{query}” not found"));
            }
        }
    }

    pub(in crate::ui) fn label_all_matches(&mut self) {
        let Some(label) = self.views.find_bar.label().map(str::to_owned) else {
            self.views.find_bar.open_and_focus();
            self.info("Choose the label for all matches in the find bar first");
            return;
        };
        let Some(ws) = &self.state.workspace else {
            return;
        };
        let active = self.state.active_doc();
        let step = ws.label_matches(self.views.find_bar.matches(ws, active), &label);
        if step.is_empty() {
            self.info(format!("Every match is already labelled {label}"));
            return;
        }
        let n = step.len();
        if self.edit(step).is_some() {
            self.info(format!(
                "Labelled {n} matches as {label} (one undo removes them)"
            ));
        }
    }
}
