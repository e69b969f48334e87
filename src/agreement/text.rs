//! The report as plain-text tables for the terminal: aligned columns, figures to four decimals,
//! `—` where a figure is undefined, the worst labels first.

use std::fmt::Write as _;

use super::report::{AgreementReport, PairFigures};
use super::spans::SpanScores;

/// How undefined figures are shown.
const UNDEFINED: &str = "—";

impl AgreementReport {
    /// The labels, all pairs pooled, in the order `accord agree` and the Agreement panel list
    /// them ([`super::WORST_FIRST`]): lowest exact span F1 first, then lowest overlap F1, then
    /// by name; labels with no figure (no span to compare) last.
    pub fn labels_worst_first(&self) -> Vec<(&String, &super::LabelFigures)> {
        let mut labels: Vec<(&String, &super::LabelFigures)> =
            self.overall.spans.labels.iter().collect();
        labels.sort_by(|(a_name, a), (b_name, b)| {
            let key = |s: &SpanScores| s.f1.unwrap_or(f64::INFINITY);
            key(&a.exact)
                .total_cmp(&key(&b.exact))
                .then(key(&a.overlap).total_cmp(&key(&b.overlap)))
                .then(a_name.cmp(b_name))
        });
        labels
    }

    /// The report as tables for a terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let overall = &self.overall;
        let _ = writeln!(
            out,
            "Agreement{}: {} ({}), {}, {}",
            self.project
                .as_ref()
                .map(|p| format!(" in {p}"))
                .unwrap_or_default(),
            count(self.annotators.len() as u64, "annotator"),
            if self.annotators.is_empty() {
                "none".to_owned()
            } else {
                self.annotators.join(", ")
            },
            count(overall.documents, "document"),
            count(overall.units, "unit")
        );
        if self.annotators.len() < 2 {
            let _ = writeln!(
                out,
                "\nFewer than two annotators: there is nothing to compare. Annotators are the folders under annotations/ (curated/ only when named)."
            );
            self.warnings_text(&mut out);
            return out;
        }

        let _ = writeln!(
            out,
            "\nUnits: every token gets each annotator's label, O outside their spans, no value without a file"
        );
        let alpha = overall.krippendorff_alpha;
        let fleiss = overall.fleiss_kappa;
        table(
            &mut out,
            &[],
            vec![
                vec![
                    "Krippendorff's α (nominal)".to_owned(),
                    figure(alpha.value),
                    format!(
                        "{} values in {} units with two or more",
                        alpha.pairable_values, alpha.pairable_units
                    ),
                ],
                vec![
                    "Fleiss' κ".to_owned(),
                    figure(fleiss.value),
                    if fleiss.annotators < 3 {
                        "needs three or more annotators".to_owned()
                    } else {
                        format!(
                            "{} units labelled by all {}",
                            fleiss.units, fleiss.annotators
                        )
                    },
                ],
            ],
            &[true, false, true],
        );

        let _ = writeln!(
            out,
            "\nPairs (a is the reference: precision = matched / spans of b, recall = matched / spans of a)"
        );
        table(
            &mut out,
            &[
                "a",
                "b",
                "docs",
                "units",
                "agreement",
                "Cohen's κ",
                "exact F1",
                "overlap F1",
                "boundary F1",
                "spans a",
                "spans b",
            ],
            overall.pairs.iter().map(pair_row).collect(),
            &[true, true],
        );

        for (title, matrix) in [
            ("Cohen's κ", &self.matrix.cohen_kappa),
            ("Exact span F1", &self.matrix.exact_f1),
            ("Overlap span F1", &self.matrix.overlap_f1),
        ] {
            let _ = writeln!(out, "\n{title}");
            let mut header = vec![""];
            header.extend(self.annotators.iter().map(String::as_str));
            let rows = self
                .annotators
                .iter()
                .zip(matrix)
                .map(|(name, row)| {
                    std::iter::once(name.clone())
                        .chain(row.iter().map(|v| figure(*v)))
                        .collect()
                })
                .collect();
            table(&mut out, &header, rows, &[true]);
        }

        let _ = writeln!(out, "\nLabels, all pairs pooled, {}", super::WORST_FIRST);
        let labels = self.labels_worst_first();
        let rows = labels
            .iter()
            .map(|(name, l)| {
                vec![
                    (*name).clone(),
                    (l.exact.spans_a + l.exact.spans_b).to_string(),
                    figure(l.exact.precision),
                    figure(l.exact.recall),
                    figure(l.exact.f1),
                    figure(l.overlap.precision),
                    figure(l.overlap.recall),
                    figure(l.overlap.f1),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                "label",
                "spans",
                "exact P",
                "exact R",
                "exact F1",
                "overlap P",
                "overlap R",
                "overlap F1",
            ],
            rows,
            &[true],
        );

        let commitments = &overall.commitments;
        if !commitments.attributes.is_empty() || commitments.matched > 0 {
            let _ = writeln!(
                out,
                "\nCommitment attributes, on {} commitments matched by overlap, all pairs pooled (compared: set by at least one of the pair)",
                commitments.matched
            );
            let rows = commitments
                .attributes
                .iter()
                .map(|(name, a)| {
                    vec![
                        name.clone(),
                        a.compared.to_string(),
                        a.equal.to_string(),
                        figure(a.agreement),
                        figure(a.cohen_kappa),
                    ]
                })
                .collect();
            table(
                &mut out,
                &["attribute", "compared", "equal", "agreement", "Cohen's κ"],
                rows,
                &[true],
            );
        }

        let _ = writeln!(out, "\nDocuments (exact and overlap F1: all pairs pooled)");
        let rows = self
            .documents
            .iter()
            .map(|d| {
                let f = &d.figures;
                vec![
                    d.file.clone(),
                    format!("{}/{}", d.annotators_with_file.len(), self.annotators.len()),
                    f.units.to_string(),
                    figure(f.krippendorff_alpha.value),
                    figure(f.fleiss_kappa.value),
                    figure(f.spans.exact.f1),
                    figure(f.spans.overlap.f1),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                "document",
                "files",
                "units",
                "α",
                "Fleiss' κ",
                "exact F1",
                "overlap F1",
            ],
            rows,
            &[true],
        );
        if !self.accepted_suggestions.is_empty() {
            let each: Vec<String> = self
                .accepted_suggestions
                .iter()
                .map(|(a, n)| format!("{a} {n}"))
                .collect();
            let _ = writeln!(
                out,
                "\nAccepted from suggestions (machine-proposed, counted as the annotator's): {}",
                each.join(", ")
            );
        }
        self.warnings_text(&mut out);
        let _ = writeln!(
            out,
            "\n{UNDEFINED} : undefined (nothing to compare, or every value the same label); --json for every count"
        );
        out
    }

    fn warnings_text(&self, out: &mut String) {
        if self.warnings.is_empty() {
            return;
        }
        let _ = writeln!(out, "\nWarnings:");
        for w in &self.warnings {
            let _ = writeln!(out, "  {w}");
        }
    }
}

fn pair_row(p: &PairFigures) -> Vec<String> {
    vec![
        p.a.clone(),
        p.b.clone(),
        p.documents.to_string(),
        p.units.to_string(),
        figure(p.observed_agreement),
        figure(p.cohen_kappa),
        figure(p.spans.exact.f1),
        figure(p.spans.overlap.f1),
        figure(p.spans.boundary.f1),
        p.spans.exact.spans_a.to_string(),
        p.spans.exact.spans_b.to_string(),
    ]
}

/// `1 unit`, `2 units`.
fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A figure to four decimals, or [`UNDEFINED`].
fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| UNDEFINED.to_owned(), |v| format!("{v:.4}"))
}

/// Writes an indented table: columns as wide as their widest cell, left-aligned where `left`
/// says so (columns past its end are right-aligned, as numbers are).
fn table(out: &mut String, header: &[&str], rows: Vec<Vec<String>>, left: &[bool]) {
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain([header.len()])
        .max()
        .unwrap_or(0);
    let mut widths = vec![0; columns];
    for (i, h) in header.iter().enumerate() {
        widths[i] = widths[i].max(h.chars().count());
    }
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::from(" ");
        for (i, cell) in cells.enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            text.push(' ');
            if left.get(i).copied().unwrap_or(false) {
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', pad));
            } else {
                text.extend(std::iter::repeat_n(' ', pad));
                text.push_str(cell);
            }
            text.push(' ');
        }
        let _ = writeln!(out, "{}", text.trim_end());
    };
    if !header.is_empty() {
        line(out, &mut header.iter().copied());
    }
    if rows.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for row in &rows {
        line(out, &mut row.iter().map(String::as_str));
    }
}
