//! The cross-document link file of one annotator: `links/<annotator>.ron`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::CrossGroup;
use crate::project_dir::ProjectDir;
use crate::store::StoreError;
use crate::store::file::{dir_of, parse_versioned_as, read_text, to_pretty_ron, write_text};

/// The format version of cross-document link files (annotation files have their own,
/// [`crate::store::file::CURRENT_FORMAT`]).
pub const LINKS_FORMAT: u32 = 1;

/// Groups of annotations across documents, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrossLinkFile {
    /// Format version.
    pub format: u32,
    /// Whose annotations the members are.
    pub annotator: String,
    /// Next group id; ids are never reused.
    pub next_id: u64,
    /// The groups, by id.
    #[serde(default)]
    pub groups: Vec<CrossGroup>,
}

impl CrossLinkFile {
    /// An empty file for `annotator`.
    pub fn new(annotator: &str) -> Self {
        Self {
            format: LINKS_FORMAT,
            annotator: annotator.to_owned(),
            next_id: 1,
            groups: Vec::new(),
        }
    }

    /// Reads a cross-document link file that belongs to no open project (a test's, a tool's);
    /// in a project, [`Self::load_in`].
    pub fn load(path: &Path) -> Result<Self, StoreError> {
        Self::load_in(&dir_of(path)?, path)
    }

    /// Reads a cross-document link file of the project in `dir`.
    pub fn load_in(dir: &ProjectDir, path: &Path) -> Result<Self, StoreError> {
        parse_versioned_as(&read_text(dir, path)?, path, LINKS_FORMAT)
    }

    /// Writes it atomically into the project in `dir`, groups by id and members sorted.
    pub fn save_in(&self, dir: &ProjectDir, path: &Path) -> Result<(), StoreError> {
        write_text(dir, path, &self.to_ron(path)?)
    }

    /// [`Self::save_in`] for a file that belongs to no open project (a test's, a tool's).
    pub fn save(&self, path: &Path) -> Result<(), StoreError> {
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| StoreError::Io {
                action: "write",
                path: path.to_path_buf(),
                source,
            })?;
        }
        self.save_in(&dir_of(path)?, path)
    }

    /// The text [`Self::save`] writes: groups by id, members sorted. `path` names the file in
    /// errors.
    pub fn to_ron(&self, path: &Path) -> Result<String, StoreError> {
        let mut sorted = self.clone();
        sorted.groups.sort_by_key(|g| g.id);
        for g in &mut sorted.groups {
            g.members.sort();
        }
        to_pretty_ron(&sorted, path)
    }

    /// Reads the text of a cross-document link file; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, StoreError> {
        parse_versioned_as(text, path, LINKS_FORMAT)
    }
}
