//! Who annotates what: `assignments.ron`, and each annotator's `status/<annotator>.ron`.
//!
//! ```ron
//! (
//!     format: 1,
//!     overlap: 2,
//!     seed: Some(7),
//!     annotators: [
//!         (annotator: "alice", documents: ["a.txt", "c.txt"]),
//!         (annotator: "bob", documents: ["a.txt", "b.txt"]),
//!         (annotator: "chen", documents: ["b.txt", "c.txt"]),
//!     ],
//! )
//! ```
//!
//! Documents are named by their file as `accord.ron` lists them. The lead writes
//! `assignments.ron` once (`accord assign`, [`fill`]); annotators only read it.
//!
//! Whether an annotator has finished a document is theirs to say, so it is kept in a file of
//! their own, `status/<annotator>.ron` ([`StatusFile`]), not in `assignments.ron`: a team works
//! through git, and two annotators marking documents finished on the same day would otherwise
//! both change one file and meet in a merge conflict. With one file per annotator, as with
//! `annotations/<annotator>/` and `links/<annotator>.ron`, only its owner ever changes it.
//! Its list is kept sorted, one document a line, so even the same annotator's two machines
//! merge cleanly unless they change the same line.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::check_annotator_name;
use crate::project_dir::ProjectDir;
use crate::store::StoreError;
use crate::store::file::{parse_versioned_as, read_text, to_pretty_ron, write_text};

/// Name of the assignments file inside a project folder.
pub const ASSIGNMENTS_FILE: &str = "assignments.ron";
/// Folder of the annotators' status files (`status/<annotator>.ron`).
pub const STATUS_DIR: &str = "status";
/// The format version of `assignments.ron` and of the status files this program writes.
pub const ASSIGNMENTS_FORMAT: u32 = 1;

/// `assignments.ron`: which annotators annotate which documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentsFile {
    /// Format version, [`ASSIGNMENTS_FORMAT`].
    pub format: u32,
    /// How many annotators annotate each document.
    pub overlap: usize,
    /// The seed the assignment was drawn with, to draw it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Each annotator's documents, in the order given.
    pub annotators: Vec<Assignment>,
}

/// One annotator's documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The annotator, as named in `annotations/<annotator>/`.
    pub annotator: String,
    /// Document files as `accord.ron` lists them, in project order.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// Why assignments could not be drawn.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum AssignError {
    /// No annotator was named.
    #[error("no annotators given; name them, e.g. --annotators alice,bob,chen")]
    NoAnnotators,
    /// An overlap of zero.
    #[error("an overlap of 0 assigns nothing; give at least 1 annotator per document")]
    ZeroOverlap,
    /// More annotators per document than there are annotators.
    #[error(
        "an overlap of {overlap} needs at least {overlap} annotators, but {annotators} were given; lower the overlap or name more annotators"
    )]
    OverlapTooLarge {
        /// Annotators per document asked for.
        overlap: usize,
        /// Annotators given.
        annotators: usize,
    },
    /// An annotator named twice.
    #[error("annotator {0:?} is named twice; name each once")]
    DuplicateAnnotator(String),
    /// A name that cannot be a folder.
    #[error("{0}")]
    BadName(String),
}

/// Assigns each of `documents` to `overlap` of `annotators`, round robin over the documents
/// shuffled with `seed`: the same arguments give the same assignment on every run and
/// platform. The `n · overlap` places are dealt in turn, so each annotator gets
/// ⌊n·overlap/a⌋ or ⌈n·overlap/a⌉ documents, and as `overlap` ≤ `a` the annotators of one
/// document are `overlap` different ones. Each list is in project order.
pub fn fill(
    documents: &[String],
    annotators: &[String],
    overlap: usize,
    seed: u64,
) -> Result<AssignmentsFile, AssignError> {
    if annotators.is_empty() {
        return Err(AssignError::NoAnnotators);
    }
    if overlap == 0 {
        return Err(AssignError::ZeroOverlap);
    }
    if overlap > annotators.len() {
        return Err(AssignError::OverlapTooLarge {
            overlap,
            annotators: annotators.len(),
        });
    }
    let mut seen = HashSet::new();
    for name in annotators {
        check_annotator_name(name).map_err(AssignError::BadName)?;
        if !seen.insert(name.as_str()) {
            return Err(AssignError::DuplicateAnnotator(name.clone()));
        }
    }
    let mut order: Vec<usize> = (0..documents.len()).collect();
    let mut rng = SplitMix64(seed);
    // Fisher–Yates, so which documents share annotators depends on the seed, not on the
    // order of accord.ron (where related documents often sit side by side).
    for i in (1..order.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); annotators.len()];
    let mut turn = 0;
    for &doc in &order {
        for _ in 0..overlap {
            lists[turn % annotators.len()].push(doc);
            turn += 1;
        }
    }
    Ok(AssignmentsFile {
        format: ASSIGNMENTS_FORMAT,
        overlap,
        seed: Some(seed),
        annotators: annotators
            .iter()
            .zip(lists)
            .map(|(name, mut docs)| {
                docs.sort_unstable();
                Assignment {
                    annotator: name.clone(),
                    documents: docs.into_iter().map(|d| documents[d].clone()).collect(),
                }
            })
            .collect(),
    })
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output is fixed by its seed
/// alone, on every platform and version, as a reproducible draw needs.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

impl AssignmentsFile {
    /// The path of `assignments.ron` in the project in `dir`.
    pub fn path(dir: &ProjectDir) -> PathBuf {
        dir.path(ASSIGNMENTS_FILE)
    }

    /// Reads `assignments.ron` of the project in `dir`, or `None` when there is none.
    pub fn load_in(dir: &ProjectDir) -> Result<Option<Self>, StoreError> {
        let path = Self::path(dir);
        if matches!(dir.kind(&path), Ok(None)) {
            return Ok(None);
        }
        Self::parse(&read_text(dir, &path)?, &path).map(Some)
    }

    /// Reads the text of an assignments file; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, StoreError> {
        parse_versioned_as(text, path, ASSIGNMENTS_FORMAT)
    }

    /// The text [`Self::save_in`] writes.
    pub fn to_ron(&self, path: &Path) -> Result<String, StoreError> {
        to_pretty_ron(self, path)
    }

    /// Writes `assignments.ron` atomically into the project in `dir`.
    pub fn save_in(&self, dir: &ProjectDir) -> Result<(), StoreError> {
        let path = Self::path(dir);
        write_text(dir, &path, &self.to_ron(&path)?)
    }

    /// The documents assigned to `annotator` (none when not named).
    pub fn documents_of(&self, annotator: &str) -> &[String] {
        self.annotators
            .iter()
            .find(|a| a.annotator == annotator)
            .map(|a| a.documents.as_slice())
            .unwrap_or_default()
    }

    /// What is wrong with these assignments in a project whose documents are `documents`:
    /// one message per problem, each saying what to do.
    pub fn problems(&self, documents: &[&str]) -> Vec<String> {
        let known: HashSet<&str> = documents.iter().copied().collect();
        let mut out = Vec::new();
        if self.overlap == 0 {
            out.push("overlap is 0: set it to how many annotators annotate each document".into());
        }
        if self.overlap > self.annotators.len() {
            out.push(format!(
                "overlap is {} but only {} annotators are listed; lower the overlap or add annotators (accord assign draws both)",
                self.overlap,
                self.annotators.len()
            ));
        }
        let mut names = HashSet::new();
        for a in &self.annotators {
            if let Err(why) = check_annotator_name(&a.annotator) {
                out.push(why);
            }
            if !names.insert(a.annotator.as_str()) {
                out.push(format!(
                    "annotator {:?} is listed twice; merge the two entries",
                    a.annotator
                ));
            }
            let mut docs = HashSet::new();
            for d in &a.documents {
                if !known.contains(d.as_str()) {
                    out.push(format!(
                        "{:?} assigned to {:?} is not a document of accord.ron; fix the name or remove it",
                        d, a.annotator
                    ));
                } else if !docs.insert(d.as_str()) {
                    out.push(format!(
                        "{:?} is assigned to {:?} twice; remove one",
                        d, a.annotator
                    ));
                }
            }
        }
        out
    }
}

/// `status/<annotator>.ron`: what one annotator says about their documents (see the module
/// documentation for why it is a file of its own).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusFile {
    /// Format version, [`ASSIGNMENTS_FORMAT`].
    pub format: u32,
    /// Whose status this is.
    pub annotator: String,
    /// The documents they marked finished, sorted.
    #[serde(default)]
    pub finished: BTreeSet<String>,
}

impl StatusFile {
    /// Nothing finished yet, for `annotator`.
    pub fn new(annotator: &str) -> Self {
        Self {
            format: ASSIGNMENTS_FORMAT,
            annotator: annotator.to_owned(),
            finished: BTreeSet::new(),
        }
    }

    /// The path of `annotator`'s status file in the project in `dir`.
    pub fn path(dir: &ProjectDir, annotator: &str) -> PathBuf {
        dir.path(STATUS_DIR).join(format!("{annotator}.ron"))
    }

    /// Reads `annotator`'s status file, or an empty one when there is none.
    pub fn load_in(dir: &ProjectDir, annotator: &str) -> Result<Self, StoreError> {
        let path = Self::path(dir, annotator);
        if matches!(dir.kind(&path), Ok(None)) {
            return Ok(Self::new(annotator));
        }
        parse_versioned_as(&read_text(dir, &path)?, &path, ASSIGNMENTS_FORMAT)
    }

    /// Writes it atomically (creating `status/`).
    pub fn save_in(&self, dir: &ProjectDir) -> Result<(), StoreError> {
        let path = Self::path(dir, &self.annotator);
        write_text(dir, &path, &to_pretty_ron(self, &path)?)
    }

    /// Marks `document` finished, or not finished when it was; returns whether it now is.
    pub fn toggle(&mut self, document: &str) -> bool {
        if self.finished.remove(document) {
            false
        } else {
            self.finished.insert(document.to_owned());
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_splitmix64() {
        // The first output for seed 0 of the reference implementation.
        assert_eq!(SplitMix64(0).next(), 0xe220_a839_7b1d_cdaf);
    }
}
