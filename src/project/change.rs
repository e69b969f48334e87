//! A document that changed since it was annotated: it opens editable, the annotations that no
//! longer match their stored text are flagged, and re-anchoring ([`crate::edit::reanchor`])
//! moves them, as one undoable step ([`super::Workspace::reanchor`]).
//!
//! The stamp ([`crate::store::DocumentStamp`]) of an annotation file is the document's as it
//! is when the file is saved. So once a re-anchored (or otherwise edited) file is saved, its
//! stamp matches the new document again; annotations that could not be placed keep their old
//! offsets and text, stay flagged, and `accord validate` lists each of them.

use crate::edit::reanchor;
use crate::model::Document;
use crate::store::{AnnotationStore, DocumentStamp};

/// How a document differs from what its annotations were made on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentChange {
    /// The document's file.
    pub file: String,
    /// The stamp in the annotation file.
    pub then: DocumentStamp,
    /// The document's stamp now.
    pub now: DocumentStamp,
    /// How many annotations no longer match, when the document was opened.
    pub flagged: usize,
}

impl DocumentChange {
    pub(super) fn new(then: &DocumentStamp, doc: &Document, store: &AnnotationStore) -> Self {
        Self {
            file: doc.file_name.clone(),
            then: then.clone(),
            now: DocumentStamp::of(doc),
            flagged: reanchor::flagged(store, doc).len(),
        }
    }
}

impl std::fmt::Display for DocumentChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short = |h: &str| h.get(..12).unwrap_or(h).to_owned();
        write!(
            f,
            "{} changed since it was annotated ({} chars then, {} now; SHA-256 {} then, {} now",
            self.file,
            self.then.chars,
            self.now.chars,
            short(&self.then.sha256),
            short(&self.now.sha256),
        )?;
        if self.then.encoding != self.now.encoding {
            let name = |e: &Option<String>| e.clone().unwrap_or_else(|| "UTF-8".into());
            write!(
                f,
                "; read as {} then, {} now",
                name(&self.then.encoding),
                name(&self.now.encoding)
            )?;
        }
        match self.flagged {
            0 => write!(f, "): every annotation still matches its text"),
            n => write!(
                f,
                "): {n} annotation(s) no longer match their text; re-anchor to move them (`accord reanchor`), or restore the original document"
            ),
        }
    }
}
