//! A label (or a value of a list attribute) renamed in every annotator's files: the label set
//! is the project's, so renaming what the annotators have used rewrites their annotation files
//! (and the curated set) in the same step as the annotator's own spans
//! ([`super::Change::Others`]), under their locks, and its inverse puts back exactly the
//! annotations it changed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Project;
use super::lock::Writers;
use crate::model::AnnotationId;
use crate::store::AnnotationFile;

/// What a rename changes in an annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rename {
    /// Its label, `from` to `to`.
    Label {
        /// The label it has.
        from: String,
        /// The label it gets.
        to: String,
    },
    /// The name of attribute `from` of a `label` annotation, to `to` (its value kept).
    Attribute {
        /// The annotation's label.
        label: String,
        /// The attribute's name.
        from: String,
        /// Its new name.
        to: String,
    },
    /// The value of list attribute `attribute` of a `label` annotation, `from` to `to`.
    EnumValue {
        /// The annotation's label.
        label: String,
        /// The attribute.
        attribute: String,
        /// The value it has.
        from: String,
        /// The value it gets.
        to: String,
    },
}

impl Rename {
    /// The rename back.
    fn inverse(&self) -> Self {
        match self {
            Rename::Label { from, to } => Rename::Label {
                from: to.clone(),
                to: from.clone(),
            },
            Rename::Attribute { label, from, to } => Rename::Attribute {
                label: label.clone(),
                from: to.clone(),
                to: from.clone(),
            },
            Rename::EnumValue {
                label,
                attribute,
                from,
                to,
            } => Rename::EnumValue {
                label: label.clone(),
                attribute: attribute.clone(),
                from: to.clone(),
                to: from.clone(),
            },
        }
    }

    /// True when it changes `annotation`.
    pub fn applies(&self, annotation: &crate::model::Annotation) -> bool {
        match self {
            Rename::Label { from, .. } => annotation.label == *from,
            Rename::Attribute { label, from, .. } => {
                annotation.label == *label && annotation.attributes.contains_key(from)
            }
            Rename::EnumValue {
                label,
                attribute,
                from,
                ..
            } => {
                annotation.label == *label
                    && matches!(
                        annotation.attributes.get(attribute),
                        Some(crate::model::AttributeValue::Enum(v)) if v == from
                    )
            }
        }
    }

    fn apply(&self, annotation: &mut crate::model::Annotation) {
        match self {
            Rename::Label { to, .. } => annotation.label = to.clone(),
            Rename::Attribute { from, to, .. } => {
                if let Some(value) = annotation.attributes.remove(from) {
                    annotation.attributes.insert(to.clone(), value);
                }
            }
            Rename::EnumValue { attribute, to, .. } => {
                annotation.attributes.insert(
                    attribute.clone(),
                    crate::model::AttributeValue::Enum(to.clone()),
                );
            }
        }
    }
}

impl Rename {
    /// The same rename in the label set.
    pub fn schema_edit(&self) -> crate::schema::edit::SchemaEdit {
        use crate::schema::edit::SchemaEdit;
        match self.clone() {
            Rename::Label { from, to } => SchemaEdit::RenameLabel { from, to },
            Rename::Attribute { label, from, to } => {
                SchemaEdit::RenameAttribute { label, from, to }
            }
            Rename::EnumValue {
                label,
                attribute,
                from,
                to,
            } => SchemaEdit::RenameEnumValue {
                label,
                attribute,
                from,
                to,
            },
        }
    }

    /// The edits that make it in one of the annotator's own annotations (none when it does
    /// not apply). An attribute's old name is taken out before its value goes in under the
    /// new one: an annotation is checked after each edit, and the label set no longer has the
    /// old name.
    pub fn own_edits(&self, annotation: &crate::model::Annotation) -> Vec<crate::edit::Edit> {
        use crate::edit::Edit;
        if !self.applies(annotation) {
            return Vec::new();
        }
        let id = annotation.id;
        match self {
            Rename::Label { to, .. } => vec![Edit::Relabel {
                id,
                label: to.clone(),
            }],
            Rename::Attribute { from, to, .. } => vec![
                Edit::SetAttribute {
                    id,
                    name: from.clone(),
                    value: None,
                },
                Edit::SetAttribute {
                    id,
                    name: to.clone(),
                    value: annotation.attributes.get(from).cloned(),
                },
            ],
            Rename::EnumValue { attribute, to, .. } => vec![Edit::SetAttribute {
                id,
                name: attribute.clone(),
                value: Some(crate::model::AttributeValue::Enum(to.clone())),
            }],
        }
    }
}

/// A rename in other annotators' annotation files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OthersRelabel {
    /// What changes.
    pub rename: Rename,
    /// The annotations to change, by annotator and document file; `None`: every annotation the
    /// rename applies to (the first time). The inverse names those it changed.
    pub only: Option<BTreeMap<(String, String), Vec<AnnotationId>>>,
}

/// How many annotations of each annotator (other than `own`) have `label`, from their files
/// as saved: annotators with none are left out. A file that cannot be read is skipped (the
/// window and `accord validate` say what is wrong with it).
pub fn others_using(project: &Project, own: &str, label: &str) -> Vec<(String, usize)> {
    let mut uses = Vec::new();
    for annotator in project.annotators().into_iter().filter(|a| a != own) {
        let mut n = 0;
        for (_, file) in annotation_files(project, &annotator) {
            if let Ok(read) = AnnotationFile::load_compared_in(&project.dir, &file) {
                n += read
                    .store
                    .annotations()
                    .filter(|a| a.label == label)
                    .count();
            }
        }
        if n > 0 {
            uses.push((annotator, n));
        }
    }
    uses
}

/// The annotation files of `annotator`, with the document file each is of.
fn annotation_files(project: &Project, annotator: &str) -> Vec<(String, PathBuf)> {
    project
        .file
        .documents
        .iter()
        .map(|entry| {
            let path = project.annotation_path(annotator, &entry.file);
            (entry.file.clone(), path)
        })
        .filter(|(_, path)| project.dir.is_file(path))
        .collect()
}

/// Applies `change` to the files of every annotator but `own` (the curated set included),
/// holding their locks while it writes; returns the change that undoes it. Refuses, writing
/// nothing, when an annotator's lock is held (an Accord open as them) or a file that has the
/// label cannot be read.
pub fn relabel_others(
    project: &Project,
    own: &str,
    change: &OthersRelabel,
) -> Result<OthersRelabel, String> {
    let annotators: Vec<String> = match &change.only {
        Some(only) => only.keys().map(|(a, _)| a.clone()).collect(),
        None => project
            .annotators()
            .into_iter()
            .filter(|a| a != own)
            .collect(),
    };
    let mut planned: Vec<(PathBuf, AnnotationFile)> = Vec::new();
    let mut changed: BTreeMap<(String, String), Vec<AnnotationId>> = BTreeMap::new();
    for annotator in &annotators {
        for (document, path) in annotation_files(project, annotator) {
            let key = (annotator.clone(), document.clone());
            let wanted = change.only.as_ref().map(|only| only.get(&key));
            if matches!(wanted, Some(None)) {
                continue;
            }
            let mut file = match AnnotationFile::load_in(&project.dir, &path) {
                Ok(file) => file,
                Err(e) => {
                    // A file that cannot be read cannot hold a use we know of, unless the
                    // undo names it.
                    if wanted.is_some() {
                        return Err(format!("{}: {e}", path.display()));
                    }
                    continue;
                }
            };
            let mut ids = Vec::new();
            for annotation in &mut file.annotations {
                let picked = match wanted {
                    Some(Some(ids)) => ids.contains(&annotation.id),
                    _ => true,
                };
                if picked && change.rename.applies(annotation) {
                    change.rename.apply(annotation);
                    ids.push(annotation.id);
                }
            }
            if !ids.is_empty() {
                changed.insert(key, ids);
                planned.push((path, file));
            }
        }
    }
    if !planned.is_empty() {
        let writers: Vec<&str> = changed.keys().map(|(a, _)| a.as_str()).collect();
        let _locks = Writers::acquire(&project.root, writers).map_err(|refused| {
            format!(
                "{refused} — their annotations cannot be changed now; ask them to close Accord and try again"
            )
        })?;
        for (path, file) in &planned {
            file.save_in(&project.dir, path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(OthersRelabel {
        rename: change.rename.inverse(),
        only: Some(changed),
    })
}
