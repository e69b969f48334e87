//! The Agreement panel: the figures of `accord agree` for the open project (from the saved
//! files of every annotator but the curated set), worst labels first, with a bar per label
//! and a heat map per annotator pair where a picture reads faster than a table.

use egui::{Align2, Color32, FontId, RichText, Sense, Stroke, Ui, vec2};

use crate::agreement::AgreementReport;
use crate::ui::action::{Action, ViewContext};
use crate::ui::text_view::label_color;

/// Height of one label's bar.
const BAR_HEIGHT: f32 = 14.0;
/// Side of one cell of the pair heat map.
const CELL: f32 = 46.0;

/// Draws the panel.
pub fn agreement_ui(ui: &mut Ui, cx: &mut ViewContext<'_>) {
    let Some(ws) = &cx.state.workspace else {
        ui.label("Open a project to see how its annotators agree.");
        return;
    };
    let pending = cx.state.agreement_pending;
    ui.horizontal(|ui| {
        ui.heading("Agreement");
        if ui
            .add_enabled(!pending, egui::Button::new("Recompute"))
            .on_hover_text("From the saved annotation files, as `accord agree` computes them")
            .clicked()
        {
            cx.send(Action::ComputeAgreement);
        }
        if pending {
            ui.spinner();
            ui.label("Computing the figures…");
        }
    });
    let report = match &cx.state.agreement {
        None if pending => return,
        None => {
            if ui.button("Compute the figures").clicked() {
                cx.send(Action::ComputeAgreement);
            }
            return;
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
            return;
        }
        Some(Ok(report)) => report,
    };
    if report.annotators.len() < 2 {
        ui.label("Agreement needs two annotators or more; this project has fewer.");
        return;
    }
    let schema = &ws.project.schema;
    egui::ScrollArea::vertical()
        .id_salt("agreement scroll")
        .show(ui, |ui| {
            overall_ui(ui, report);
            ui.separator();
            ui.label(
                RichText::new(format!(
                    "Labels, {} as in `accord agree` (span F1: exact ▮ overlap ▯)",
                    crate::agreement::WORST_FIRST
                ))
                .strong(),
            );
            labels_ui(ui, report, |label| label_color(schema, label));
            ui.separator();
            ui.label(RichText::new("Pairs: Cohen's κ on units").strong());
            heat_map_ui(ui, report);
            ui.separator();
            ui.label(RichText::new("Documents, worst first (Krippendorff's α)").strong());
            documents_ui(ui, cx, report);
            for warning in &report.warnings {
                ui.colored_label(ui.visuals().warn_fg_color, warning);
            }
        });
}

fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.3}"))
}

fn overall_ui(ui: &mut Ui, report: &AgreementReport) {
    let o = &report.overall;
    ui.label(format!(
        "{} annotators · {} documents · {} units",
        report.annotators.len(),
        o.documents,
        o.units
    ));
    egui::Grid::new("agreement overall")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let mut row = |name: &str, value: String, hover: String| {
                ui.label(name).on_hover_text(&hover);
                ui.label(RichText::new(value).monospace())
                    .on_hover_text(hover);
                ui.end_row();
            };
            row(
                "Krippendorff's α",
                figure(o.krippendorff_alpha.value),
                format!(
                    "nominal, on {} pairable units ({} values)",
                    o.krippendorff_alpha.pairable_units, o.krippendorff_alpha.pairable_values
                ),
            );
            if report.annotators.len() >= 3 {
                row(
                    "Fleiss' κ",
                    figure(o.fleiss_kappa.value),
                    format!("on {} units every annotator labelled", o.fleiss_kappa.units),
                );
            }
            for (name, scores) in [
                ("Span F1, exact", &o.spans.exact),
                ("Span F1, overlap", &o.spans.overlap),
                ("Boundaries (label-blind)", &o.spans.boundary),
            ] {
                row(
                    name,
                    figure(scores.f1),
                    format!(
                        "{} matched of {} and {} spans, pooled over pairs",
                        scores.matched, scores.spans_a, scores.spans_b
                    ),
                );
            }
        });
}

/// Width of the column of figures right of the bars.
const FIGURE_WIDTH: f32 = 44.0;

/// One row per label: its name, bars for exact and overlap F1 (a bar's length is the
/// figure) and the figures beside them, in the order `accord agree` lists them.
fn labels_ui(ui: &mut Ui, report: &AgreementReport, color: impl Fn(&str) -> Color32) {
    let name_width = 110.0;
    let text = ui.visuals().text_color();
    for (label, figures) in report.labels_worst_first() {
        let width = (ui.available_width() - name_width - FIGURE_WIDTH - 8.0).max(60.0);
        let (rect, response) = ui.allocate_exact_size(
            vec2(name_width + width + FIGURE_WIDTH, BAR_HEIGHT * 2.0 + 4.0),
            Sense::hover(),
        );
        let painter = ui.painter_at(rect);
        painter.text(
            rect.left_center(),
            Align2::LEFT_CENTER,
            label,
            FontId::proportional(12.0),
            text,
        );
        let c = color(label);
        for (row, (scores, filled)) in [(&figures.exact, true), (&figures.overlap, false)]
            .into_iter()
            .enumerate()
        {
            let top = rect.top() + 1.0 + row as f32 * (BAR_HEIGHT + 2.0);
            let track = egui::Rect::from_min_size(
                egui::pos2(rect.left() + name_width, top),
                vec2(width, BAR_HEIGHT),
            );
            painter.rect_stroke(
                track,
                2.0,
                Stroke::new(1.0, ui.visuals().weak_text_color()),
                egui::StrokeKind::Inside,
            );
            if let Some(f1) = scores.f1 {
                let bar = egui::Rect::from_min_size(
                    track.min,
                    vec2(width * f1.clamp(0.0, 1.0) as f32, BAR_HEIGHT),
                );
                if filled {
                    painter.rect_filled(bar, 2.0, c.gamma_multiply(0.8));
                } else {
                    painter.rect_stroke(bar, 2.0, Stroke::new(2.0, c), egui::StrokeKind::Inside);
                }
            }
            // Beside the bar, never over it.
            painter.text(
                track.right_center() + vec2(FIGURE_WIDTH - 2.0, 0.0),
                Align2::RIGHT_CENTER,
                figure(scores.f1),
                FontId::monospace(11.0),
                text,
            );
        }
        let described = format!(
            "{label}: exact F1 {} ({} matched of {}/{} spans), overlap F1 {} ({} matched)",
            figure(figures.exact.f1),
            figures.exact.matched,
            figures.exact.spans_a,
            figures.exact.spans_b,
            figure(figures.overlap.f1),
            figures.overlap.matched
        );
        response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::accesskit::Role::Meter, true, &described)
        });
        response.on_hover_text(described);
    }
}

/// Cohen's κ of every pair as a square of cells, red (low) to green (high).
fn heat_map_ui(ui: &mut Ui, report: &AgreementReport) {
    let n = report.annotators.len();
    let name_width = 80.0;
    let (rect, _) = ui.allocate_exact_size(
        vec2(name_width + CELL * n as f32, 18.0 + CELL * n as f32),
        Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    let font = FontId::proportional(11.0);
    for (j, name) in report.annotators.iter().enumerate() {
        painter.text(
            egui::pos2(
                rect.left() + name_width + CELL * (j as f32 + 0.5),
                rect.top() + 8.0,
            ),
            Align2::CENTER_CENTER,
            short(name),
            font.clone(),
            text,
        );
    }
    for (i, name) in report.annotators.iter().enumerate() {
        let top = rect.top() + 18.0 + CELL * i as f32;
        painter.text(
            egui::pos2(rect.left(), top + CELL / 2.0),
            Align2::LEFT_CENTER,
            short(name),
            font.clone(),
            text,
        );
        for j in 0..n {
            let cell = egui::Rect::from_min_size(
                egui::pos2(rect.left() + name_width + CELL * j as f32, top),
                vec2(CELL, CELL),
            )
            .shrink(1.0);
            let value = report.matrix.cohen_kappa[i][j];
            let fill = match value {
                _ if i == j => ui.visuals().faint_bg_color,
                Some(v) => heat(v),
                None => ui.visuals().extreme_bg_color,
            };
            painter.rect_filled(cell, 2.0, fill);
            if i != j {
                painter.text(
                    cell.center(),
                    Align2::CENTER_CENTER,
                    figure(value),
                    FontId::monospace(11.0),
                    Color32::BLACK,
                );
            }
        }
    }
}

/// Documents by Krippendorff's α, lowest first; a click shows the document.
fn documents_ui(ui: &mut Ui, cx: &mut ViewContext<'_>, report: &AgreementReport) {
    let mut docs: Vec<_> = report.documents.iter().collect();
    docs.sort_by(|a, b| {
        let key = |f: Option<f64>| f.unwrap_or(-1.0);
        key(a.figures.krippendorff_alpha.value).total_cmp(&key(b.figures.krippendorff_alpha.value))
    });
    egui::Grid::new("agreement documents")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for doc in docs {
                let id = cx
                    .state
                    .workspace
                    .as_ref()
                    .and_then(|ws| ws.project.document_index(&doc.file));
                let link = ui
                    .link(&doc.file)
                    .on_hover_text("Show this document in the active pane");
                if link.clicked()
                    && let Some(id) = id
                {
                    cx.send(Action::ShowDocument {
                        pane: cx.state.active,
                        doc: id,
                    });
                }
                ui.label(RichText::new(figure(doc.figures.krippendorff_alpha.value)).monospace());
                ui.label(
                    RichText::new(format!("{} units", doc.figures.units))
                        .small()
                        .weak(),
                );
                ui.end_row();
            }
        });
}

/// From red (κ ≤ 0) through yellow to green (κ = 1).
fn heat(value: f64) -> Color32 {
    let v = value.clamp(0.0, 1.0) as f32;
    let red = Color32::from_rgb(230, 120, 110);
    let yellow = Color32::from_rgb(240, 220, 120);
    let green = Color32::from_rgb(120, 200, 130);
    if v < 0.5 {
        red.lerp_to_gamma(yellow, v * 2.0)
    } else {
        yellow.lerp_to_gamma(green, (v - 0.5) * 2.0)
    }
}

/// A name cut to fit a heat map cell.
fn short(name: &str) -> String {
    let mut chars = name.chars();
    let head: String = chars.by_ref().take(8).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}
