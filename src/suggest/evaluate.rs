//! How good each suggester is, measured honestly: on documents it did not learn from.
//!
//! The documents the annotator labelled are split by document: with ten or fewer, each is
//! held out in turn (leave-one-document-out); with more, five folds. For each held-out
//! document the string suggester learns from the others' labels only, the tagger is trained on
//! them only, and each suggester's proposals there (at its threshold) are compared with the
//! annotator's own labels: a proposal is right when its range and label are exactly a label's.
//! Gazetteers and an external recommender learn nothing from the labels, so they are measured
//! the same way on every document.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use super::Suggestion;
use super::engine::{Corpus, Knowledge, Labels};
use super::gazetteer::Gazetteer;
use super::rejections::RejectionsFile;
use super::{Kind, Settings};
use crate::model::CharRange;

/// Right, wrong and missed spans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Proposed and labelled so.
    pub right: usize,
    /// Proposed, not labelled so.
    pub wrong: usize,
    /// Labelled, not proposed.
    pub missed: usize,
}

impl Counts {
    /// right / proposed (0 when nothing was proposed).
    pub fn precision(&self) -> f64 {
        ratio(self.right, self.right + self.wrong)
    }

    /// right / labelled (0 when nothing was labelled).
    pub fn recall(&self) -> f64 {
        ratio(self.right, self.right + self.missed)
    }

    /// The harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn add(&mut self, other: Counts) {
        self.right += other.right;
        self.wrong += other.wrong;
        self.missed += other.missed;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// One suggester's figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Measured {
    /// Over every held-out document.
    pub all: Counts,
    /// By document language.
    pub by_language: BTreeMap<String, Counts>,
    /// By label (right and missed by the label's, wrong by the proposal's).
    pub by_label: BTreeMap<String, Counts>,
    /// For the tagger: labelled spans whose text occurs in no other document (what no string
    /// list learned from the others can hold), and how many of them it found.
    pub unseen: Option<(usize, usize)>,
}

/// The figures of every suggester switched on.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Evaluation {
    /// How the documents were split, for people: "leave-one-document-out over 5 documents".
    pub method: String,
    /// Labelled documents measured on.
    pub documents: usize,
    /// By suggester name (`project`, `gazetteer:central-asia`, `tagger`, or a URL).
    pub suggesters: BTreeMap<String, Measured>,
}

/// Measures every suggester the settings switch on, over the documents `own` labels.
/// `external`: the external recommender's answers by document, when it was asked.
pub fn evaluate(
    corpus: &Corpus,
    settings: &Settings,
    gazetteers: &[Gazetteer],
    own: &Labels,
    rejections: &RejectionsFile,
    external: Option<&HashMap<usize, Vec<Suggestion>>>,
) -> Evaluation {
    let labelled: Vec<usize> = (0..corpus.len())
        .filter(|&d| own.get(d).is_some_and(|l| !l.is_empty()))
        .collect();
    let folds: Vec<Vec<usize>> = if labelled.len() <= 10 {
        labelled.iter().map(|&d| vec![d]).collect()
    } else {
        (0..5)
            .map(|f| labelled.iter().copied().skip(f).step_by(5).collect())
            .collect()
    };
    let method = if labelled.len() <= 10 {
        format!(
            "leave-one-document-out over {} labelled documents",
            labelled.len()
        )
    } else {
        format!(
            "5 folds by document over {} labelled documents",
            labelled.len()
        )
    };
    let no_others: Labels = Vec::new();
    // Each fold learns from the rest and is measured on its documents: folds on every core.
    let per_fold: Vec<Vec<(usize, Vec<Suggestion>)>> = folds
        .par_iter()
        .map(|held_out| {
            let mut knowledge = Knowledge::learn(
                corpus, settings, gazetteers, own, &no_others, rejections, held_out,
            );
            let tagger = settings.tagger;
            if tagger {
                knowledge.train(corpus, own, rejections, held_out);
            }
            held_out
                .iter()
                .map(|&doc| {
                    let mut proposed = knowledge.raw(corpus, doc, tagger);
                    if settings.external.is_some() {
                        proposed.extend(
                            external
                                .and_then(|e| e.get(&doc))
                                .into_iter()
                                .flatten()
                                .cloned(),
                        );
                    }
                    proposed.retain(|s| {
                        let kind = Kind::of(&s.suggester);
                        settings.enabled(kind) && s.score >= settings.threshold(kind)
                    });
                    (doc, proposed)
                })
                .collect()
        })
        .collect();
    let mut suggesters: BTreeMap<String, Measured> = BTreeMap::new();
    let mut names: Vec<String> = Vec::new();
    if settings.project {
        names.push("project".into());
    }
    names.extend(gazetteers.iter().map(|g| format!("gazetteer:{}", g.name)));
    if settings.tagger {
        names.push("tagger".into());
    }
    names.extend(settings.external.clone());
    for name in &names {
        suggesters.insert(name.clone(), Measured::default());
    }
    // Lower-cased once, for finding which labelled texts occur in no other document: a search
    // of every text for every labelled span, so only on corpora up to 20 MB (beyond, the
    // figure is left out rather than taking minutes).
    let total: usize = (0..corpus.len()).map(|d| corpus.text(d).len()).sum();
    let lowered: Vec<String> = if settings.tagger && total <= 20_000_000 {
        (0..corpus.len())
            .map(|d| corpus.text(d).to_lowercase())
            .collect()
    } else {
        Vec::new()
    };
    for (doc, proposed) in per_fold.into_iter().flatten() {
        let gold: HashSet<(CharRange, &str)> =
            own[doc].iter().map(|(r, l)| (*r, l.as_str())).collect();
        let language = corpus.languages[doc].clone();
        for name in &names {
            let mine: HashSet<(CharRange, &str)> = proposed
                .iter()
                .filter(|s| s.suggester.name() == *name)
                .map(|s| (s.range, s.label.as_str()))
                .collect();
            let measured = suggesters.entry(name.clone()).or_default();
            let mut counts = Counts::default();
            for (range, label) in &mine {
                let right = gold.contains(&(*range, *label));
                let c = measured.by_label.entry((*label).to_owned()).or_default();
                if right {
                    counts.right += 1;
                    c.right += 1;
                } else {
                    counts.wrong += 1;
                    c.wrong += 1;
                }
            }
            for (range, label) in &gold {
                if !mine.contains(&(*range, *label)) {
                    counts.missed += 1;
                    measured
                        .by_label
                        .entry((*label).to_owned())
                        .or_default()
                        .missed += 1;
                }
            }
            measured.all.add(counts);
            measured
                .by_language
                .entry(language.clone())
                .or_default()
                .add(counts);
            if name == "tagger" && !lowered.is_empty() {
                let unseen: Vec<&(CharRange, &str)> = gold
                    .iter()
                    .filter(|(range, _)| {
                        let text = corpus.slice(doc, *range).to_lowercase();
                        if text.trim().is_empty() {
                            return false;
                        }
                        !lowered
                            .iter()
                            .enumerate()
                            .any(|(other, t)| other != doc && t.contains(&text))
                    })
                    .collect();
                let found = unseen.iter().filter(|g| mine.contains(g)).count();
                let (f, t) = measured.unseen.get_or_insert((0, 0));
                *f += found;
                *t += unseen.len();
            }
        }
    }
    Evaluation {
        method,
        documents: labelled.len(),
        suggesters,
    }
}

impl super::Engine {
    /// Every suggester's figures on `own` labels ([`evaluate`]), the external recommender's
    /// answers included when it is on.
    pub fn evaluate(&self, own: &Labels, rejections: &RejectionsFile) -> Evaluation {
        let external = self.settings.external.is_some().then_some(&self.external);
        evaluate(
            &self.corpus,
            &self.settings,
            &self.gazetteers,
            own,
            rejections,
            external,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_recall_and_f1_from_counts() {
        let c = Counts {
            right: 3,
            wrong: 1,
            missed: 2,
        };
        assert_eq!(c.precision(), 0.75);
        assert_eq!(c.recall(), 0.6);
        assert!((c.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
        assert_eq!(Counts::default().f1(), 0.0);
    }
}
