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
//! memory, and [`agree_project`] over a project folder (`accord agree`, the GUI's agreement
//! panel), which counts each document as soon as its files are read and keeps only the counts
//! and what [`Keep`] asks for. Each document's labels are coded on their own and recoded when
//! the documents' counts are added up. [`AgreementReport::to_text`] prints its tables, and its
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

/// What a report keeps besides the overall figures: each document's share costs memory in a
/// big project, and most callers need only some of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keep {
    /// Each document's figures ([`AgreementReport::documents`]).
    pub documents: bool,
    /// The unit table with each unit's text ([`AgreementReport::units`]): a copy of every
    /// document's text.
    pub units: bool,
}

impl Keep {
    /// Everything.
    pub const ALL: Keep = Keep {
        documents: true,
        units: true,
    };
    /// The overall figures and the pair matrix only.
    pub const SUMMARY: Keep = Keep {
        documents: false,
        units: false,
    };
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
    // Each document on its own, on every core; added up in project order.
    let tallies: Vec<DocumentTally> = documents
        .par_iter()
        .map(|doc| tally_document(annotators, doc, schema, labels, Keep::ALL))
        .collect();
    combine(annotators, tallies, schema, labels)
}

/// One document's counts, with its labels coded on their own (its codes are those of the labels
/// it uses), so that each document can be counted as soon as its files are read and the files
/// dropped ([`agree_project`] holds one document's annotations per core, not the project's).
pub(crate) struct DocumentTally {
    tally: Tally,
    /// Its label names by its codes, `O` first.
    labels: Vec<String>,
    figures: Option<DocumentFigures>,
    units: Option<DocumentUnits>,
}

/// Counts one document: its units, the spans and commitments of each annotator pair, and what
/// `keep` asks for.
pub(crate) fn tally_document(
    annotators: &[String],
    doc: &DocumentAnnotations<'_>,
    schema: &Schema,
    wanted: &[String],
    keep: Keep,
) -> DocumentTally {
    let n = annotators.len();
    let (spans, label_names) = document_spans(n, doc, wanted);
    let is_commitment = commitment_codes(schema, &label_names);
    let attributes = commitment_attributes(schema, &label_names);
    let tokens = tokenize(doc.document);
    let mut units = units::document_units(doc.document, &tokens, &spans);
    let mut tally = Tally::new(n, label_names.len(), &attributes);
    tally.documents = 1;
    tally.units = units.len() as u64;
    count_units(&units, &mut tally, label_names.len());
    compare_pairs(doc, &spans, &is_commitment, &mut tally);
    let figures = keep.documents.then(|| DocumentFigures {
        file: doc.document.file_name.clone(),
        annotators_with_file: annotators
            .iter()
            .zip(&spans)
            .filter(|(_, s)| s.is_some())
            .map(|(name, _)| name.clone())
            .collect(),
        figures: tally.figures(annotators, &label_names),
    });
    let units = keep.units.then(|| {
        units.keep_text(doc.document, &tokens);
        units
    });
    DocumentTally {
        tally,
        labels: label_names,
        figures,
        units,
    }
}

/// The report of the documents' tallies, in order: the labels of all of them get their codes
/// (alphabetical after `O`) and each tally is added under those.
pub(crate) fn combine(
    annotators: &[String],
    documents: Vec<DocumentTally>,
    schema: &Schema,
    asked: &[String],
) -> AgreementReport {
    let n = annotators.len();
    let used: BTreeSet<&str> = documents
        .iter()
        .flat_map(|d| d.labels[1..].iter().map(String::as_str))
        .collect();
    let label_names: Vec<String> = std::iter::once("O")
        .chain(used.iter().copied())
        .map(str::to_owned)
        .collect();
    let attributes = commitment_attributes(schema, &label_names);
    let mut overall = Tally::new(n, label_names.len(), &attributes);
    let mut per_document = Vec::new();
    let mut unit_documents = Vec::new();
    for doc in documents {
        // `O` stays 0; a label's code is its place among the names after `O`.
        let code: Vec<usize> = std::iter::once(0)
            .chain(doc.labels[1..].iter().map(|l| {
                1 + label_names[1..]
                    .binary_search(l)
                    .expect("every document's labels are among the report's")
            }))
            .collect();
        overall.merge_recoded(&doc.tally, &code);
        if let Some(mut figures) = doc.figures {
            figures.figures.list_commitment_attributes(&attributes);
            per_document.push(figures);
        }
        if let Some(mut units) = doc.units {
            units.recode(&code);
            unit_documents.push(units);
        }
    }
    let figures = overall.figures(annotators, &label_names);
    let warnings = asked
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
        accepted_suggestions: Default::default(),
        warnings,
        units: UnitTable {
            annotators: annotators.to_vec(),
            labels: label_names,
            documents: unit_documents,
        },
    }
}

/// Whether each label code is of the `Commitment` layer.
fn commitment_codes(schema: &Schema, label_names: &[String]) -> Vec<bool> {
    label_names
        .iter()
        .map(|l| {
            schema
                .label(l)
                .is_some_and(|d| d.layer == Layer::Commitment)
        })
        .collect()
}

/// The attributes of the commitment labels among `label_names`, by name.
fn commitment_attributes(schema: &Schema, label_names: &[String]) -> Vec<String> {
    schema
        .labels_of(Layer::Commitment)
        .filter(|l| label_names.contains(&l.name))
        .flat_map(|l| l.attributes.iter().map(|a| a.name.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Each annotator's spans of one document; `None` when they have no file for it.
type DocumentSpans<'a> = Vec<Option<Vec<Span<'a>>>>;

/// Each annotator's spans of the document, of the labels wanted, sorted by [`sort_spans`], and
/// the names of the labels it uses by code.
///
/// One pass over its annotations, labels numbered in order of appearance and then given their
/// alphabetical codes ([`labels`]).
fn document_spans<'a>(
    annotators: usize,
    doc: &DocumentAnnotations<'a>,
    labels: &[String],
) -> (DocumentSpans<'a>, Vec<String>) {
    let wanted = |label: &str| labels.is_empty() || labels.iter().any(|l| l == label);
    let mut numbering = LabelNumbering::default();
    let mut spans: DocumentSpans<'a> = (0..annotators)
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
        .collect();
    let (label_names, code_of_number) = numbering.codes();
    for spans in spans.iter_mut().flatten() {
        for span in spans.iter_mut() {
            span.label = code_of_number[span.label.index()];
        }
        sort_spans(spans);
    }
    (spans, label_names)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Annotation;

    fn store(spans: &[(u64, &str, usize, usize)]) -> AnnotationStore {
        let mut store = AnnotationStore::new();
        for &(id, label, start, end) in spans {
            store.put(Annotation::fixture(id, label, &[(start, end)]));
        }
        store
    }

    /// Each document's labels get codes of their own and are recoded when added up: two
    /// documents whose labels differ must pool exactly as the same spans in one document.
    #[test]
    fn documents_using_different_labels_add_up_as_one_document() {
        let annotators = ["ann".to_owned(), "bob".to_owned()];
        let schema = Schema::default_schema();
        let first = "Astana and Dushanbe met Rahmon";
        let second = "Trade of 2 billion dollars with Xi";
        // The first document has LOC and PERSON; the second MONEY, PERSON and ORG, so their
        // own codes (alphabetical in each) differ from the report's.
        let first_ann = store(&[(1, "LOC", 0, 6), (2, "LOC", 11, 19), (3, "PERSON", 24, 30)]);
        let first_bob = store(&[
            (1, "LOC", 0, 6),
            (2, "PERSON", 11, 19),
            (3, "PERSON", 24, 30),
        ]);
        let second_ann = store(&[(1, "MONEY", 9, 26), (2, "PERSON", 32, 34)]);
        let second_bob = store(&[(1, "MONEY", 9, 18), (2, "ORG", 32, 34)]);
        let (doc_1, doc_2) = (
            Document::from_text("1.txt", first),
            Document::from_text("2.txt", second),
        );
        let stores_1 = [Some(&first_ann), Some(&first_bob)];
        let stores_2 = [Some(&second_ann), Some(&second_bob)];
        let apart = agree(
            &annotators,
            &[
                DocumentAnnotations {
                    document: &doc_1,
                    stores: &stores_1,
                },
                DocumentAnnotations {
                    document: &doc_2,
                    stores: &stores_2,
                },
            ],
            &schema,
            &[],
        );

        // The same spans in one document: the second text after the first and a line break.
        let shift = first.chars().count() + 1;
        let shifted = |spans: &AnnotationStore, first: &AnnotationStore| {
            let mut all: Vec<(u64, String, usize, usize)> = Vec::new();
            for a in first.annotations() {
                all.push((
                    a.id.0,
                    a.label.clone(),
                    a.fragments[0].start,
                    a.fragments[0].end,
                ));
            }
            for a in spans.annotations() {
                let f = &a.fragments[0];
                all.push((a.id.0 + 10, a.label.clone(), f.start + shift, f.end + shift));
            }
            let all: Vec<(u64, &str, usize, usize)> = all
                .iter()
                .map(|(i, l, s, e)| (*i, l.as_str(), *s, *e))
                .collect();
            store(&all)
        };
        let (whole_ann, whole_bob) = (
            shifted(&second_ann, &first_ann),
            shifted(&second_bob, &first_bob),
        );
        let whole = Document::from_text("whole.txt", format!("{first}\n{second}"));
        let stores = [Some(&whole_ann), Some(&whole_bob)];
        let together = agree(
            &annotators,
            &[DocumentAnnotations {
                document: &whole,
                stores: &stores,
            }],
            &schema,
            &[],
        );

        assert_eq!(apart.labels, ["LOC", "MONEY", "ORG", "PERSON"]);
        assert_eq!(apart.labels, together.labels);
        let (a, t) = (&apart.overall, &together.overall);
        assert_eq!(a.units, t.units);
        assert_eq!(a.krippendorff_alpha, t.krippendorff_alpha);
        assert_eq!(a.pairs[0].cohen_kappa, t.pairs[0].cohen_kappa);
        assert_eq!(a.pairs[0].observed_agreement, t.pairs[0].observed_agreement);
        assert!(a.pairs[0].cohen_kappa.is_some_and(|k| k < 1.0));
        for label in ["LOC", "MONEY", "PERSON", "ORG"] {
            assert_eq!(
                a.spans.labels.get(label).map(|f| (f.exact, f.overlap)),
                t.spans.labels.get(label).map(|f| (f.exact, f.overlap)),
                "{label}"
            );
        }
        // The unit table names each unit's labels as the report codes them.
        let rows = |report: &AgreementReport| -> Vec<(String, Vec<String>)> {
            let table = &report.units;
            table
                .documents
                .iter()
                .flat_map(|d| {
                    (0..d.len()).map(move |i| {
                        let names = d
                            .row(i)
                            .iter()
                            .flatten()
                            .map(|c| table.label_name(*c).to_owned());
                        (d.text(i).to_owned(), names.collect())
                    })
                })
                .collect()
        };
        assert_eq!(rows(&apart), rows(&together));
        assert!(
            rows(&apart).contains(&("Xi".to_owned(), vec!["PERSON".to_owned(), "ORG".to_owned()]))
        );
    }

    /// A document's figures list the commitment attributes as the report's do: for the pairs
    /// compared, so none with a single annotator (as before documents were counted apart).
    #[test]
    fn one_annotators_documents_list_no_commitment_attributes() {
        let schema = Schema::default_schema();
        let text = "They will raise trade to 2 billion dollars within five years";
        let (first, second) = (
            Document::from_text("1.txt", text),
            Document::from_text("2.txt", text),
        );
        let with_commitment = store(&[(1, "COMMITMENT", 0, 60), (2, "MONEY", 25, 42)]);
        let without = store(&[(1, "MONEY", 25, 42)]);
        for annotators in [
            vec!["ann".to_owned()],
            vec!["ann".to_owned(), "bob".to_owned()],
        ] {
            let stores_1 = vec![Some(&with_commitment); annotators.len()];
            let stores_2 = vec![Some(&without); annotators.len()];
            let report = agree(
                &annotators,
                &[
                    DocumentAnnotations {
                        document: &first,
                        stores: &stores_1,
                    },
                    DocumentAnnotations {
                        document: &second,
                        stores: &stores_2,
                    },
                ],
                &schema,
                &[],
            );
            let listed = |f: &Figures| f.commitments.attributes.keys().cloned().collect::<Vec<_>>();
            for doc in &report.documents {
                assert_eq!(
                    listed(&doc.figures),
                    listed(&report.overall),
                    "{}",
                    doc.file
                );
            }
            // With a pair, the second document (no commitment in it) lists them all the same.
            assert_eq!(listed(&report.overall).is_empty(), annotators.len() == 1);
        }
    }
}
