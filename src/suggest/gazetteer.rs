//! Gazetteers: lists of names by label, in several languages, that a project proposes as
//! suggestions (listed in `accord.ron` under `suggestions: (gazetteers: [...])`).
//!
//! ```ron
//! // gazetteers/central-asia.ron
//! (
//!     name: "central-asia",
//!     description: "Countries, capitals, leaders and organisations of the sample news",
//!     entries: [
//!         (label: "COUNTRY", forms: {
//!             "en": ["Kazakhstan"],
//!             "ru": ["Казахстан", "Республика Казахстан"],
//!             "kk": ["Қазақстан"],
//!             "zh": ["哈萨克斯坦"],
//!             "ar": ["كازاخستان"],
//!         }),
//!     ],
//! )
//! ```
//!
//! Each form is written once, in its dictionary form: inflected and clitic-prefixed
//! occurrences are found as for the annotators' own forms ([`super::forms`]). The language
//! keys document which language a form is in; a form is looked for in every document.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::project_dir::{FsError, Limit, ProjectDir};

/// The largest gazetteer file Accord reads (16 MiB: a few hundred thousand names).
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// A gazetteer as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gazetteer {
    /// Its name, shown as the suggester's (`gazetteer:central-asia`).
    pub name: String,
    /// What it holds, for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The names.
    pub entries: Vec<Entry>,
}

/// One thing named: its label and its names by language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// A label of the project's schema.
    pub label: String,
    /// Names by BCP 47 language tag.
    pub forms: BTreeMap<String, Vec<String>>,
}

impl Gazetteer {
    /// Every (label, form) it holds.
    pub fn forms(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().flat_map(|e| {
            e.forms
                .values()
                .flatten()
                .map(move |f| (e.label.as_str(), f.as_str()))
        })
    }

    /// Reads the gazetteer at `relative` (as listed in `accord.ron`) in the project `dir`.
    pub fn load(dir: &ProjectDir, relative: &str) -> Result<Gazetteer, GazetteerError> {
        let path = dir.path(relative);
        let text = dir
            .read_to_string(&path, Limit::new(MAX_BYTES, "a gazetteer"))
            .map_err(GazetteerError::Read)?
            .ok_or_else(|| GazetteerError::Read(FsError::missing(&path)))?;
        Self::parse(&text, &path)
    }

    /// Reads a gazetteer's text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Gazetteer, GazetteerError> {
        crate::ron_io::from_str(text).map_err(|e| GazetteerError::Parse {
            path: path.to_path_buf(),
            line: e.line,
            column: e.column,
            message: e.message,
        })
    }
}

/// Why a gazetteer could not be used.
#[derive(Debug, Error)]
pub enum GazetteerError {
    /// Reading it failed (missing, outside the project, too large, not text).
    #[error("{0}; fix the path under `suggestions: (gazetteers: [...])` in accord.ron")]
    Read(FsError),
    /// It is not a gazetteer.
    #[error(
        "{path}:{line}:{column}: not a gazetteer: {message}; write it as `(name: \"…\", entries: [(label: \"COUNTRY\", forms: {{\"en\": [\"Kazakhstan\"]}})])` (see the README)"
    )]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_gazetteer_reads_and_names_every_sample_country_in_every_language() {
        let text = include_str!("../../sample_docs/gazetteers/central-asia.ron");
        let g = Gazetteer::parse(text, Path::new("central-asia.ron")).unwrap();
        assert_eq!(g.name, "central-asia");
        for country in [
            "哈萨克斯坦",
            "كازاخستان",
            "Казахстан",
            "Қазақстан",
            "Kazakhstan",
        ] {
            assert!(
                g.forms()
                    .any(|(label, f)| label == "COUNTRY" && f == country),
                "{country}"
            );
        }
    }

    #[test]
    fn a_broken_gazetteer_is_named_with_its_line() {
        let e = Gazetteer::parse("(name: \"x\", entries: [(label: 5)])", Path::new("g.ron"))
            .unwrap_err();
        let message = e.to_string();
        assert!(message.starts_with("g.ron:1:"), "{message}");
    }
}
