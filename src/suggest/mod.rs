//! Suggestions: the machine proposes labelled spans, the annotator decides.
//!
//! | module | what |
//! |---|---|
//! | [`morph`] | words folded and reduced for matching: Arabic proclitics and article, Russian (Snowball) and Kazakh stems, NFC, case, harakat |
//! | [`forms`] | the string suggesters: a trie over token keys of every labelled or listed form, matched over whole documents |
//! | [`gazetteer`] | gazetteer files: names by label and language |
//! | [`tagger`] | an averaged-perceptron BIO tagger over tokens, trained in Accord |
//! | [`learned`] | the tagger trained on an annotator's labels, per language, and its predictions as spans |
//! | [`external`] | a Label Studio ML backend over HTTP |
//! //! | [`engine`] | all of it for one project and annotator: suggestions per document, filtered and scored |
//! | [`evaluate`] | precision, recall and F1 of each suggester on documents it did not learn from |
//!
//! Nothing here writes an annotation: accepting a suggestion is an ordinary edit
//! ([`crate::edit::Edit::Add`] with its [`crate::model::Source`]).

pub mod engine;
pub mod evaluate;
pub mod external;
pub mod forms;
pub mod gazetteer;
pub mod learned;
pub mod morph;
pub mod tagger;

use crate::model::{CharRange, Source, Suggester};

pub use crate::project::rejections;
pub use crate::project::suggestion_settings::{Kind, Settings};
pub use engine::Engine;

/// One proposed span.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    /// The document's slot in the project.
    pub doc: usize,
    /// What it covers.
    pub range: CharRange,
    /// The label proposed.
    pub label: String,
    /// Who proposes it.
    pub suggester: Suggester,
    /// How sure it is, 0–1: for strings, how often the annotator gave this form this label
    /// where they decided on it (labelled it, otherwise or so, or rejected it); for the
    /// tagger, its probability; for an external recommender, its own score.
    pub score: f32,
}

impl Suggestion {
    /// The source an annotation accepted from it records.
    pub fn source(&self) -> Source {
        Source {
            suggester: self.suggester.clone(),
            score: (self.score.clamp(0.0, 1.0) * 1000.0).round() as u16,
        }
    }
}
