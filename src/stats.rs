//! `accord stats`: documents, chars, and annotations per label, layer, annotator, document.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::project::{Project, ProjectError};
use crate::schema::Layer;
use crate::store::AnnotationFile;

/// One document's figures.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentStats {
    /// File name.
    pub file: String,
    /// Language tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Chars, or `None` when it did not open.
    pub chars: Option<usize>,
    /// Annotations on it, all annotators.
    pub annotations: usize,
}

/// Figures for a whole project.
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    /// Project name.
    pub project: String,
    /// Number of documents.
    pub documents: usize,
    /// Chars in all documents that opened.
    pub chars: usize,
    /// Annotations in all files.
    pub annotations: usize,
    /// Per document.
    pub per_document: Vec<DocumentStats>,
    /// Per label.
    pub per_label: BTreeMap<String, usize>,
    /// Per layer (`entity`, `commitment`, `unknown` for labels not in the schema).
    pub per_layer: BTreeMap<String, usize>,
    /// Per annotator.
    pub per_annotator: BTreeMap<String, usize>,
    /// Files that could not be read (see `accord validate`).
    pub unreadable_files: Vec<String>,
}

/// Counts a project.
pub fn stats(root: &Path) -> Result<Stats, ProjectError> {
    let project = Project::open(root)?;
    let mut s = Stats {
        project: project.name().to_owned(),
        documents: project.documents.len(),
        chars: 0,
        annotations: 0,
        per_document: Vec::new(),
        per_label: BTreeMap::new(),
        per_layer: BTreeMap::new(),
        per_annotator: BTreeMap::new(),
        unreadable_files: Vec::new(),
    };
    let annotators = project.annotators();
    // Each document's files read and counted on every core, then added up in project order.
    let counted: Vec<DocumentCount> = project
        .documents
        .par_iter()
        .map(|slot| {
            let mut count = DocumentCount::default();
            for annotator in &annotators {
                let path = project.annotation_path(annotator, slot.file());
                let file = match AnnotationFile::load_in(&project.dir, &path) {
                    Ok(f) => f,
                    Err(e) if e.is_absent() => continue,
                    Err(e) => {
                        count.unreadable.push(e.to_string());
                        continue;
                    }
                };
                count.annotations += file.annotations.len();
                count
                    .per_annotator
                    .push((annotator, file.annotations.len()));
                for a in &file.annotations {
                    *count.per_label.entry(a.label.clone()).or_default() += 1;
                    let layer = match project.schema.label(&a.label).map(|l| l.layer) {
                        Some(Layer::Entity) => "entity",
                        Some(Layer::Commitment) => "commitment",
                        None => "unknown",
                    };
                    *count.per_layer.entry(layer).or_default() += 1;
                }
            }
            count
        })
        .collect();
    for (slot, count) in project.documents.iter().zip(counted) {
        let chars = slot.doc().map(|d| d.len_chars());
        s.chars += chars.unwrap_or(0);
        s.annotations += count.annotations;
        for (annotator, n) in count.per_annotator {
            *s.per_annotator.entry(annotator.clone()).or_default() += n;
        }
        for (label, n) in count.per_label {
            *s.per_label.entry(label).or_default() += n;
        }
        for (layer, n) in count.per_layer {
            *s.per_layer.entry(layer.to_owned()).or_default() += n;
        }
        s.unreadable_files.extend(count.unreadable);
        s.per_document.push(DocumentStats {
            file: slot.file().to_owned(),
            language: slot.entry.language.clone(),
            chars,
            annotations: count.annotations,
        });
    }
    Ok(s)
}

impl Stats {
    /// A plain-text table for the terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {} documents, {} chars, {} annotations",
            self.project, self.documents, self.chars, self.annotations
        );
        let _ = writeln!(out, "\nper document:");
        for d in &self.per_document {
            let chars = d
                .chars
                .map_or_else(|| "unreadable".to_owned(), |c| format!("{c} chars"));
            let _ = writeln!(
                out,
                "  {:<40} {:<4} {:>14} {:>6} annotations",
                d.file,
                d.language.as_deref().unwrap_or("-"),
                chars,
                d.annotations
            );
        }
        for (title, map) in [
            ("per layer", &self.per_layer),
            ("per label", &self.per_label),
            ("per annotator", &self.per_annotator),
        ] {
            let _ = writeln!(out, "\n{title}:");
            if map.is_empty() {
                let _ = writeln!(out, "  (none)");
            }
            for (k, v) in map {
                let _ = writeln!(out, "  {k:<20} {v:>6}");
            }
        }
        if !self.unreadable_files.is_empty() {
            let _ = writeln!(out, "\nnot counted (run `accord validate`):");
            for f in &self.unreadable_files {
                let _ = writeln!(out, "  {f}");
            }
        }
        out
    }
}

/// What one document's annotation files hold, counted.
#[derive(Default)]
struct DocumentCount<'a> {
    annotations: usize,
    per_annotator: Vec<(&'a String, usize)>,
    per_label: BTreeMap<String, usize>,
    per_layer: BTreeMap<&'static str, usize>,
    unreadable: Vec<String>,
}
