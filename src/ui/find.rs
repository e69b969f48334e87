//! Find (Ctrl+F) in the active document or in all documents, next/previous, and "label all
//! matches" with the current label as one undoable step.

use std::collections::BTreeMap;

use egui::Ui;

use crate::edit::Edit;
use crate::model::CharRange;
use crate::project::Workspace;
use crate::search::find_all;

use super::app::{AccordApp, Action};
use super::commands::Command;
use super::text_view::text_line;

/// State of the find bar.
#[derive(Debug, Default)]
pub struct FindState {
    /// The bar is shown.
    pub open: bool,
    /// What to look for.
    pub query: String,
    /// Search every document, not just the active one.
    pub all_documents: bool,
    /// Match upper and lower case exactly.
    pub match_case: bool,
    /// Matches: (document, range), in document then text order.
    pub matches: Vec<(usize, CharRange)>,
    /// The match shown last.
    pub current: Option<usize>,
    /// What the matches were computed for.
    searched: Option<(String, bool, bool, Option<usize>)>,
    focus_field: bool,
}

impl FindState {
    /// Recomputes the matches if the query, options or active document changed.
    pub fn refresh(&mut self, ws: &Workspace, active_doc: Option<usize>) {
        let key = (
            self.query.clone(),
            self.all_documents,
            self.match_case,
            if self.all_documents { None } else { active_doc },
        );
        if self.searched.as_ref() == Some(&key) {
            return;
        }
        self.searched = Some(key);
        self.current = None;
        self.matches.clear();
        let docs: Vec<usize> = if self.all_documents {
            (0..ws.len()).collect()
        } else {
            active_doc.into_iter().collect()
        };
        for doc in docs {
            if let Some(document) = ws.document(doc) {
                self.matches.extend(
                    find_all(document, &self.query, self.match_case)
                        .into_iter()
                        .map(|r| (doc, r)),
                );
            }
        }
    }

    /// Forgets the matches (the documents or project changed).
    pub fn invalidate(&mut self) {
        self.searched = None;
    }

    /// Steps to the next (or previous) match and returns it.
    pub fn step(&mut self, forward: bool) -> Option<(usize, CharRange)> {
        if self.matches.is_empty() {
            return None;
        }
        let n = self.matches.len();
        let next = match (self.current, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.current = Some(next);
        Some(self.matches[next])
    }

    /// Opens the bar with the keyboard in its field.
    pub fn open_and_focus(&mut self) {
        self.open = true;
        self.focus_field = true;
    }
}

/// The edits that give every match not yet carrying `label` a new span, per document.
pub fn label_all_edits(
    ws: &Workspace,
    matches: &[(usize, CharRange)],
    label: &str,
) -> Vec<(usize, Edit)> {
    let mut step = Vec::new();
    for (doc, range) in matches {
        let store = ws.store(*doc);
        let already = store
            .fragments_in(*range)
            .iter()
            .any(|(r, id)| r == range && store.get(*id).is_some_and(|a| a.label == label));
        if !already {
            step.push((
                *doc,
                Edit::Add {
                    label: label.to_owned(),
                    ranges: vec![*range],
                    attributes: BTreeMap::new(),
                },
            ));
        }
    }
    step
}

impl AccordApp {
    /// The find bar, above the panes.
    pub(crate) fn find_bar_ui(&mut self, ui: &mut Ui) {
        let Some(ws) = &self.ws else { return };
        let active_doc = self.active_doc();
        ui.horizontal(|ui| {
            ui.label("Find:");
            let field = ui.add(
                egui::TextEdit::singleline(&mut self.find.query)
                    .desired_width(240.0)
                    .hint_text("text in any script"),
            );
            if self.find.focus_field {
                field.request_focus();
                self.find.focus_field = false;
            }
            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                let backwards = ui.input(|i| i.modifiers.shift);
                self.queue.push(Action::Run(if backwards {
                    Command::FindPrevious
                } else {
                    Command::FindNext
                }));
                field.request_focus();
            }
            ui.checkbox(&mut self.find.all_documents, "All documents");
            ui.checkbox(&mut self.find.match_case, "Match case");
            self.find.refresh(ws, active_doc);
            let n = self.find.matches.len();
            let position = match self.find.current {
                Some(i) if n > 0 => format!("{} of {n}", i + 1),
                _ if self.find.query.is_empty() => String::new(),
                _ => format!("{n} matches"),
            };
            ui.label(position);
            if ui
                .button("Previous")
                .on_hover_text("Previous match (Shift+F3)")
                .clicked()
            {
                self.queue.push(Action::Run(Command::FindPrevious));
            }
            if ui.button("Next").on_hover_text("Next match (F3)").clicked() {
                self.queue.push(Action::Run(Command::FindNext));
            }
            let label = self.current_label.clone();
            let title = match &label {
                Some(l) => format!("Label all {n} as {l}"),
                None => "Label all matches (pick a label first)".to_owned(),
            };
            if ui
                .add_enabled(label.is_some() && n > 0, egui::Button::new(title))
                .on_hover_text("One undo step removes them all again (Ctrl+Shift+L)")
                .clicked()
            {
                self.queue.push(Action::Run(Command::LabelAllMatches));
            }
            if ui.button("×").on_hover_text("Close (Esc)").clicked() {
                self.find.open = false;
            }
        });
        if self.find.all_documents && !self.find.matches.is_empty() {
            self.find_results_ui(ui);
        }
    }

    fn find_results_ui(&mut self, ui: &mut Ui) {
        let Some(ws) = &self.ws else { return };
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("find results")
            .max_height(120.0)
            .show(ui, |ui| {
                for (i, (doc, range)) in self.find.matches.iter().enumerate().take(500) {
                    let Some(document) = ws.document(*doc) else {
                        continue;
                    };
                    let context = CharRange::new(
                        range.start.saturating_sub(20),
                        (range.end + 20).min(document.len_chars()),
                    );
                    let snippet = document
                        .slice(context)
                        .unwrap_or_default()
                        .replace(['\n', '\r'], " ");
                    ui.horizontal(|ui| {
                        let selected = self.find.current == Some(i);
                        if ui
                            .selectable_label(selected, ws.project.documents[*doc].file())
                            .clicked()
                        {
                            clicked = Some(i);
                        }
                        if text_line(ui, &mut self.engine, &snippet, 14.0).clicked() {
                            clicked = Some(i);
                        }
                    });
                }
            });
        if let Some(i) = clicked {
            self.find.current = Some(i);
            let (doc, range) = self.find.matches[i];
            self.queue.push(Action::Reveal { doc, range });
        }
    }
}
