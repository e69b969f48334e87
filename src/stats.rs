//! `accord stats`: documents, chars, and annotations per label, layer, annotator, document.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

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
    for slot in &project.documents {
        let chars = slot.doc().map(|d| d.len_chars());
        s.chars += chars.unwrap_or(0);
        let mut on_doc = 0;
        for annotator in &annotators {
            let path = project.annotation_path(annotator, slot.file());
            if !project.has(&path) {
                continue;
            }
            let file = match AnnotationFile::load_in(&project.dir, &path) {
                Ok(f) => f,
                Err(e) => {
                    s.unreadable_files.push(e.to_string());
                    continue;
                }
            };
            on_doc += file.annotations.len();
            *s.per_annotator.entry(annotator.clone()).or_default() += file.annotations.len();
            for a in &file.annotations {
                *s.per_label.entry(a.label.clone()).or_default() += 1;
                let layer = match project.schema.label(&a.label).map(|l| l.layer) {
                    Some(Layer::Entity) => "entity",
                    Some(Layer::Commitment) => "commitment",
                    None => "unknown",
                };
                *s.per_layer.entry(layer.to_owned()).or_default() += 1;
            }
        }
        s.annotations += on_doc;
        s.per_document.push(DocumentStats {
            file: slot.file().to_owned(),
            language: slot.entry.language.clone(),
            chars,
            annotations: on_doc,
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
