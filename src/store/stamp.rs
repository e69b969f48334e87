//! Which document an annotation file belongs to, as it was when annotated: its name, hash,
//! length and (when not UTF-8) encoding. A document whose stamp no longer matches has changed
//! under its annotations.
//!
//! Every save writes the stamp of the document as it is now, so after a re-anchor (or any
//! edit) of a changed document is saved, the stamp matches again; annotations that could not
//! be placed keep their old text and are each flagged by [`crate::validate`] instead.

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
    /// The document's encoding (its WHATWG name) when it is not UTF-8. Offsets are into the
    /// decoded text, so the same bytes read in another encoding are another document. Not
    /// written for UTF-8, so those files stay exactly as format 1 always wrote them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

impl DocumentStamp {
    /// The stamp of a document as it is now.
    pub fn of(doc: &Document) -> Self {
        Self {
            file: doc.file_name.clone(),
            sha256: doc.sha256().to_owned(),
            chars: doc.len_chars(),
            encoding: (!doc.is_utf8()).then(|| doc.encoding().to_owned()),
        }
    }

    /// True when `doc` is still the document this stamp was taken of: the same bytes, read in
    /// the same encoding.
    pub fn matches(&self, doc: &Document) -> bool {
        self.sha256 == doc.sha256() && self.chars == doc.len_chars() && self.same_encoding(doc)
    }

    /// True when `doc` was read in the encoding this stamp records (UTF-8 when none).
    pub fn same_encoding(&self, doc: &Document) -> bool {
        match &self.encoding {
            None => doc.is_utf8(),
            Some(name) => crate::model::encoding::encoding_for_label(name)
                .is_some_and(|e| e.name() == doc.encoding()),
        }
    }
}
