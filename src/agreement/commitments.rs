//! Agreement on the attributes of commitments (labels of the `Commitment` layer: `kind`,
//! `status`, `actors`, `target`, `deadline`, …), on the commitments two annotators both marked:
//! those the overlap matching of [`super::spans`] paired.
//!
//! Values are compared as the annotators see them, not as stored: an enum by its value, text by
//! its text, and a reference (`actors`, `target`) by **the spans it points at** (their
//! fragments' char ranges, as a set), because ids differ between annotators' files. A reference
//! to an annotation the file does not have is left out (`accord validate` reports it).
//!
//! For each attribute, the pairs of matched commitments where at least one annotator set it are
//! compared (both leaving it unset is not counted either way); one set and the other unset is a
//! disagreement. Figures: the share of equal values, and for attributes with a closed set of
//! values (enums, yes/no) Cohen's κ over them, with "unset" as a value of its own. References
//! and free text have no closed set of values, so no chance agreement to correct for: they get
//! the share of equal values only.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::model::{Annotation, AttributeValue};
use crate::store::AnnotationStore;

use super::coefficients::Confusion;

/// One attribute's value, in the form that is compared: `None` when unset.
pub(crate) type ComparedValue = Option<String>;

/// True for values from a closed set (enum, yes/no), on which Cohen's κ is defined.
fn is_categorical(value: Option<&AttributeValue>) -> bool {
    matches!(
        value,
        None | Some(AttributeValue::Enum(_) | AttributeValue::Bool(_))
    )
}

/// The comparable form of an annotation's attribute: references become the char ranges of the
/// spans they point at in `store`, sorted, so equal targets compare equal whatever their ids.
pub(crate) fn compared_value(
    value: Option<&AttributeValue>,
    store: &AnnotationStore,
) -> ComparedValue {
    Some(match value? {
        AttributeValue::Enum(v) => v.clone(),
        AttributeValue::Text(t) => format!("text {t:?}"),
        AttributeValue::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        AttributeValue::Refs(ids) => {
            let spans: BTreeSet<String> = ids
                .iter()
                .filter_map(|&id| store.get(id))
                .map(|target| {
                    target
                        .fragments
                        .iter()
                        .map(|f| f.range().to_string())
                        .collect::<Vec<_>>()
                        .join("+")
                })
                .collect();
            format!(
                "spans [{}]",
                spans.into_iter().collect::<Vec<_>>().join(", ")
            )
        }
    })
}

/// Matched commitments of one annotator pair and their attributes' values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CommitmentTally {
    /// Commitments of the first annotator.
    pub commitments_a: u64,
    /// Commitments of the second annotator.
    pub commitments_b: u64,
    /// Pairs the overlap matching made.
    pub matched: u64,
    /// Per attribute, the (first, second) values of matched pairs where at least one is set.
    pub values: BTreeMap<String, Vec<(ComparedValue, ComparedValue)>>,
    /// Attributes that had a reference or text value: no Cohen's κ for them.
    pub open_valued: BTreeSet<String>,
}

impl CommitmentTally {
    /// A tally that lists `attributes` even if nobody sets them.
    pub fn new<'a>(attributes: impl IntoIterator<Item = &'a String>) -> Self {
        Self {
            values: attributes
                .into_iter()
                .map(|a| (a.clone(), Vec::new()))
                .collect(),
            ..Self::default()
        }
    }

    /// Compares the attributes of a matched pair of commitments, each resolved in its own
    /// annotator's store.
    pub fn add_pair(
        &mut self,
        (a, store_a): (&Annotation, &AnnotationStore),
        (b, store_b): (&Annotation, &AnnotationStore),
    ) {
        self.matched += 1;
        // Every attribute either has: a's, then b's that a has not.
        let names = a.attributes.keys().chain(
            b.attributes
                .keys()
                .filter(|name| !a.attributes.contains_key(*name)),
        );
        for name in names {
            let (raw_a, raw_b) = (a.attributes.get(name), b.attributes.get(name));
            let categorical = is_categorical(raw_a) && is_categorical(raw_b);
            if !categorical && !self.open_valued.contains(name) {
                self.open_valued.insert(name.clone());
            }
            let va = compared_value(raw_a, store_a);
            let vb = compared_value(raw_b, store_b);
            if va.is_none() && vb.is_none() {
                continue;
            }
            match self.values.get_mut(name) {
                Some(pairs) => pairs.push((va, vb)),
                None => {
                    self.values.insert(name.clone(), vec![(va, vb)]);
                }
            }
        }
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &CommitmentTally) {
        self.commitments_a += other.commitments_a;
        self.commitments_b += other.commitments_b;
        self.matched += other.matched;
        self.open_valued.extend(other.open_valued.iter().cloned());
        for (name, pairs) in &other.values {
            self.values
                .entry(name.clone())
                .or_default()
                .extend(pairs.iter().cloned());
        }
    }

    /// The figures of this tally.
    pub fn figures(&self) -> CommitmentFigures {
        CommitmentFigures {
            commitments_a: self.commitments_a,
            commitments_b: self.commitments_b,
            matched: self.matched,
            attributes: self
                .values
                .iter()
                .map(|(name, pairs)| {
                    let categorical = !self.open_valued.contains(name);
                    (name.clone(), attribute_figures(pairs, categorical))
                })
                .collect(),
        }
    }
}

impl CommitmentFigures {
    /// Lists `attributes` where nothing was compared too, as a tally made to list them does.
    pub(crate) fn list_attributes(&mut self, attributes: &[String]) {
        for name in attributes {
            if !self.attributes.contains_key(name) {
                let none = attribute_figures(&[], true);
                self.attributes.insert(name.clone(), none);
            }
        }
    }
}

fn attribute_figures(
    pairs: &[(ComparedValue, ComparedValue)],
    categorical: bool,
) -> AttributeFigures {
    let compared = pairs.len() as u64;
    let equal = pairs.iter().filter(|(a, b)| a == b).count() as u64;
    let cohen_kappa = categorical
        .then(|| {
            let mut codes: HashMap<&ComparedValue, usize> = HashMap::new();
            for value in pairs.iter().flat_map(|(a, b)| [a, b]) {
                let next = codes.len();
                codes.entry(value).or_insert(next);
            }
            let mut confusion = Confusion::new(codes.len());
            for (a, b) in pairs {
                confusion.add(codes[a], codes[b]);
            }
            confusion.cohen_kappa()
        })
        .flatten();
    AttributeFigures {
        compared,
        equal,
        agreement: (compared > 0).then(|| equal as f64 / compared as f64),
        cohen_kappa,
    }
}

/// Commitment agreement of an annotator pair (or of all pairs pooled).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommitmentFigures {
    /// Commitments of the first annotator (pooled: summed over pairs).
    pub commitments_a: u64,
    /// Commitments of the second annotator.
    pub commitments_b: u64,
    /// Pairs of commitments matched by overlap, whose attributes are compared.
    pub matched: u64,
    /// Per attribute name.
    pub attributes: BTreeMap<String, AttributeFigures>,
}

/// Agreement on one attribute over matched commitments.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AttributeFigures {
    /// Matched pairs where at least one annotator set the attribute.
    pub compared: u64,
    /// Of those, pairs with equal values.
    pub equal: u64,
    /// equal / compared; `None` when nothing was compared.
    pub agreement: Option<f64>,
    /// Cohen's κ over the values, for enum and yes/no attributes; `None` for references and
    /// text (no closed set of values), when nothing was compared, or when every value compared
    /// is one and the same.
    pub cohen_kappa: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnnotationId, Fragment, Timestamp};

    fn ann(id: u64, range: (usize, usize), attributes: &[(&str, AttributeValue)]) -> Annotation {
        Annotation {
            id: AnnotationId(id),
            label: "COMMITMENT".into(),
            fragments: vec![Fragment {
                start: range.0,
                end: range.1,
                text: String::new(),
            }],
            attributes: attributes
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            note: String::new(),
            review: Default::default(),
            author: "t".into(),
            created: Timestamp::default(),
            modified: Timestamp::default(),
            source: None,
            conflict: None,
        }
    }

    fn store(anns: &[Annotation]) -> AnnotationStore {
        let mut s = AnnotationStore::new();
        for a in anns {
            s.put(a.clone());
        }
        s
    }

    #[test]
    fn references_compare_by_the_spans_they_point_at_not_by_ids() {
        let refs =
            |ids: &[u64]| AttributeValue::Refs(ids.iter().map(|&i| AnnotationId(i)).collect());
        // Annotator a: Kazakhstan is #1, Tajikistan #2. Annotator b: the same spans as #8, #5.
        let a_store = store(&[
            ann(1, (0, 10), &[]),
            ann(2, (15, 25), &[]),
            ann(
                3,
                (30, 60),
                &[
                    ("actors", refs(&[1, 2])),
                    ("kind", AttributeValue::Enum("pledge".into())),
                ],
            ),
        ]);
        let b_store = store(&[
            ann(8, (0, 10), &[]),
            ann(5, (15, 25), &[]),
            ann(
                9,
                (30, 60),
                &[
                    ("actors", refs(&[5, 8])),
                    ("kind", AttributeValue::Enum("agreement".into())),
                ],
            ),
            ann(
                10,
                (30, 60),
                &[
                    ("actors", refs(&[8])),
                    ("status", AttributeValue::Enum("new".into())),
                ],
            ),
        ]);
        let a = a_store.get(AnnotationId(3)).unwrap();
        let mut tally = CommitmentTally::new(&["deadline".to_owned()]);
        tally.add_pair(
            (a, &a_store),
            (b_store.get(AnnotationId(9)).unwrap(), &b_store),
        );
        tally.add_pair(
            (a, &a_store),
            (b_store.get(AnnotationId(10)).unwrap(), &b_store),
        );
        let figures = tally.figures();
        let actors = figures.attributes["actors"];
        assert_eq!((actors.compared, actors.equal), (2, 1));
        assert_eq!(
            actors.cohen_kappa, None,
            "references are no closed set of values"
        );
        let kind = figures.attributes["kind"];
        assert_eq!(
            (kind.compared, kind.equal),
            (2, 0),
            "unset against pledge disagrees"
        );
        assert_eq!(figures.attributes["status"].compared, 1);
        let deadline = figures.attributes["deadline"];
        assert_eq!(
            (deadline.compared, deadline.agreement, deadline.cohen_kappa),
            (0, None, None)
        );
        assert_eq!(
            compared_value(a.attributes.get("actors"), &a_store).as_deref(),
            Some("spans [0..10, 15..25]")
        );
    }
}
