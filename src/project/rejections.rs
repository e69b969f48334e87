//! The suggestions an annotator rejected, never proposed to them again at the same place:
//! `annotations/<annotator>/rejected-suggestions.ron`, one rejection per line, sorted, so a
//! reviewer reads it and git merges it.
//!
//! ```ron
//! (
//!     format: 1,
//!     annotator: "aigerim",
//!     rejected: [
//!         (document: "tj-kz-talks-astana.ar.txt", start: 31, end: 40, label: "COUNTRY", text: "كازاخستان", suggester: Project),
//!     ],
//! )
//! ```
//!
//! A rejection holds the text it was made on: when the document changes and the place now
//! holds another text, the rejection no longer applies. Rejections also teach the learned
//! tagger what is *not* a label ([`crate::suggest::learned`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{CharRange, Suggester};
use crate::project_dir::{Limit, ProjectDir};
use crate::store::StoreError;
use crate::store::file::{parse_versioned_as, write_text};

/// The file's name in the annotator's folder. No document is named so: validation reads it
/// as rejections, not as a document's annotations.
pub const REJECTIONS_FILE: &str = "rejected-suggestions.ron";
/// Its format version.
pub const REJECTIONS_FORMAT: u32 = 1;
/// The largest rejections file Accord reads.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// One rejected suggestion.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rejection {
    /// The document's file, as in `accord.ron`.
    pub document: String,
    /// First char.
    pub start: usize,
    /// First char after.
    pub end: usize,
    /// The label proposed.
    pub label: String,
    /// The text it covered.
    pub text: String,
    /// Who proposed it.
    pub suggester: Suggester,
}

impl Rejection {
    /// Its range.
    pub fn range(&self) -> CharRange {
        CharRange::new(self.start, self.end)
    }
}

/// An annotator's rejections, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectionsFile {
    /// [`REJECTIONS_FORMAT`].
    pub format: u32,
    /// Whose they are.
    pub annotator: String,
    /// Sorted by document, place and label; no two alike.
    pub rejected: BTreeSet<Rejection>,
}

impl RejectionsFile {
    /// No rejections yet, for `annotator`.
    pub fn new(annotator: &str) -> Self {
        RejectionsFile {
            format: REJECTIONS_FORMAT,
            annotator: annotator.to_owned(),
            rejected: BTreeSet::new(),
        }
    }

    /// The file of `annotator` in the project `root`.
    pub fn path(root: &Path, annotator: &str) -> PathBuf {
        root.join(crate::project::ANNOTATIONS_DIR)
            .join(annotator)
            .join(REJECTIONS_FILE)
    }

    /// Reads `annotator`'s rejections in the project `dir`; none when there is no file yet.
    pub fn load(dir: &ProjectDir, annotator: &str) -> Result<Self, StoreError> {
        let path = Self::path(dir.root(), annotator);
        let text = dir
            .read_to_string(&path, Limit::new(MAX_BYTES, "a rejections file"))
            .map_err(StoreError::from)?;
        match text {
            None => Ok(Self::new(annotator)),
            Some(text) => Self::parse(&text, &path),
        }
    }

    /// Reads the text of a rejections file; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, StoreError> {
        parse_versioned_as(text, path, REJECTIONS_FORMAT)
    }

    /// Writes it atomically in the project `dir`.
    pub fn save(&self, dir: &ProjectDir) -> Result<(), StoreError> {
        let path = Self::path(dir.root(), &self.annotator);
        // One rejection per line: two levels of fields, each rejection on one.
        let text = crate::ron_io::to_pretty_ron(self, 2).map_err(|e| StoreError::Encode {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_text(dir, &path, &text)
    }

    /// True when `label` over `range` of `document`, whose text there is `text`, was rejected.
    pub fn contains(&self, document: &str, range: CharRange, label: &str, text: &str) -> bool {
        self.of_document(document).any(|r| {
            r.start == range.start && r.end == range.end && r.label == label && r.text == text
        })
    }

    /// The rejections of `document` (a range of the set, which is sorted by document first).
    pub fn of_document<'a>(&'a self, document: &'a str) -> impl Iterator<Item = &'a Rejection> {
        let first = Rejection {
            document: document.to_owned(),
            start: 0,
            end: 0,
            label: String::new(),
            text: String::new(),
            suggester: Suggester::Project,
        };
        self.rejected
            .range(first..)
            .take_while(move |r| r.document == document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejections_are_written_one_per_line_sorted_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let project = ProjectDir::new(dir.path()).unwrap();
        std::fs::create_dir_all(dir.path().join("annotations/aigerim")).unwrap();
        let mut file = RejectionsFile::new("aigerim");
        for (doc, start, label, text) in [
            ("b.txt", 5, "ORG", "Астана"),
            ("a.ar.txt", 31, "COUNTRY", "كازاخستان"),
        ] {
            file.rejected.insert(Rejection {
                document: doc.into(),
                start,
                end: start + text.chars().count(),
                label: label.into(),
                text: text.into(),
                suggester: Suggester::Project,
            });
        }
        file.save(&project).unwrap();
        let text =
            std::fs::read_to_string(dir.path().join("annotations/aigerim").join(REJECTIONS_FILE))
                .unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| l.contains("document:")).collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].contains("a.ar.txt") && lines[1].contains("b.txt"));
        let back = RejectionsFile::load(&project, "aigerim").unwrap();
        assert_eq!(back, file);
        assert!(back.contains("a.ar.txt", CharRange::new(31, 40), "COUNTRY", "كازاخستان"));
        assert!(!back.contains("a.ar.txt", CharRange::new(31, 40), "COUNTRY", "other text"));
        assert_eq!(
            RejectionsFile::load(&project, "nobody").unwrap(),
            RejectionsFile::new("nobody")
        );
    }
}
