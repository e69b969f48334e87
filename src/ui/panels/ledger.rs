//! The ledger of commitments (below the panes): every commitment of the project in a table —
//! document, date, actors, target, deadline, kind, status, thread — sorted by any column,
//! filtered by text or to the incomplete ones; a row shows its commitment in a pane. The same
//! rows as `accord commitments`.

use std::cmp::Ordering;

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::commitments::{LedgerRow, ledger};
use crate::project::{PartialDate, by_date};
use crate::ui::action::{Action, ViewContext};
use crate::ui::text::text_line;
use crate::ui::text_field::TextField;

/// A column of the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    Document,
    Date,
    Actors,
    Target,
    Deadline,
    Kind,
    Status,
    Thread,
}

impl Col {
    const ALL: [Col; 8] = [
        Col::Document,
        Col::Date,
        Col::Actors,
        Col::Target,
        Col::Deadline,
        Col::Kind,
        Col::Status,
        Col::Thread,
    ];

    fn title(self) -> &'static str {
        match self {
            Col::Document => "Document",
            Col::Date => "Date",
            Col::Actors => "Actors",
            Col::Target => "Target",
            Col::Deadline => "Deadline",
            Col::Kind => "Kind",
            Col::Status => "Status",
            Col::Thread => "Thread",
        }
    }

    /// The cell's text (document text for actors, target and deadline).
    fn text(self, row: &LedgerRow) -> String {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        match self {
            Col::Document => row.document.clone(),
            // As people write dates: "25 Aug 2024", "25 Aug (no year)".
            Col::Date => match row.date.as_deref().map(|d| (d, PartialDate::parse(d))) {
                Some((_, Some(d))) if d.has_year() => d.human(),
                Some((_, Some(d))) => format!("{} (no year)", d.human()),
                Some((raw, None)) => raw.to_owned(),
                None => String::new(),
            },
            Col::Actors => row.actors.join("; "),
            Col::Target => opt(&row.target),
            Col::Deadline => opt(&row.deadline),
            Col::Kind => opt(&row.kind),
            Col::Status => opt(&row.status),
            Col::Thread => row.thread.map(|t| format!("#{}", t.0)).unwrap_or_default(),
        }
    }

    fn compare(self, a: &LedgerRow, b: &LedgerRow) -> Ordering {
        match self {
            Col::Date => {
                let when = |r: &LedgerRow| r.date.as_deref().and_then(PartialDate::parse);
                by_date(&when(a), &when(b))
            }
            Col::Thread => a.thread.map(|t| t.0).cmp(&b.thread.map(|t| t.0)),
            _ => self.text(a).cmp(&self.text(b)),
        }
    }
}

/// The ledger, its sort and filter; the rows are computed again only when an edit changed
/// the workspace.
#[derive(Debug)]
pub struct Ledger {
    key: Option<(std::path::PathBuf, String, u64)>,
    rows: Vec<LedgerRow>,
    sort: Col,
    ascending: bool,
    filter: TextField,
    incomplete_only: bool,
}

impl Default for Ledger {
    fn default() -> Self {
        Self {
            key: None,
            rows: Vec::new(),
            sort: Col::Date,
            ascending: true,
            filter: TextField::singleline("").labelled("Filter commitments"),
            incomplete_only: false,
        }
    }
}

impl Ledger {
    /// Draws the ledger.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let Some(ws) = &cx.state.workspace else {
            return;
        };
        let key = (ws.project.root.clone(), ws.annotator.clone(), ws.revision());
        if self.key.as_ref() != Some(&key) {
            self.rows = ledger(ws);
            self.key = Some(key);
        }
        let query = self.filter.text().trim().to_lowercase();
        let mut shown: Vec<&LedgerRow> = self
            .rows
            .iter()
            .filter(|r| !self.incomplete_only || !r.missing.is_empty())
            .filter(|r| {
                query.is_empty()
                    || Col::ALL
                        .iter()
                        .any(|c| c.text(r).to_lowercase().contains(&query))
                    || r.text.to_lowercase().contains(&query)
            })
            .collect();
        // Stable: rows equal in the sort column keep the ledger's own order (by date).
        shown.sort_by(|a, b| {
            let o = self.sort.compare(a, b);
            if self.ascending { o } else { o.reverse() }
        });
        ui.horizontal(|ui| {
            ui.heading("Ledger of commitments");
            let incomplete = self.rows.iter().filter(|r| !r.missing.is_empty()).count();
            ui.label(format!(
                "{} of {} shown · {incomplete} incomplete",
                shown.len(),
                self.rows.len()
            ));
            let id = ui.make_persistent_id("ledger filter");
            self.filter
                .ui(ui, cx.engine, id, 220.0, "Filter: any column");
            ui.checkbox(&mut self.incomplete_only, "Incomplete only");
        });
        let row_height = 24.0;
        let mut clicked = None;
        let mut sort_by = None;
        TableBuilder::new(ui)
            .id_salt("ledger table")
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .column(Column::initial(170.0).at_least(60.0).clip(true))
            .column(Column::initial(70.0).at_least(40.0).clip(true))
            .columns(Column::initial(130.0).at_least(40.0).clip(true), 3)
            .columns(Column::initial(85.0).at_least(40.0).clip(true), 2)
            .column(Column::remainder().at_least(50.0).clip(true))
            .header(20.0, |mut header| {
                for col in Col::ALL {
                    header.col(|ui| {
                        let arrow = match (self.sort == col, self.ascending) {
                            (true, true) => " ▲",
                            (true, false) => " ▼",
                            (false, _) => "",
                        };
                        let title = format!("{}{arrow}", col.title());
                        if ui
                            .button(RichText::new(title).strong())
                            .on_hover_text("Sort by this column (again: the other way)")
                            .clicked()
                        {
                            sort_by = Some(col);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, shown.len(), |mut row| {
                    let r = shown[row.index()];
                    for col in Col::ALL {
                        row.col(|ui| {
                            let text = col.text(r);
                            let name = col.title().to_lowercase();
                            // Cells do not select their text: a click anywhere shows the row.
                            if text.is_empty() && r.missing.contains(&name) {
                                ui.add(
                                    egui::Label::new(RichText::new("missing").color(MISSING))
                                        .selectable(false),
                                );
                            } else if matches!(col, Col::Actors | Col::Target | Col::Deadline) {
                                // Document text, through our layout (Arabic in order).
                                if text_line(ui, cx.engine, &text, 13.0).clicked() {
                                    clicked = Some(r);
                                }
                            } else {
                                ui.add(egui::Label::new(text).selectable(false));
                            }
                        });
                    }
                    if row.response().clicked() {
                        clicked = Some(r);
                    }
                });
            });
        if let Some(col) = sort_by {
            if self.sort == col {
                self.ascending = !self.ascending;
            } else {
                self.sort = col;
                self.ascending = true;
            }
        }
        if let Some(r) = clicked {
            cx.send(Action::SelectAnnotation {
                doc: r.doc,
                id: r.annotation,
            });
        }
    }
}

/// What says a required attribute is missing.
const MISSING: egui::Color32 = egui::Color32::from_rgb(200, 120, 0);
