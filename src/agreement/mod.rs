//! Agreement between annotators (`accord agree`): how far annotators who labelled the same
//! documents agree, on spans and on units, pure data with no UI.
//!
//! - **Spans** ([`spans`]): precision, recall and F1 per annotator pair and per label, under
//!   exact matching (same fragments and label), overlap matching (overlapping, same label,
//!   paired one-to-one) and label-blind boundary matching (same fragments).
//! - **Units** ([`units`]): every token gets each annotator's label, `O`, or no value when the
//!   annotator has no file for the document; on these, Cohen's κ per pair, Fleiss' κ (three or
//!   more annotators) and Krippendorff's α (nominal, missing values allowed), in
//!   [`coefficients`].
//! - **Commitments** ([`commitments`]): agreement on the attributes of commitments both
//!   annotators of a pair marked.
//!
//! Two entry points give the same [`AgreementReport`]: [`agree`] over documents and stores in
//! memory (the GUI's agreement panel), and [`agree_project`] over a project folder
//! (`accord agree`). [`AgreementReport::to_text`] prints its tables, and its
//! [`UnitTable::write_tsv`] the units behind the unit-level figures.
//!
//! Krippendorff's unitizing α (αu) is not computed: its definition (Krippendorff 2013, 2016)
//! measures how annotators cut a continuum into contiguous, non-overlapping sections per
//! category, which Accord's spans are not (they may be discontinuous, and overlap or nest
//! within one label), and there is no independent implementation to check ours against.

pub mod coefficients;
pub mod commitments;
mod dump;
pub mod labels;
mod project;
mod report;
pub mod spans;
mod text;
pub mod units;

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::model::Document;
use crate::model::tokens::tokenize;
use crate::schema::{Layer, Schema};
use crate::store::AnnotationStore;

pub use commitments::{AttributeFigures, CommitmentFigures};
pub use labels::LabelCode;
pub use project::{AgreementError, CURATED, Selection, agree_project};
pub use report::{
    AgreementReport, AlphaFigure, DocumentFigures, Figures, FleissFigure, LabelFigures,
    PairFigures, PairMatrix, SpanFigures,
};
pub use spans::{SpanCounts, SpanScores};

/// How labels are ordered wherever agreement is shown ([`AgreementReport::labels_worst_first`]).
pub const WORST_FIRST: &str = "worst exact F1 first";
pub use units::{DocumentUnits, UnitTable};

use labels::LabelNumbering;
use report::Tally;
use spans::{Sorted, Span, sort_spans};

/// One document with each annotator's annotations.
#[derive(Clone, Copy, Debug)]
pub struct DocumentAnnotations<'a> {
    /// The document.
    pub document: &'a Document,
    /// Each annotator's store, in the order of the annotators passed to [`agree`]; `None` when
    /// that annotator has no annotation file for the document (missing, not empty).
    pub stores: &'a [Option<&'a AnnotationStore>],
}

/// Computes every figure of the report over documents in memory.
///
/// `labels` restricts the spans taking part to those labels (empty: all). The labels of the
/// `Commitment` layer of `schema` get attribute agreement.
pub fn agree(
    annotators: &[String],
    documents: &[DocumentAnnotations<'_>],
    schema: &Schema,
    labels: &[String],
) -> AgreementReport {
    let n = annotators.len();
    let (spans_of, label_names) = collect_spans(n, documents, labels);
    let is_commitment: Vec<bool> = label_names
        .iter()
        .map(|l| {
            schema
                .label(l)
                .is_some_and(|d| d.layer == Layer::Commitment)
        })
        .collect();
    let commitment_attributes: Vec<String> = schema
        .labels_of(Layer::Commitment)
        .filter(|l| label_names.contains(&l.name))
        .flat_map(|l| l.attributes.iter().map(|a| a.name.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    // Each document on its own, on every core; added up in project order.
    let counted: Vec<(Tally, DocumentFigures, _)> = documents
        .par_iter()
        .zip(&spans_of)
        .map(|(doc, spans)| {
            let tokens = tokenize(doc.document);
            let units = units::document_units(doc.document, &tokens, spans);
            let mut tally = Tally::new(n, label_names.len(), &commitment_attributes);
            tally.documents = 1;
            tally.units = units.len() as u64;
            count_units(&units, &mut tally, label_names.len());
            compare_pairs(doc, spans, &is_commitment, &mut tally);
            let figures = DocumentFigures {
                file: doc.document.file_name.clone(),
                annotators_with_file: annotators
                    .iter()
                    .zip(spans)
                    .filter(|(_, s)| s.is_some())
                    .map(|(name, _)| name.clone())
                    .collect(),
                figures: tally.figures(annotators, &label_names),
            };
            (tally, figures, units)
        })
        .collect();
    let mut overall = Tally::new(n, label_names.len(), &commitment_attributes);
    let mut per_document = Vec::with_capacity(documents.len());
    let mut unit_documents = Vec::with_capacity(documents.len());
    for (tally, figures, units) in counted {
        overall.merge(&tally);
        per_document.push(figures);
        unit_documents.push(units);
    }
    let figures = overall.figures(annotators, &label_names);
    let warnings = labels
        .iter()
        .filter(|l| !label_names.contains(l))
        .map(|l| format!("label {l:?} was asked for but none of the annotators compared used it in the documents compared"))
        .collect();
    AgreementReport {
        project: None,
        annotators: annotators.to_vec(),
        labels: label_names[1..].to_vec(),
        matrix: PairMatrix::of(&figures, n),
        overall: figures,
        documents: per_document,
        warnings,
        units: UnitTable {
            annotators: annotators.to_vec(),
            labels: label_names,
            documents: unit_documents,
        },
    }
}

/// Each annotator's spans of one document; `None` when they have no file for it.
type DocumentSpans<'a> = Vec<Option<Vec<Span<'a>>>>;

/// Each annotator's spans of each document, of the labels wanted, sorted by [`sort_spans`],
/// and the label names by code.
///
/// One pass over every annotation, labels numbered in order of appearance and then given their
/// alphabetical codes ([`labels`]): annotations are many and scattered in memory, so reading
/// them twice costs more than keeping their spans.
fn collect_spans<'a>(
    annotators: usize,
    documents: &[DocumentAnnotations<'a>],
    labels: &[String],
) -> (Vec<DocumentSpans<'a>>, Vec<String>) {
    let wanted = |label: &str| labels.is_empty() || labels.iter().any(|l| l == label);
    let mut numbering = LabelNumbering::default();
    let mut spans_of: Vec<DocumentSpans<'a>> = documents
        .iter()
        .map(|doc| {
            (0..annotators)
                .map(|a| {
                    let store = doc.stores.get(a).copied().flatten()?;
                    let mut spans = Vec::with_capacity(store.len());
                    for annotation in store.annotations() {
                        let label = annotation.label.as_str();
                        if wanted(label) {
                            let number = numbering.number(label);
                            spans.push(Span::new(LabelCode(number as u32), annotation));
                        }
                    }
                    Some(spans)
                })
                .collect()
        })
        .collect();
    let (label_names, code_of_number) = numbering.codes();
    for spans in spans_of.iter_mut().flatten().flatten() {
        for span in spans.iter_mut() {
            span.label = code_of_number[span.label.index()];
        }
        sort_spans(spans);
    }
    (spans_of, label_names)
}

/// Compares the spans and commitments of every annotator pair who both have a file for the
/// document, into `tally`.
fn compare_pairs(
    doc: &DocumentAnnotations<'_>,
    spans: &[Option<Vec<Span<'_>>>],
    is_commitment: &[bool],
    tally: &mut Tally,
) {
    let sorted: Vec<Option<Sorted<'_, '_>>> = spans
        .iter()
        .map(|s| s.as_deref().map(Sorted::new))
        .collect();
    let commitments =
        |s: &[Span<'_>]| s.iter().filter(|s| is_commitment[s.label.index()]).count() as u64;
    for ((i, j), pair) in report::pairs(spans.len()).into_iter().zip(&mut tally.pairs) {
        let (Some(sorted_a), Some(sorted_b)) = (&sorted[i], &sorted[j]) else {
            continue;
        };
        // A store exists wherever spans do.
        let (Some(store_a), Some(store_b)) = (doc.stores[i], doc.stores[j]) else {
            continue;
        };
        pair.documents = 1;
        let matched = spans::compare(sorted_a, sorted_b, &mut pair.spans);
        let (a, b) = (sorted_a.spans, sorted_b.spans);
        pair.commitments.commitments_a = commitments(a);
        pair.commitments.commitments_b = commitments(b);
        for (x, y) in matched {
            if is_commitment[a[x].label.index()] {
                pair.commitments
                    .add_pair((a[x].annotation, store_a), (b[y].annotation, store_b));
            }
        }
    }
}

/// Adds each unit's labels to the unit coefficients of `tally`.
fn count_units(units: &DocumentUnits, tally: &mut Tally, labels: usize) {
    let annotators = units.annotators();
    let pairs = report::pairs(annotators);
    let mut counts = vec![0u64; labels];
    let mut per_label: Vec<(usize, u64)> = Vec::with_capacity(annotators);
    for i in 0..units.len() {
        let row = units.row(i);
        for code in row.iter().flatten() {
            counts[code.index()] += 1;
        }
        per_label.clear();
        for code in row.iter().flatten() {
            let c = code.index();
            if counts[c] > 0 {
                per_label.push((c, counts[c]));
                counts[c] = 0;
            }
        }
        let values: u64 = per_label.iter().map(|&(_, n)| n).sum();
        tally.alpha.add(&per_label);
        if values == annotators as u64 && annotators > 0 {
            tally.fleiss.add(per_label.iter().copied());
        }
        for (&(x, y), pair) in pairs.iter().zip(&mut tally.pairs) {
            if let (Some(a), Some(b)) = (row[x], row[y]) {
                pair.units.add(a.index(), b.index());
            }
        }
    }
}
