//! The project's documents: a filter (name or title, language, status) and a virtualised list
//! (only the rows on screen are drawn, so ten thousand documents cost what ten do). Each row
//! shows the document's state (unsaved `*`, needs attention `!`) and progress (annotations,
//! how many reviewed; while reviewing, how many items are decided). A click shows the document
//! in the active pane. The documents `assignments.ron` gives the annotator come first, marked
//! "assigned to you".

use egui::{RichText, Ui};

use crate::project::{DocId, DocumentEntry, StoreStatus, Workspace};
use crate::ui::action::{Action, ViewContext};
use crate::ui::opening::Opening;
use crate::ui::text_field::TextField;

/// Height of one row of the list.
const ROW_HEIGHT: f32 = 36.0;

/// Which documents the list shows, by their state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    /// Every document.
    #[default]
    All,
    /// Documents without annotations yet.
    NotStarted,
    /// Documents with annotations not all reviewed.
    InProgress,
    /// Documents whose annotations are all reviewed.
    Reviewed,
    /// Documents with unsaved changes.
    Unsaved,
    /// Documents that cannot be edited (unreadable, changed, locked).
    NeedsAttention,
}

impl StatusFilter {
    const ALL: [StatusFilter; 6] = [
        StatusFilter::All,
        StatusFilter::NotStarted,
        StatusFilter::InProgress,
        StatusFilter::Reviewed,
        StatusFilter::Unsaved,
        StatusFilter::NeedsAttention,
    ];

    fn title(self) -> &'static str {
        match self {
            StatusFilter::All => "any state",
            StatusFilter::NotStarted => "not started",
            StatusFilter::InProgress => "in progress",
            StatusFilter::Reviewed => "all reviewed",
            StatusFilter::Unsaved => "unsaved",
            StatusFilter::NeedsAttention => "needs attention",
        }
    }

    fn accepts(self, ws: &Workspace, doc: DocId) -> bool {
        let state = ws.doc_state(doc);
        let store = &state.store;
        match self {
            StatusFilter::All => true,
            StatusFilter::NotStarted => store.is_empty(),
            StatusFilter::InProgress => !store.is_empty() && store.reviewed() < store.len(),
            StatusFilter::Reviewed => !store.is_empty() && store.reviewed() == store.len(),
            StatusFilter::Unsaved => state.is_dirty(),
            StatusFilter::NeedsAttention => state.status != StoreStatus::Editable,
        }
    }
}

/// The documents the list shows, in order.
enum Rows {
    /// Every document, in project order.
    All(usize),
    /// These.
    Listed(Vec<DocId>),
}

impl Rows {
    fn len(&self) -> usize {
        match self {
            Rows::All(n) => *n,
            Rows::Listed(docs) => docs.len(),
        }
    }

    /// The document of row `row` (below [`Rows::len`]).
    fn get(&self, row: usize) -> DocId {
        match self {
            Rows::All(_) => DocId(row),
            Rows::Listed(docs) => docs[row],
        }
    }
}

/// The list and its filter.
#[derive(Debug)]
pub struct DocumentList {
    /// Part of a file name or title, in any case.
    query: String,
    field: TextField,
    /// A language tag, or any.
    language: Option<String>,
    status: StatusFilter,
    /// A document's title, language and date being edited (its row's right-click menu).
    editing: Option<EntryEditor>,
}

/// What a row's right-click menu asks for.
enum RowRequest {
    /// Edit its title, language and date.
    Edit(DocId),
    /// Take it out of the project.
    Remove(String),
}

/// A document's entry being edited, with the fields as typed.
#[derive(Debug)]
struct EntryEditor {
    doc: DocId,
    entry: crate::project::DocumentEntry,
    title: TextField,
    language: String,
    date: String,
}

impl Default for DocumentList {
    fn default() -> Self {
        Self {
            query: String::new(),
            field: TextField::singleline("").labelled("Filter documents"),
            language: None,
            status: StatusFilter::All,
            editing: None,
        }
    }
}

impl DocumentList {
    /// True when some filter is set.
    fn is_filtering(&self) -> bool {
        self.filters_entries() || self.status != StatusFilter::All
    }

    /// True when the name or language filter is set (those an entry passes or not).
    fn filters_entries(&self) -> bool {
        !self.query.trim().is_empty() || self.language.is_some()
    }

    /// True when `doc` passes the filter.
    fn shows(&self, ws: &Workspace, doc: DocId, query: &str) -> bool {
        ws.project
            .slot(doc)
            .is_some_and(|slot| self.entry_shown(&slot.entry, query))
            && self.status.accepts(ws, doc)
    }

    /// True when a document's entry passes the name and language filters.
    fn entry_shown(&self, entry: &DocumentEntry, query: &str) -> bool {
        let name_matches = query.is_empty()
            || entry.file.to_lowercase().contains(query)
            || entry
                .title
                .as_ref()
                .is_some_and(|t| t.to_lowercase().contains(query));
        let language_matches = self.language.is_none() || entry.language == self.language;
        name_matches && language_matches
    }

    /// Draws the project name, the filter and the list.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let state = cx.state;
        let Some(ws) = &state.workspace else {
            match &state.opening {
                Some(opening) => self.listing_ui(ui, cx, opening),
                None => drop(ui.heading("No project")),
            }
            return;
        };
        self.header_ui(
            ui,
            cx,
            (ws.project.name(), &ws.project.root),
            &ws.project.file.documents,
            true,
        );
        self.editor_ui(ui, cx);
        let query = self.query.trim().to_lowercase();
        let assigned = &state.team.assigned;
        // Every document in project order is the list most often shown: its rows are their
        // own ids, with no list of 100,000 made each frame.
        let shown = if !self.is_filtering() && assigned.is_empty() {
            Rows::All(ws.len())
        } else {
            let shown = ws.doc_ids().filter(|d| self.shows(ws, *d, &query));
            // The documents assigned to this annotator first, each part in project order.
            let (mine, others): (Vec<DocId>, Vec<DocId>) =
                shown.partition(|d| assigned.contains(d));
            Rows::Listed(mine.into_iter().chain(others).collect())
        };
        ui.label(
            RichText::new(format!("{} of {} documents", shown.len(), ws.len()))
                .small()
                .weak(),
        );
        let active_doc = state.active_doc();
        let mut request = None;
        egui::ScrollArea::vertical()
            .id_salt("documents")
            .auto_shrink([false, false])
            .show_rows(ui, ROW_HEIGHT, shown.len(), |ui, rows| {
                for doc in rows.map(|row| shown.get(row)) {
                    if let Some(r) = row_ui(ui, cx, ws, doc, active_doc == Some(doc)) {
                        request = Some(r);
                    }
                }
            });
        match request {
            Some(RowRequest::Edit(doc)) => {
                if let Some(slot) = ws.project.slot(doc) {
                    let entry = slot.entry.clone();
                    self.editing = Some(EntryEditor {
                        doc,
                        title: TextField::singleline(entry.title.as_deref().unwrap_or(""))
                            .labelled("Document title"),
                        language: entry.language.clone().unwrap_or_default(),
                        date: entry.date.clone().unwrap_or_default(),
                        entry,
                    });
                }
            }
            Some(RowRequest::Remove(file)) => cx.send(Action::AskRemoveDocument(file)),
            None => {}
        }
    }

    /// The title, language and date of the document being edited, above the list.
    fn editor_ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let Some(editor) = &mut self.editing else {
            return;
        };
        let mut close = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.strong(&editor.entry.file);
            ui.label("Title");
            let id = ui.make_persistent_id("document title");
            editor
                .title
                .ui(ui, cx.engine, id, f32::INFINITY, "a short title for lists");
            let date = editor.date.trim().to_owned();
            let date_ok = date.is_empty() || crate::project::PartialDate::parse(&date).is_some();
            egui::Grid::new("document entry").num_columns(2).show(ui, |ui| {
                let language = ui.label("Language");
                ui.add(
                    egui::TextEdit::singleline(&mut editor.language)
                        .desired_width(60.0)
                        .hint_text("zh, ar, kk…"),
                )
                .labelled_by(language.id);
                ui.end_row();
                let date_label = ui.label("Date");
                ui.add(
                    egui::TextEdit::singleline(&mut editor.date)
                        .desired_width(110.0)
                        .hint_text("2024-08-22"),
                )
                .labelled_by(date_label.id);
                ui.end_row();
            });
            if !date_ok {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    "Write a date as 2024-08-22, 2024-08, 2024, or --05-20 when the text gives no year",
                );
            }
            ui.horizontal(|ui| {
                if ui.add_enabled(date_ok, egui::Button::new("Save")).clicked() {
                    let text = |s: String| {
                        let s = s.trim().to_owned();
                        (!s.is_empty()).then_some(s)
                    };
                    let entry = crate::project::DocumentEntry {
                        title: text(editor.title.text()),
                        language: text(editor.language.clone()),
                        date: text(editor.date.clone()),
                        ..editor.entry.clone()
                    };
                    cx.send(Action::SetDocumentEntry {
                        doc: editor.doc,
                        entry,
                    });
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.editing = None;
        }
    }

    /// The documents of a project being read, as its project file lists them: filtered by
    /// name and language (their state is not known yet); a click chooses the one to show
    /// first.
    fn listing_ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>, opening: &Opening) {
        self.header_ui(
            ui,
            cx,
            (&opening.name, &opening.root),
            &opening.entries,
            false,
        );
        let query = self.query.trim().to_lowercase();
        let entries = &opening.entries;
        let shown = if !self.filters_entries() {
            Rows::All(entries.len())
        } else {
            Rows::Listed(
                (0..entries.len())
                    .filter(|&i| self.entry_shown(&entries[i], &query))
                    .map(DocId)
                    .collect(),
            )
        };
        ui.label(
            RichText::new(format!(
                "{} of {} documents · reading",
                shown.len(),
                entries.len()
            ))
            .small()
            .weak(),
        );
        egui::ScrollArea::vertical()
            .id_salt("documents")
            .auto_shrink([false, false])
            .show_rows(ui, ROW_HEIGHT, shown.len(), |ui, rows| {
                for entry in rows.filter_map(|row| entries.get(shown.get(row).0)) {
                    let chosen = opening.first.as_deref() == Some(entry.file.as_str());
                    ui.vertical(|ui| {
                        ui.set_height(ROW_HEIGHT - ui.spacing().item_spacing.y);
                        let title = format!(
                            "  {} [{}]",
                            entry.file,
                            entry.language.as_deref().unwrap_or("?")
                        );
                        let response = ui
                            .selectable_label(chosen, title)
                            .on_hover_text("Show this document first once the project is read");
                        if response.clicked() {
                            cx.send(Action::OpenFirst(entry.file.clone()));
                        }
                        if let Some(t) = &entry.title {
                            ui.label(RichText::new(format!("    {t}")).small().weak());
                        }
                    });
                }
            });
    }

    /// The project's name and folder, then the filters: name, language, and state when the
    /// documents' annotations are read (`with_status`).
    fn header_ui(
        &mut self,
        ui: &mut Ui,
        cx: &mut ViewContext<'_>,
        (name, root): (&str, &std::path::Path),
        entries: &[DocumentEntry],
        with_status: bool,
    ) {
        ui.heading(name);
        ui.label(RichText::new(root.display().to_string()).small().weak());
        ui.separator();
        let id = ui.make_persistent_id("document filter");
        self.field
            .ui(ui, cx.engine, id, f32::INFINITY, "Filter documents by name");
        self.query = self.field.text();
        self.filter_ui(ui, entries, with_status);
    }

    /// The language filter, and the state filter when the documents' annotations are read
    /// (`with_status`).
    fn filter_ui(&mut self, ui: &mut Ui, entries: &[DocumentEntry], with_status: bool) {
        ui.horizontal(|ui| {
            egui::ComboBox::from_id_salt("language filter")
                .selected_text(self.language.as_deref().unwrap_or("any language"))
                .width(100.0)
                .show_ui(ui, |ui| {
                    // Only while the list is open: every entry of the project is read.
                    let languages: std::collections::BTreeSet<&str> = entries
                        .iter()
                        .filter_map(|e| e.language.as_deref())
                        .collect();
                    ui.selectable_value(&mut self.language, None, "any language");
                    for l in languages {
                        ui.selectable_value(&mut self.language, Some(l.to_owned()), l);
                    }
                })
                .response
                .widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::accesskit::Role::ComboBox,
                        true,
                        "Filter by language",
                    )
                });
            if !with_status {
                return;
            }
            egui::ComboBox::from_id_salt("status filter")
                .selected_text(self.status.title())
                .width(110.0)
                .show_ui(ui, |ui| {
                    for s in StatusFilter::ALL {
                        ui.selectable_value(&mut self.status, s, s.title());
                    }
                })
                .response
                .widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::accesskit::Role::ComboBox,
                        true,
                        "Filter by state",
                    )
                });
        });
    }
}

/// One document: state marker, file name and language, then its progress. Its right-click
/// menu edits its title, language and date, or takes it out of the project.
fn row_ui(
    ui: &mut Ui,
    cx: &mut ViewContext<'_>,
    ws: &Workspace,
    doc: DocId,
    active: bool,
) -> Option<RowRequest> {
    let slot = ws.project.slot(doc)?;
    let mut request = None;
    let doc_state = ws.doc_state(doc);
    let store = &doc_state.store;
    let marker = match &doc_state.status {
        StoreStatus::Editable if doc_state.is_dirty() => "*",
        StoreStatus::Editable => " ",
        _ => "!",
    };
    ui.vertical(|ui| {
        ui.set_height(ROW_HEIGHT - ui.spacing().item_spacing.y);
        let title = format!(
            "{marker} {} [{}]",
            slot.file(),
            slot.entry.language.as_deref().unwrap_or("?")
        );
        let response = ui.selectable_label(active, title);
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
                pane: cx.state.active,
                doc,
            });
        }
        response.context_menu(|ui| {
            if ui.button("Title, language, date…").clicked() {
                request = Some(RowRequest::Edit(doc));
            }
            if ui.button("Remove from the project…").clicked() {
                request = Some(RowRequest::Remove(slot.file().to_owned()));
            }
        });
        match &cx.state.review {
            // While reviewing: how many of the document's items are decided.
            Some(review) => {
                let (decided, total) = review.progress(doc);
                let fraction = if total == 0 {
                    1.0
                } else {
                    decided as f32 / total as f32
                };
                // The figures beside the bar, not on it: the bar's rounded start covered
                // their first digit.
                ui.horizontal(|ui| {
                    ui.add_space(12.0);
                    ui.add(
                        egui::ProgressBar::new(fraction)
                            .desired_width(48.0)
                            .desired_height(8.0),
                    );
                    ui.label(
                        RichText::new(format!("{decided} of {total} items decided"))
                            .small()
                            .weak(),
                    );
                });
            }
            None => {
                let team = &cx.state.team;
                let mut line = format!(
                    "    {} annotations · {} reviewed",
                    store.len(),
                    store.reviewed()
                );
                if team.finished.contains(slot.file()) {
                    line.push_str(" · finished");
                }
                ui.horizontal(|ui| {
                    ui.label(RichText::new(line).small().weak());
                    if team.assigned.contains(&doc) {
                        ui.label(RichText::new("assigned to you").small().strong());
                    }
                });
            }
        }
    });
    request
}
