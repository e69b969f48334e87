//! Cross-document links: groups of annotations in different documents that are the same thing
//! (the same commitment told in Chinese and Arabic, the same person, …).

use serde::{Deserialize, Serialize};

use super::annotation::AnnotationId;

/// Identifies a group inside one cross-document file.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct GroupId(pub u64);

/// One annotation of one document, as a member of a [`CrossGroup`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CrossMember {
    /// The document's file name in the project.
    pub document: String,
    /// The annotation's id in that document's file (same annotator as the group's file).
    pub annotation: AnnotationId,
}

/// A set of annotations across documents that a relation kind ties together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossGroup {
    /// Unique in its file, never reused.
    pub id: GroupId,
    /// Name of a cross-document kind of the schema (e.g. `same_commitment`).
    pub kind: String,
    /// The members, sorted.
    pub members: Vec<CrossMember>,
    /// Free-text note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}
