//! The find bar (Ctrl+F) above the panes: the query and its options, the count of matches,
//! next/previous, "label all matches as" a label chosen here, and the list of matches when
//! searching all documents. It owns the query, the label and the [`Search`] over it; the
//! commands that step through the matches reach it through [`FindBar::step`]. Its row wraps
//! rather than widening the panes under the side panel.

use egui::Ui;

use crate::model::CharRange;
use crate::project::{DocId, Workspace};
use crate::search::{FindQuery, Search};
use crate::ui::action::{Action, ViewContext};
use crate::ui::commands::Command;
use crate::ui::text::text_line;
use crate::ui::text_field::TextField;

/// Most matches listed when searching all documents.
const MAX_LISTED: usize = 500;

/// The find bar's state.
#[derive(Debug)]
pub struct FindBar {
    open: bool,
    focus_field: bool,
    field: TextField,
    query: FindQuery,
    search: Search,
    /// The label "Label all matches" gives: chosen here, never the one last used elsewhere.
    label: Option<String>,
}

impl Default for FindBar {
    fn default() -> Self {
        Self {
            open: false,
            focus_field: false,
            field: TextField::singleline(""),
            query: FindQuery::default(),
            search: Search::default(),
            label: None,
        }
    }
}

impl FindBar {
    /// True when the bar is shown.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Opens the bar with the keyboard in its field.
    pub fn open_and_focus(&mut self) {
        self.open = true;
        self.focus_field = true;
    }

    /// Hides the bar.
    pub fn close(&mut self) {
        self.open = false;
    }

    /// The text searched for.
    pub fn query_text(&self) -> &str {
        &self.query.text
    }

    /// The label chosen for "Label all matches", if one is.
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The matches in the active document (or all), found again if the query or the active
    /// document changed.
    pub fn matches(&mut self, ws: &Workspace, active: Option<DocId>) -> &[(DocId, CharRange)] {
        self.search.refresh(ws, &self.query, active);
        &self.search.matches
    }

    /// The matches in `doc` as last found while the bar is open (none when it is closed): what
    /// the panes highlight.
    pub fn shown_in(&self, doc: DocId) -> &[(DocId, CharRange)] {
        if self.open {
            self.search.matches_in(doc)
        } else {
            &[]
        }
    }

    /// The matches as last found, without searching again.
    pub fn last_matches(&self) -> &[(DocId, CharRange)] {
        &self.search.matches
    }

    /// Opens the bar and steps to the next (or previous) match.
    pub fn step(
        &mut self,
        ws: &Workspace,
        active: Option<DocId>,
        forward: bool,
    ) -> Option<(DocId, CharRange)> {
        self.open = true;
        self.search.refresh(ws, &self.query, active);
        self.search.step(forward)
    }

    /// Draws the bar.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let state = cx.state;
        let Some(ws) = &state.workspace else { return };
        // Wrapped: in one unwrapped row the bar widened the panes under the side panel.
        ui.horizontal_wrapped(|ui| {
            let title = ui.label("Find:");
            let id = ui.make_persistent_id("find field");
            let out = self
                .field
                .ui(ui, cx.engine, id, 240.0, "text in any script");
            let field = out.response.labelled_by(title.id);
            self.query.text = self.field.text();
            if self.focus_field {
                field.request_focus();
                self.focus_field = false;
            }
            if out.submitted {
                let backwards = ui.input(|i| i.modifiers.shift);
                cx.send(Action::Run(if backwards {
                    Command::FindPrevious
                } else {
                    Command::FindNext
                }));
            }
            ui.checkbox(&mut self.query.all_documents, "All documents");
            ui.checkbox(&mut self.query.match_case, "Match case");
            self.search.refresh(ws, &self.query, state.active_doc());
            let n = self.search.matches.len();
            let position = match self.search.current {
                Some(i) if n > 0 => format!("{} of {n}", i + 1),
                _ if self.query.text.is_empty() => String::new(),
                _ => format!("{n} matches"),
            };
            ui.label(position);
            if ui
                .button("Previous")
                .on_hover_text("Previous match (Shift+F3)")
                .clicked()
            {
                cx.send(Action::Run(Command::FindPrevious));
            }
            if ui.button("Next").on_hover_text("Next match (F3)").clicked() {
                cx.send(Action::Run(Command::FindNext));
            }
            ui.label("Label all as");
            let labels: Vec<&str> = ws
                .project
                .schema
                .labels
                .iter()
                .map(|l| l.name.as_str())
                .collect();
            if self.label.as_deref().is_some_and(|l| !labels.contains(&l)) {
                self.label = None;
            }
            egui::ComboBox::from_id_salt("find label")
                .selected_text(self.label.as_deref().unwrap_or("choose…"))
                .show_ui(ui, |ui| {
                    for name in labels {
                        ui.selectable_value(&mut self.label, Some(name.to_owned()), name);
                    }
                })
                .response
                .widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::accesskit::Role::ComboBox,
                        true,
                        "Label for all matches",
                    )
                });
            let title = match &self.label {
                Some(l) => format!("Label all {n} as {l}"),
                None => "Label all matches".to_owned(),
            };
            if ui
                .add_enabled(self.label.is_some() && n > 0, egui::Button::new(title))
                .on_hover_text(
                    "Choose the label first; one undo step removes them all again (Ctrl+Shift+L)",
                )
                .clicked()
            {
                cx.send(Action::Run(Command::LabelAllMatches));
            }
            if ui.button("×").on_hover_text("Close (Esc)").clicked() {
                self.open = false;
            }
        });
        if self.query.all_documents && !self.search.matches.is_empty() {
            self.results_ui(ui, cx, ws);
        }
    }

    /// The matches of every document, each with its file and some context.
    fn results_ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>, ws: &Workspace) {
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("find results")
            .max_height(120.0)
            .show(ui, |ui| {
                for (i, (doc, range)) in self.search.matches.iter().enumerate().take(MAX_LISTED) {
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
                        let selected = self.search.current == Some(i);
                        if ui.selectable_label(selected, ws.file_name(*doc)).clicked() {
                            clicked = Some(i);
                        }
                        if text_line(ui, cx.engine, &snippet, 14.0).clicked() {
                            clicked = Some(i);
                        }
                    });
                }
            });
        if let Some(i) = clicked {
            self.search.current = Some(i);
            let (doc, range) = self.search.matches[i];
            cx.send(Action::Reveal { doc, range });
        }
    }
}
