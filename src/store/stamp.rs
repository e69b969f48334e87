//! Which document an annotation file belongs to, as it was when annotated: its name, hash and
//! length. A document whose stamp no longer matches has changed under its annotations.

use serde::{Deserialize, Serialize};

use crate::model::Document;

/// Which document an annotation file belongs to, as it was when annotated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentStamp {
    /// The document's file name in the project.
    pub file: String,
    /// SHA-256 of the document's bytes.
    pub sha256: String,
    /// Number of chars in the document's text.
    pub chars: usize,
}

impl DocumentStamp {
    /// The stamp of a document as it is now.
    pub fn of(doc: &Document) -> Self {
        Self {
            file: doc.file_name.clone(),
            sha256: doc.sha256().to_owned(),
            chars: doc.len_chars(),
        }
    }

    /// True when `doc` is still the document this stamp was taken of.
    pub fn matches(&self, doc: &Document) -> bool {
        self.sha256 == doc.sha256() && self.chars == doc.len_chars()
    }
}
