//! Agreement over a project folder: choosing the annotators and documents, reading their
//! annotation files (`annotations/<annotator>/<document>.ron`), and what stops the comparison.
//!
//! The folder `annotations/curated/` is the reviewers' gold set, not an annotator: it takes
//! part only when named. A document an annotator has no file for is missing for them (see
//! [`super::units`]). A file that cannot be read, or an annotated document whose text cannot
//! be read, stops the comparison with an error naming the file: figures that silently left
//! them out would mislead.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use crate::model::DocumentError;
use crate::project::{ANNOTATIONS_DIR, Project, ProjectError};
use crate::store::{AnnotationFile, AnnotationStore, StoreError};

use super::{AgreementReport, DocumentAnnotations, DocumentTally, Keep, combine, tally_document};

pub use crate::project::CURATED;

/// What to compare in a project; an empty list means all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Annotators (folders under `annotations/`); empty: all but [`CURATED`].
    pub annotators: Vec<String>,
    /// Document files as listed in the project; empty: all.
    pub documents: Vec<String>,
    /// Labels whose spans take part; empty: all.
    pub labels: Vec<String>,
}

/// Why agreement over a project could not be computed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AgreementError {
    /// The project folder, file or schema cannot be read.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// An annotator was asked for who has no folder.
    #[error(
        "no annotator {name:?}: there is no folder {}; the annotators are: {}; check the names asked for",
        .folder.display(),
        list(.known)
    )]
    UnknownAnnotator {
        /// The name asked for.
        name: String,
        /// The folder that would hold their files.
        folder: PathBuf,
        /// The annotators there are.
        known: Vec<String>,
    },
    /// A document was asked for that the project does not list.
    #[error(
        "no document {file:?} in the project; its documents are: {}; check the names asked for",
        list(.known)
    )]
    UnknownDocument {
        /// The file asked for.
        file: String,
        /// The project's documents.
        known: Vec<String>,
    },
    /// A document that someone annotated cannot be read, so its units are unknown.
    #[error(
        "{source}; agreement needs the text of every annotated document: restore it (`accord validate` lists what is wrong) or leave the document out"
    )]
    Document {
        /// Why it cannot be read (with its path).
        source: DocumentError,
    },
    /// An annotation file cannot be read.
    #[error(
        "{source} (`accord validate` lists every problem), or leave this annotator or document out"
    )]
    AnnotationFile {
        /// Why (with its path and what to do).
        source: StoreError,
    },
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// Computes agreement over a project folder: opens it, reads the selected annotators' files
/// for the selected documents, and counts them as [`super::agree`] does, keeping what `keep`
/// asks for.
///
/// Each document is counted as soon as its files are read, on every core, and its annotations
/// dropped: memory follows the cores, not the project (only the counts and what `keep` asks
/// for stay).
pub fn agree_project(
    root: &Path,
    selection: &Selection,
    keep: Keep,
) -> Result<AgreementReport, AgreementError> {
    let mut project = Project::open(root)?;
    let annotators = choose_annotators(&project, &selection.annotators)?;
    let documents = choose_documents(&project, &selection.documents)?;

    let counted: Vec<Result<Counted, AgreementError>> = documents
        .par_iter()
        .map(|&slot_index| count_document(&project, slot_index, &annotators, selection, keep))
        .collect();
    // Errors and warnings in project order.
    let mut warnings = Vec::new();
    let mut tallies = Vec::with_capacity(counted.len());
    let mut accepted = vec![0u64; annotators.len()];
    for (slot_index, counted) in documents.into_iter().zip(counted) {
        let counted = counted?;
        warnings.extend(counted.warnings);
        for (total, n) in accepted.iter_mut().zip(&counted.accepted_suggestions) {
            *total += n;
        }
        match counted.tally {
            Some(tally) => tallies.push(tally),
            None if counted.annotated => {
                let slot = project.documents.swap_remove(slot_index);
                if let Err(source) = slot.document {
                    return Err(AgreementError::Document { source });
                }
            }
            None => {
                let slot = &project.documents[slot_index];
                if let Err(e) = &slot.document {
                    warnings.push(format!(
                        "{} is left out: it cannot be read ({e}) and none of the annotators compared has a file for it",
                        slot.file()
                    ));
                }
            }
        }
    }
    let mut report = combine(&annotators, tallies, &project.schema, &selection.labels);
    report.project = Some(project.name().to_owned());
    report.accepted_suggestions = annotators
        .iter()
        .cloned()
        .zip(accepted)
        .filter(|(_, n)| *n > 0)
        .collect();
    warnings.append(&mut report.warnings);
    report.warnings = warnings;
    Ok(report)
}

/// One document as counted by a worker.
struct Counted {
    /// Its counts; `None` when its text cannot be read.
    tally: Option<DocumentTally>,
    /// Whether any annotator compared has a file for it.
    annotated: bool,
    /// Per annotator, their annotations here accepted from suggestions.
    accepted_suggestions: Vec<u64>,
    warnings: Vec<String>,
}

/// Reads the chosen annotators' files of one document and counts them (with a warning for a
/// file annotated on another version of the document).
fn count_document(
    project: &Project,
    slot_index: usize,
    annotators: &[String],
    selection: &Selection,
    keep: Keep,
) -> Result<Counted, AgreementError> {
    let slot = &project.documents[slot_index];
    let mut stores: Vec<Option<AnnotationStore>> = Vec::with_capacity(annotators.len());
    let mut warnings = Vec::new();
    for annotator in annotators {
        let path = project.annotation_path(annotator, slot.file());
        // No file is no annotations; anything else in its place (a folder, a FIFO, a link
        // out) is an error the door names.
        let file = match AnnotationFile::load_compared_in(&project.dir, &path) {
            Ok(file) => file,
            Err(e) if e.is_absent() => {
                stores.push(None);
                continue;
            }
            Err(source) => return Err(AgreementError::AnnotationFile { source }),
        };
        if let Some(doc) = slot.doc()
            && !file.document.matches(doc)
        {
            warnings.push(format!(
                "{}: {} changed since it was annotated; its spans are compared at their recorded offsets (run `accord validate`)",
                relative(&project.root, &path),
                slot.file()
            ));
        }
        stores.push(Some(file.store));
    }
    let annotated = stores.iter().any(Option::is_some);
    let accepted_suggestions = stores
        .iter()
        .map(|s| {
            s.as_ref().map_or(0, |s| {
                s.annotations().filter(|a| a.source.is_some()).count() as u64
            })
        })
        .collect();
    let tally = slot.doc().map(|document| {
        let stores: Vec<Option<&AnnotationStore>> = stores.iter().map(Option::as_ref).collect();
        let doc = DocumentAnnotations {
            document,
            stores: &stores,
        };
        tally_document(annotators, &doc, &project.schema, &selection.labels, keep)
    });
    Ok(Counted {
        tally,
        annotated,
        accepted_suggestions,
        warnings,
    })
}

/// The annotators asked for (each once, in the order given), or every annotator folder but
/// the curated one.
fn choose_annotators(project: &Project, asked: &[String]) -> Result<Vec<String>, AgreementError> {
    let known = project.annotators();
    if asked.is_empty() {
        return Ok(known.into_iter().filter(|a| a != CURATED).collect());
    }
    let mut chosen: Vec<String> = Vec::new();
    for name in asked {
        if !known.contains(name) {
            return Err(AgreementError::UnknownAnnotator {
                name: name.clone(),
                folder: project.root.join(ANNOTATIONS_DIR).join(name),
                known,
            });
        }
        if !chosen.contains(name) {
            chosen.push(name.clone());
        }
    }
    Ok(chosen)
}

/// The slots of the documents asked for (each once, in project order), or all.
fn choose_documents(project: &Project, asked: &[String]) -> Result<Vec<usize>, AgreementError> {
    if let Some(missing) = asked.iter().find(|f| project.document_index(f).is_none()) {
        return Err(AgreementError::UnknownDocument {
            file: missing.clone(),
            known: project
                .documents
                .iter()
                .map(|d| d.file().to_owned())
                .collect(),
        });
    }
    Ok((0..project.documents.len())
        .filter(|&i| asked.is_empty() || asked.iter().any(|f| f == project.documents[i].file()))
        .collect())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}
