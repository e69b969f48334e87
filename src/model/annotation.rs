//! Annotations, their fragments, attributes, review state, and links between them.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::span::CharRange;

/// Identifies an annotation inside one annotation file. Ids come from a counter stored in the
/// file and are never reused, even after the annotation is removed.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct AnnotationId(pub u64);

/// Identifies a link inside one annotation file (same counter as annotations).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct LinkId(pub u64);

impl fmt::Display for AnnotationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

impl fmt::Display for LinkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "link #{}", self.0)
    }
}

/// A point in time, as RFC 3339 text in UTC (`2026-11-23T15:10:00Z`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Timestamp(pub String);

impl Timestamp {
    /// The current time, to the second.
    pub fn now() -> Self {
        Self(humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One contiguous piece of an annotation. An annotation with several fragments is a
/// discontinuous span (as in brat and MAE).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fragment {
    /// First char of the fragment.
    pub start: usize,
    /// First char after the fragment.
    pub end: usize,
    /// The document text of `start..end`, copied for review and integrity checks.
    pub text: String,
}

impl Fragment {
    /// The fragment's char range.
    pub fn range(&self) -> CharRange {
        CharRange::new(self.start, self.end)
    }
}

/// The value of one typed attribute (see [`crate::schema::AttributeKind`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttributeValue {
    /// One of an enum attribute's values.
    Enum(String),
    /// Free text (also the text alternative of a span reference that allows text).
    Text(String),
    /// A yes/no attribute.
    Bool(bool),
    /// References to other annotations of the same file.
    Refs(Vec<AnnotationId>),
}

impl AttributeValue {
    /// A short human-readable form, for lists and messages.
    pub fn display(&self) -> String {
        match self {
            Self::Enum(v) | Self::Text(v) => v.clone(),
            Self::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
            Self::Refs(ids) => ids
                .iter()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// Where an annotation stands in review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum ReviewState {
    /// Not reviewed yet.
    #[default]
    Pending,
    /// A reviewer accepted it as is.
    Accepted,
    /// A reviewer rejected it.
    Rejected,
    /// A reviewer changed it and accepted the result.
    Edited,
}

impl ReviewState {
    /// All states, in menu order.
    pub const ALL: [ReviewState; 4] = [
        ReviewState::Pending,
        ReviewState::Accepted,
        ReviewState::Rejected,
        ReviewState::Edited,
    ];

    /// Lower-case name for display.
    pub fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Edited => "edited",
        }
    }
}

/// Review state with who set it and when.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Review {
    /// The state.
    pub state: ReviewState,
    /// The reviewer who set it, if it was reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// When it was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Timestamp>,
    /// In a curated set: the annotators whose version this is (who proposed it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposed_by: Vec<String>,
}

impl Review {
    fn is_pending_default(&self) -> bool {
        *self == Review::default()
    }
}

/// A labelled span of a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// Unique in its file, never reused.
    pub id: AnnotationId,
    /// Name of a label of the schema.
    pub label: String,
    /// One or more char ranges, sorted by start, not overlapping.
    pub fragments: Vec<Fragment>,
    /// Attribute values by attribute name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, AttributeValue>,
    /// The annotator's free-text note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Review state.
    #[serde(default, skip_serializing_if = "Review::is_pending_default")]
    pub review: Review,
    /// Who created it.
    pub author: String,
    /// When it was created.
    pub created: Timestamp,
    /// When it was last changed.
    pub modified: Timestamp,
    /// The suggester that proposed it, when it was accepted from a suggestion rather than made
    /// by hand (review and agreement tell the two apart). Added in format 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Set by a merge (`accord merge-file`, Sync) when two people changed this annotation
    /// differently, or one removed what the other changed: the version here is kept and the
    /// other is carried along until someone decides (the window shows it as a review item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Box<MergeConflict>>,
}

/// Which suggester proposed an annotation (see [`crate::suggest`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Suggester {
    /// The surface forms the project's annotators labelled.
    Project,
    /// A gazetteer: its name.
    Gazetteer(String),
    /// The tagger trained in Accord on the annotator's labels.
    Tagger,
    /// An external recommender: its URL.
    External(String),
}

impl Suggester {
    /// A short name for lists and the command line: `project`, `gazetteer:news`, `tagger`,
    /// or the URL.
    pub fn name(&self) -> String {
        match self {
            Self::Project => "project".into(),
            Self::Gazetteer(name) => format!("gazetteer:{name}"),
            Self::Tagger => "tagger".into(),
            Self::External(url) => url.clone(),
        }
    }
}

impl fmt::Display for Suggester {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Where an accepted suggestion came from: `source: Some((suggester: Project, score: 870))`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    /// The suggester.
    pub suggester: Suggester,
    /// Its score when it was accepted, in thousandths (0–1000), so the file stays exact text.
    pub score: u16,
}

impl Source {
    /// The score as a fraction in 0..=1.
    pub fn fraction(&self) -> f32 {
        f32::from(self.score) / 1000.0
    }
}

/// The other side of an annotation a merge could not decide on: see
/// [`Annotation::conflict`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeConflict {
    /// The other version, as the other side left it (its own `conflict` empty); `None` when
    /// the other side removed the annotation.
    pub other: Option<Annotation>,
}

impl Annotation {
    /// A test fixture: `label` over `ranges`, by "t", with empty fragment texts.
    #[cfg(test)]
    pub(crate) fn fixture(id: u64, label: &str, ranges: &[(usize, usize)]) -> Annotation {
        Annotation {
            id: AnnotationId(id),
            label: label.into(),
            fragments: ranges
                .iter()
                .map(|&(start, end)| Fragment {
                    start,
                    end,
                    text: String::new(),
                })
                .collect(),
            attributes: Default::default(),
            note: String::new(),
            review: Default::default(),
            author: "t".into(),
            created: Timestamp::default(),
            modified: Timestamp::default(),
            source: None,
            conflict: None,
        }
    }

    /// Char range from the start of the first fragment to the end of the last.
    pub fn extent(&self) -> CharRange {
        let start = self.fragments.first().map_or(0, |f| f.start);
        let end = self.fragments.last().map_or(0, |f| f.end);
        CharRange::new(start, end)
    }

    /// The fragments' texts joined by " … " (one text for a contiguous span).
    pub fn text(&self) -> String {
        self.fragments
            .iter()
            .map(|f| f.text.as_str())
            .collect::<Vec<_>>()
            .join(" … ")
    }

    /// Ids this annotation's attributes refer to.
    pub fn referenced_ids(&self) -> impl Iterator<Item = AnnotationId> + '_ {
        self.attributes
            .values()
            .flat_map(|v| match v {
                AttributeValue::Refs(ids) => ids.as_slice(),
                _ => &[],
            })
            .copied()
    }

    /// Each id this annotation's attributes refer to, with the attribute's name.
    pub fn references(&self) -> impl Iterator<Item = (&str, AnnotationId)> + '_ {
        self.attributes.iter().flat_map(|(name, v)| {
            let ids = match v {
                AttributeValue::Refs(ids) => ids.as_slice(),
                _ => &[],
            };
            ids.iter().map(move |id| (name.as_str(), *id))
        })
    }
}

/// A typed, directed link between two annotations of the same document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    /// Unique in its file.
    pub id: LinkId,
    /// Name of a relation kind of the schema.
    pub kind: String,
    /// The annotation the link starts from.
    pub from: AnnotationId,
    /// The annotation it points to.
    pub to: AnnotationId,
}
