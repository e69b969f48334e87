//! The agreement report: figures per document and overall, each with the counts behind it, as
//! one serializable value (`accord agree --json` prints it; the GUI's agreement panel can show
//! it). Figures are `Option<f64>`, `null` in JSON, where undefined; each field says when.
//!
//! Figures are built from tallies of counts ([`Tally`]): a document's tally is turned into its
//! figures, and the tallies of all documents, added up, give the overall figures. Overall
//! figures pool the units and spans of all documents; they are not averages of documents.

use std::collections::BTreeMap;

use serde::Serialize;

use super::coefficients::{AlphaTally, Confusion, FleissTally};
use super::commitments::{CommitmentFigures, CommitmentTally};
use super::spans::{SpanScores, SpanTally};
use super::units::UnitTable;

/// Everything `accord agree` computes.
#[derive(Clone, Debug, Serialize)]
pub struct AgreementReport {
    /// The project's name, when computed over a project folder.
    pub project: Option<String>,
    /// The annotators compared, in order; pairs are `(annotators[i], annotators[j])`, `i < j`.
    pub annotators: Vec<String>,
    /// The labels taking part (used by at least one annotator compared, and asked for).
    pub labels: Vec<String>,
    /// All documents together.
    pub overall: Figures,
    /// The overall pair figures as annotator × annotator matrices.
    pub matrix: PairMatrix,
    /// Each document's figures, in project order (left out of the JSON when empty:
    /// `accord agree --json` gives them only with `--per-document`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<DocumentFigures>,
    /// Per annotator, how many of their spans compared were accepted from suggestions
    /// (machine-proposed; the figures count them as the annotator's). Only annotators with
    /// some; left out of the JSON when none has.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub accepted_suggestions: std::collections::BTreeMap<String, u64>,
    /// Things that may make figures misleading (changed documents, unused `--labels`, …).
    pub warnings: Vec<String>,
    /// The unit × annotator table behind the unit-level figures (not in the JSON:
    /// `accord agree --dump-units` writes it).
    #[serde(skip)]
    pub units: UnitTable,
}

/// One document's figures.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentFigures {
    /// The document's file name in the project.
    pub file: String,
    /// The annotators compared who have an annotation file for it; the others have no value
    /// on its units and no spans to compare.
    pub annotators_with_file: Vec<String>,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

/// The figures of one scope: a document, or all of them.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
    /// Documents in the scope.
    pub documents: u64,
    /// Units (tokens) in the scope.
    pub units: u64,
    /// Krippendorff's α (nominal) over all annotators' unit labels, missing values allowed.
    pub krippendorff_alpha: AlphaFigure,
    /// Fleiss' κ over the units every annotator labelled.
    pub fleiss_kappa: FleissFigure,
    /// Span agreement, all annotator pairs pooled (counts summed over pairs).
    pub spans: SpanFigures,
    /// Commitment attribute agreement, all annotator pairs pooled.
    pub commitments: CommitmentFigures,
    /// Each annotator pair.
    pub pairs: Vec<PairFigures>,
}

/// Krippendorff's α with its counts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AlphaFigure {
    /// α; `None` when no unit has values from two annotators, or all those values are one
    /// label (no variance).
    pub value: Option<f64>,
    /// Units with values from at least two annotators (the others cannot be paired).
    pub pairable_units: u64,
    /// Values in those units.
    pub pairable_values: u64,
}

/// Fleiss' κ with its counts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct FleissFigure {
    /// κ; `None` with fewer than three annotators (use the pairs' Cohen's κ), when no unit has
    /// a value from every annotator, or when every such value is one label (no variance).
    pub value: Option<f64>,
    /// Units every annotator labelled (the others are left out).
    pub units: u64,
    /// Annotators (ratings per unit).
    pub annotators: u64,
}

/// One annotator pair's figures. The first annotator (`a`) is the reference for precision and
/// recall.
#[derive(Clone, Debug, Serialize)]
pub struct PairFigures {
    /// The first annotator.
    pub a: String,
    /// The second annotator.
    pub b: String,
    /// Documents both have a file for: the only ones compared for this pair.
    pub documents: u64,
    /// Units both labelled.
    pub units: u64,
    /// Share of those units with the same label; `None` without units.
    pub observed_agreement: Option<f64>,
    /// Cohen's κ over those units; `None` without units, or when both gave every unit one and
    /// the same label (no variance).
    pub cohen_kappa: Option<f64>,
    /// Span agreement.
    pub spans: SpanFigures,
    /// Commitment attribute agreement.
    pub commitments: CommitmentFigures,
}

/// Span precision, recall and F1 under exact, overlap and boundary matching.
#[derive(Clone, Debug, Serialize)]
pub struct SpanFigures {
    /// Same fragments, same label.
    pub exact: SpanScores,
    /// Overlapping, same label, paired one-to-one.
    pub overlap: SpanScores,
    /// Same fragments, any label.
    pub boundary: SpanScores,
    /// Per label (those with at least one span in the scope).
    pub labels: BTreeMap<String, LabelFigures>,
}

/// One label's span agreement.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LabelFigures {
    /// Same fragments.
    pub exact: SpanScores,
    /// Overlapping, paired one-to-one.
    pub overlap: SpanScores,
}

/// Overall pair figures as matrices indexed like [`AgreementReport::annotators`]; symmetric,
/// `None` on the diagonal and where the figure is undefined.
#[derive(Clone, Debug, Serialize)]
pub struct PairMatrix {
    /// Cohen's κ on units.
    pub cohen_kappa: Vec<Vec<Option<f64>>>,
    /// Exact-match span F1.
    pub exact_f1: Vec<Vec<Option<f64>>>,
    /// Overlap-match span F1.
    pub overlap_f1: Vec<Vec<Option<f64>>>,
}

/// The counts of one scope, from which its [`Figures`] follow. Tallies add up.
#[derive(Clone, Debug)]
pub(crate) struct Tally {
    pub documents: u64,
    pub units: u64,
    pub alpha: AlphaTally,
    pub fleiss: FleissTally,
    /// One per pair, in [`pairs`] order.
    pub pairs: Vec<PairTally>,
}

/// The counts of one annotator pair.
#[derive(Clone, Debug)]
pub(crate) struct PairTally {
    pub documents: u64,
    pub units: Confusion,
    pub spans: SpanTally,
    pub commitments: CommitmentTally,
}

/// The annotator pairs `(i, j)`, `i < j`, in order.
pub(crate) fn pairs(annotators: usize) -> Vec<(usize, usize)> {
    (0..annotators)
        .flat_map(|i| (i + 1..annotators).map(move |j| (i, j)))
        .collect()
}

impl Tally {
    /// An empty tally for `annotators` annotators and `labels` label codes (`O` included).
    pub fn new(annotators: usize, labels: usize, commitment_attributes: &[String]) -> Self {
        Self {
            documents: 0,
            units: 0,
            alpha: AlphaTally::new(annotators, labels),
            fleiss: FleissTally::new(annotators, labels),
            pairs: pairs(annotators)
                .into_iter()
                .map(|_| PairTally {
                    documents: 0,
                    units: Confusion::new(labels),
                    spans: SpanTally::new(labels),
                    commitments: CommitmentTally::new(commitment_attributes),
                })
                .collect(),
        }
    }

    /// Adds the counts of another scope whose label `c` is this one's `code[c]` (a
    /// document's labels are coded on their own: [`super::tally_document`]).
    pub fn merge_recoded(&mut self, other: &Tally, code: &[usize]) {
        self.documents += other.documents;
        self.units += other.units;
        self.alpha.merge_recoded(&other.alpha, code);
        self.fleiss.merge_recoded(&other.fleiss, code);
        for (mine, theirs) in self.pairs.iter_mut().zip(&other.pairs) {
            mine.documents += theirs.documents;
            mine.units.merge_recoded(&theirs.units, code);
            mine.spans.merge_recoded(&theirs.spans, code);
            mine.commitments.merge(&theirs.commitments);
        }
    }

    /// The figures of these counts; `annotators` and `labels` name the indices and codes.
    pub fn figures(&self, annotators: &[String], labels: &[String]) -> Figures {
        let mut all_spans = SpanTally::new(labels.len());
        let mut all_commitments = CommitmentTally::default();
        for p in &self.pairs {
            all_spans.merge(&p.spans);
            all_commitments.merge(&p.commitments);
        }
        Figures {
            documents: self.documents,
            units: self.units,
            krippendorff_alpha: AlphaFigure {
                value: self.alpha.alpha(),
                pairable_units: self.alpha.pairable_units(),
                pairable_values: self.alpha.pairable_values(),
            },
            fleiss_kappa: FleissFigure {
                value: self.fleiss.kappa().filter(|_| annotators.len() >= 3),
                units: self.fleiss.units(),
                annotators: annotators.len() as u64,
            },
            spans: span_figures(&all_spans, labels),
            commitments: all_commitments.figures(),
            pairs: pairs(annotators.len())
                .into_iter()
                .zip(&self.pairs)
                .map(|((i, j), p)| PairFigures {
                    a: annotators[i].clone(),
                    b: annotators[j].clone(),
                    documents: p.documents,
                    units: p.units.units(),
                    observed_agreement: p.units.observed_agreement(),
                    cohen_kappa: p.units.cohen_kappa(),
                    spans: span_figures(&p.spans, labels),
                    commitments: p.commitments.figures(),
                })
                .collect(),
        }
    }
}

impl Figures {
    /// Lists the commitment `attributes` where nothing was compared too (a document's figures
    /// list those of its own labels; the report's documents list those of all of them).
    pub(crate) fn list_commitment_attributes(&mut self, attributes: &[String]) {
        // The pooled figures list what the pairs list: nothing without a pair.
        if !self.pairs.is_empty() {
            self.commitments.list_attributes(attributes);
        }
        for pair in &mut self.pairs {
            pair.commitments.list_attributes(attributes);
        }
    }
}

fn span_figures(tally: &SpanTally, labels: &[String]) -> SpanFigures {
    let totals = tally.totals();
    SpanFigures {
        exact: totals.exact.scores(),
        overlap: totals.overlap.scores(),
        boundary: tally.boundary.scores(),
        labels: tally
            .per_label
            .iter()
            .zip(labels)
            .filter(|(c, _)| c.exact.spans_a + c.exact.spans_b > 0)
            .map(|(c, name)| {
                (
                    name.clone(),
                    LabelFigures {
                        exact: c.exact.scores(),
                        overlap: c.overlap.scores(),
                    },
                )
            })
            .collect(),
    }
}

impl PairMatrix {
    /// The matrices of the pairs of `figures`.
    pub(crate) fn of(figures: &Figures, annotators: usize) -> Self {
        let mut matrix = Self {
            cohen_kappa: vec![vec![None; annotators]; annotators],
            exact_f1: vec![vec![None; annotators]; annotators],
            overlap_f1: vec![vec![None; annotators]; annotators],
        };
        for ((i, j), p) in pairs(annotators).into_iter().zip(&figures.pairs) {
            for (m, value) in [
                (&mut matrix.cohen_kappa, p.cohen_kappa),
                (&mut matrix.exact_f1, p.spans.exact.f1),
                (&mut matrix.overlap_f1, p.spans.overlap.f1),
            ] {
                m[i][j] = value;
                m[j][i] = value;
            }
        }
        matrix
    }
}
