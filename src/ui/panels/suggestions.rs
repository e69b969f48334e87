//! The Suggestions tab: each suggester switched on or off with its threshold, the gazetteers
//! and the external recommender's URL (the project's `suggestions` settings in `accord.ron`),
//! and how good each suggester is, measured on documents it did not learn from.

use egui::{RichText, Ui};

use crate::suggest::evaluate::Counts;
use crate::suggest::{Kind, Settings};
use crate::ui::action::{Action, ViewContext};
use crate::ui::commands::Command;

/// The tab, with the text being typed into its fields.
#[derive(Debug, Default)]
pub struct SuggestionsPanel {
    /// The gazetteer path being typed.
    gazetteer: String,
    /// The external recommender's URL being typed (`None`: not edited yet, the project's).
    url: Option<String>,
    /// Thresholds being dragged, written when the slider is let go.
    dragging: Option<(Kind, f32)>,
}

impl SuggestionsPanel {
    /// Draws the tab.
    pub fn ui(&mut self, ui: &mut Ui, cx: &mut ViewContext<'_>) {
        let Some(ws) = &cx.state.workspace else {
            ui.label("Open a project to have labels suggested.");
            return;
        };
        let s = &cx.state.suggestions;
        let settings = ws.project.file.suggestions.clone();
        ui.horizontal(|ui| {
            ui.heading("Suggestions");
            let mut shown = !s.hidden;
            if ui
                .checkbox(&mut shown, "Show")
                .on_hover_text("Ctrl+Shift+U")
                .changed()
            {
                cx.send(Action::Run(Command::ToggleSuggestions));
            }
        });
        let doc = cx.state.active_doc();
        let here = doc.map_or(0, |d| s.of(d).len());
        let all: usize = s.by_doc.values().map(Vec::len).sum();
        ui.label(format!(
            "{here} in this document, {all} in the project. {} forms known; the tagger {}.",
            s.forms,
            if s.tagger {
                "has learned from your labels"
            } else {
                "has not learned anything yet"
            }
        ));
        ui.label(
            RichText::new(
                "F8 next, Shift+F8 previous, Ctrl+Enter accept (or a label's key), Ctrl+Delete reject, Ctrl+Shift+Enter accept all of the label here.",
            )
            .small()
            .weak(),
        );
        for problem in &s.problems {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
        ui.separator();

        let mut changed = settings.clone();
        let mut write = false;
        // The string suggesters.
        ui.label(RichText::new("Suggesters").strong());
        write |= ui
            .checkbox(&mut changed.project, "Forms you labelled")
            .on_hover_text("Every text you labelled, proposed wherever it occurs, inflected or with Arabic clitics too")
            .changed();
        ui.indent("others", |ui| {
            write |= ui
                .add_enabled(
                    changed.project,
                    egui::Checkbox::new(
                        &mut changed.others,
                        "also other annotators' and the curated set's",
                    ),
                )
                .changed();
        });
        write |= self.threshold(ui, &mut changed, Kind::Project);
        write |= ui
            .checkbox(&mut changed.tagger, "A tagger trained on your labels")
            .on_hover_text("An averaged perceptron over words, their shapes and neighbours, trained here on your labels (again after each save): it finds names no list holds")
            .changed();
        write |= self.threshold(ui, &mut changed, Kind::Tagger);

        ui.label("Gazetteers (files in the project):");
        let mut remove = None;
        for (i, path) in changed.gazetteers.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.label(path);
                if ui.small_button("Remove").clicked() {
                    remove = Some(i);
                }
            });
        }
        if let Some(i) = remove {
            changed.gazetteers.remove(i);
            write = true;
        }
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.gazetteer)
                    .hint_text("gazetteers/names.ron")
                    .desired_width(160.0),
            );
            if ui
                .add_enabled(!self.gazetteer.trim().is_empty(), egui::Button::new("Add"))
                .clicked()
            {
                changed.gazetteers.push(self.gazetteer.trim().to_owned());
                self.gazetteer.clear();
                write = true;
            }
        });
        if !changed.gazetteers.is_empty() {
            write |= self.threshold(ui, &mut changed, Kind::Gazetteer);
        }

        ui.label("External recommender (a Label Studio ML backend):");
        let url = self
            .url
            .get_or_insert_with(|| settings.external.clone().unwrap_or_default());
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(url)
                    .hint_text("http://localhost:9090")
                    .desired_width(160.0),
            );
            let typed = Some(url.trim().to_owned()).filter(|u| !u.is_empty());
            if typed != settings.external && ui.button("Use").clicked() {
                changed.external = typed;
                write = true;
            }
            if settings.external.is_some() && ui.button("Ask").clicked() {
                cx.send(Action::AskExternal);
            }
        });
        match &s.external {
            Some(Ok(n)) => {
                ui.label(format!("It proposed {n} spans in the documents on screen."));
            }
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            None => {}
        }
        if settings.external.is_some() {
            write |= self.threshold(ui, &mut changed, Kind::External);
        }
        if write && changed != settings {
            cx.send(Action::SuggestionSettings(changed));
        }

        ui.separator();
        ui.horizontal(|ui| {
            ui.label(RichText::new("How good is each?").strong());
            if ui
                .add_enabled(!s.evaluating, egui::Button::new("Measure"))
                .on_hover_text(
                    "Against your own labels, on documents each suggester did not learn from",
                )
                .clicked()
            {
                cx.send(Action::EvaluateSuggesters);
            }
            if s.evaluating {
                ui.spinner();
            }
        });
        let Some(evaluation) = &s.evaluation else {
            return;
        };
        ui.label(
            RichText::new(format!(
                "{}: a proposal counts as right when its range and label are exactly one of your labels.",
                evaluation.method
            ))
            .small(),
        );
        egui::ScrollArea::vertical()
            .id_salt("suggester figures")
            .show(ui, |ui| {
                egui::Grid::new("suggester figures grid")
                    .num_columns(4)
                    .striped(true)
                    .show(ui, |ui| {
                        for (title, hover) in [
                            ("", ""),
                            ("P", "Precision: right / proposed"),
                            ("R", "Recall: right / labelled"),
                            ("F1", "F1: their harmonic mean (right/wrong/missed on hover)"),
                        ] {
                            ui.label(RichText::new(title).strong()).on_hover_text(hover);
                        }
                        ui.end_row();
                        for (name, measured) in &evaluation.suggesters {
                            counts_row(ui, RichText::new(name).strong(), &measured.all);
                            for (language, counts) in &measured.by_language {
                                let language =
                                    if language.is_empty() { "?" } else { language };
                                counts_row(ui, RichText::new(format!("    {language}")), counts);
                            }
                        }
                    });
                for (name, measured) in &evaluation.suggesters {
                    if let Some((found, total)) = measured.unseen {
                        ui.label(format!(
                            "{name} found {found} of the {total} labelled spans whose text occurs in no other document."
                        ));
                    }
                }
            });
    }

    /// A threshold slider of `kind`; true when it was let go at a new value.
    fn threshold(&mut self, ui: &mut Ui, settings: &mut Settings, kind: Kind) -> bool {
        let saved = settings.threshold(kind);
        let mut value = match self.dragging {
            Some((k, v)) if k == kind => v,
            _ => saved,
        };
        let response = ui
            .horizontal(|ui| {
                ui.add_space(18.0);
                ui.add(egui::Slider::new(&mut value, 0.0..=1.0).text("lowest score shown"))
            })
            .inner;
        if response.dragged() || response.changed() {
            self.dragging = Some((kind, value));
        }
        let let_go = response.drag_stopped() || (response.changed() && !response.dragged());
        if let_go {
            self.dragging = None;
            if (value - saved).abs() > f32::EPSILON {
                settings
                    .thresholds
                    .insert(kind.name().to_owned(), (value * 100.0).round() / 100.0);
                return true;
            }
        }
        false
    }
}

fn counts_row(ui: &mut Ui, name: RichText, c: &Counts) {
    ui.label(name);
    ui.label(format!("{:.2}", c.precision()));
    ui.label(format!("{:.2}", c.recall()));
    ui.label(format!("{:.2}", c.f1())).on_hover_text(format!(
        "{} right, {} wrong, {} missed",
        c.right, c.wrong, c.missed
    ));
    ui.end_row();
}
