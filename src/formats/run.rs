//! Export and import as whole operations: a project folder read into a [`Corpus`] and its
//! files written, or a source read and turned into documents and annotation files of a
//! project. The formats themselves (one file each beside this one) only convert in memory.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use super::{
    Control, Corpus, CorpusDocument, Format, FormatError, ImportContext, Imported, Loss, LossKind,
    OutputFile, Stage, step,
};
use crate::model::{AnnotationId, AttributeValue, CrossGroup, Document, ReviewState, Timestamp};
use crate::project::{
    CrossLinkFile, DocumentEntry, Project, SchemaSource, check_annotator_name, check_relative,
};
use crate::project_dir::{FsError, Kind};
use crate::schema::{
    AttributeDef, AttributeKind, GroupKindDef, LabelDef, Layer, RelationDef, Rgb, Schema,
};
use crate::store::file::{CURRENT_FORMAT, to_pretty_ron};
use crate::store::{AnnotationFile, DocumentStamp};

pub use crate::project::CURATED;

/// Whose annotations to export.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum AnnotationSource {
    /// The project's default annotator, or the only one there is.
    #[default]
    Default,
    /// This annotator's.
    Annotator(String),
    /// The reviewers' gold set (`annotations/curated/`).
    Curated,
}

/// What `accord export` was asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    /// The format.
    pub format: Format,
    /// The file (single-file formats) or folder to write.
    pub out: PathBuf,
    /// Whose annotations.
    pub source: AnnotationSource,
    /// Only these documents (file names); all when empty.
    pub documents: Vec<String>,
    /// Only these labels; all when empty.
    pub labels: Vec<String>,
    /// For the curated set: also the documents with no decision yet (as documents without
    /// spans); otherwise they are left out and reported.
    pub include_undecided: bool,
}

/// What an export did.
#[derive(Clone, Debug)]
pub struct ExportReport {
    /// The format written.
    pub format: Format,
    /// Whose annotations.
    pub annotator: String,
    /// Documents exported.
    pub documents: usize,
    /// Annotations in them (before the format's own losses).
    pub annotations: usize,
    /// Files written.
    pub written: Vec<PathBuf>,
    /// What was left out or changed, by the selection and by the format.
    pub losses: Vec<Loss>,
}

/// Reads a project's documents with one annotator's annotations into a corpus, keeping only
/// `documents` and `labels` when they are not empty. Annotation files that no longer match
/// their document, and annotations that do not match the text, are left out and reported.
/// Every document is read, also those of the curated set that have no decision yet.
pub fn load_corpus(
    root: &Path,
    source: &AnnotationSource,
    documents: &[String],
    labels: &[String],
    control: Control<'_>,
) -> Result<(Corpus, Vec<Loss>), FormatError> {
    read_corpus(root, source, documents, labels, true, control)
}

/// [`load_corpus`], leaving out (and reporting) the documents of the curated set with no
/// decision yet unless `include_undecided`: exported, they would read as "no entities here".
fn read_corpus(
    root: &Path,
    source: &AnnotationSource,
    documents: &[String],
    labels: &[String],
    include_undecided: bool,
    control: Control<'_>,
) -> Result<(Corpus, Vec<Loss>), FormatError> {
    let project = Project::open(root)?;
    let found = project.annotators();
    let annotator = match source {
        AnnotationSource::Annotator(a) => a.clone(),
        AnnotationSource::Curated => CURATED.to_owned(),
        AnnotationSource::Default => match (&project.file.default_annotator, found.as_slice()) {
            (Some(a), _) => a.clone(),
            (None, [only]) => only.clone(),
            (None, _) => {
                return Err(FormatError::WhichAnnotator {
                    project: root.to_path_buf(),
                    found,
                });
            }
        },
    };
    check_annotator_name(&annotator).map_err(FormatError::BadAnnotator)?;
    if !found.contains(&annotator) {
        return Err(FormatError::NoSuchAnnotator {
            project: root.to_path_buf(),
            annotator,
            found,
        });
    }
    for name in documents {
        if project.document_index(name).is_none() {
            return Err(FormatError::NoSuchDocument {
                project: root.to_path_buf(),
                name: name.clone(),
            });
        }
    }
    let wanted_docs: HashSet<&str> = documents.iter().map(String::as_str).collect();
    let wanted_labels: HashSet<&str> = labels.iter().map(String::as_str).collect();
    let mut losses = Vec::new();
    let slots: Vec<_> = project
        .documents
        .iter()
        .filter(|s| wanted_docs.is_empty() || wanted_docs.contains(s.file()))
        .collect();
    let gold_only = annotator == CURATED;
    let is_gold = |a: &crate::model::Annotation| {
        matches!(a.review.state, ReviewState::Accepted | ReviewState::Edited)
    };
    // One document: what it adds to the corpus (nothing when it is left out) and what is lost.
    let read_one = |_,
                    slot: &&crate::project::ProjectDocument|
     -> (Option<CorpusDocument>, Vec<Loss>) {
        let mut losses = Vec::new();
        let skip = |detail: String| Loss {
            document: slot.file().to_owned(),
            annotation: None,
            kind: LossKind::Skipped,
            detail,
        };
        let doc = match &slot.document {
            Ok(doc) => doc,
            Err(e) => {
                losses.push(skip(format!("document left out: {e}")));
                return (None, losses);
            }
        };
        let mut cd = CorpusDocument::new(slot.file(), doc.text());
        cd.bom = doc.had_bom();
        cd.language = slot.entry.language.clone();
        cd.date = slot.entry.date.clone();
        cd.title = slot.entry.title.clone();
        let path = project.annotation_path(&annotator, slot.file());
        let undecided = || {
            Loss {
            document: slot.file().to_owned(),
            annotation: None,
            kind: LossKind::Undecided,
            detail: "left out: the curated set has no decision here yet (include it with --include-undecided, as a document without spans)".into(),
        }
        };
        let file = match AnnotationFile::load_in(&project.dir, &path) {
            Ok(f) => Some(f),
            Err(e) if e.is_absent() => None,
            Err(e) => {
                losses.push(skip(format!("annotations left out: {e}")));
                return (Some(cd), losses);
            }
        };
        if gold_only && !include_undecided && file.is_none() {
            losses.push(undecided());
            return (None, losses);
        }
        if let Some(file) = file {
            if !file.document.matches(doc) {
                losses.push(skip(format!(
                    "annotations left out: {} was annotated on another version of the document; run `accord validate`",
                    path.display()
                )));
                return (Some(cd), losses);
            }
            if gold_only
                && !include_undecided
                && file
                    .annotations
                    .iter()
                    .all(|a| a.review.state == ReviewState::Pending)
            {
                losses.push(undecided());
                return (None, losses);
            }
            cd.next_id = file.next_id;
            for a in file.annotations {
                let fits = !a.fragments.is_empty()
                    && a.fragments
                        .iter()
                        .all(|f| f.start < f.end && doc.slice(f.range()) == Some(f.text.as_str()));
                if !fits {
                    losses.push(Loss {
                        document: slot.file().to_owned(),
                        annotation: Some(a.id),
                        kind: LossKind::Skipped,
                        detail: format!(
                            "{} left out: its fragments do not match the text; run `accord validate`",
                            a.label
                        ),
                    });
                } else if gold_only && !is_gold(&a) {
                    // The curated set's rejected items and undecided ones (kept for a
                    // reviewer's comment) are not part of the gold set.
                } else if wanted_labels.is_empty() || wanted_labels.contains(a.label.as_str()) {
                    cd.annotations.push(a);
                }
            }
            cd.annotations.sort_by_key(|a| (a.extent().start, a.id));
            let kept: HashSet<AnnotationId> = cd.annotations.iter().map(|a| a.id).collect();
            for a in &mut cd.annotations {
                for value in a.attributes.values_mut() {
                    if let AttributeValue::Refs(ids) = value {
                        ids.retain(|id| kept.contains(id));
                    }
                }
                a.attributes
                    .retain(|_, v| !matches!(v, AttributeValue::Refs(ids) if ids.is_empty()));
            }
            cd.links = file
                .links
                .into_iter()
                .filter(|l| kept.contains(&l.from) && kept.contains(&l.to))
                .collect();
        }
        (Some(cd), losses)
    };
    let read = super::par_map(&slots, control, Stage::Reading, |s| s.file(), read_one)?;
    let mut out = Vec::with_capacity(read.len());
    for (doc, lost) in read {
        out.extend(doc);
        losses.extend(lost);
    }
    let links_path = project.links_path(&annotator);
    let mut groups = Vec::new();
    if project.has(&links_path) {
        match CrossLinkFile::load_in(&project.dir, &links_path) {
            Ok(file) => {
                let present: HashSet<(&str, AnnotationId)> = out
                    .iter()
                    .flat_map(|d| d.annotations.iter().map(|a| (d.file.as_str(), a.id)))
                    .collect();
                for mut g in file.groups {
                    let before = g.members.len();
                    g.members
                        .retain(|m| present.contains(&(m.document.as_str(), m.annotation)));
                    if g.members.len() >= 2 {
                        groups.push(g);
                    } else if before >= 2 && !g.members.is_empty() {
                        losses.push(Loss {
                            document: g.members[0].document.clone(),
                            annotation: Some(g.members[0].annotation),
                            kind: LossKind::Group,
                            detail: format!(
                                "group {} ({}) left out: fewer than two of its members are exported",
                                g.id.0, g.kind
                            ),
                        });
                    }
                }
            }
            Err(e) => losses.push(Loss {
                document: links_path.display().to_string(),
                annotation: None,
                kind: LossKind::Skipped,
                detail: format!("cross-document groups left out: {e}"),
            }),
        }
    }
    Ok((
        Corpus {
            name: project.name().to_owned(),
            annotator,
            schema: (*project.schema).clone(),
            documents: out,
            groups,
        },
        losses,
    ))
}

/// Converts a corpus to a format, in memory: the files to write and what the format lost.
pub fn export_corpus(
    corpus: &Corpus,
    format: Format,
    control: Control<'_>,
) -> Result<(Vec<OutputFile>, Vec<Loss>), FormatError> {
    (format.spec().export)(corpus, control)
}

/// Exports a project: reads it, converts, and writes the files (each atomically). Nothing is
/// written when the work is cancelled or fails before the writing starts.
pub fn export(
    root: &Path,
    options: &ExportOptions,
    control: Control<'_>,
) -> Result<ExportReport, FormatError> {
    check_out(root, &options.out)?;
    let (corpus, mut losses) = read_corpus(
        root,
        &options.source,
        &options.documents,
        &options.labels,
        options.include_undecided,
        &mut *control,
    )?;
    let (files, format_losses) = export_corpus(&corpus, options.format, &mut *control)?;
    losses.extend(format_losses);
    let written = write_files(&options.out, options.format, &files, control)?;
    Ok(ExportReport {
        format: options.format,
        annotator: corpus.annotator.clone(),
        documents: corpus.documents.len(),
        annotations: corpus.documents.iter().map(|d| d.annotations.len()).sum(),
        written,
        losses,
    })
}

/// The folder an export may write into inside a project: nothing else of the project is ever
/// written by an export.
pub const EXPORTS_DIR: &str = "exports";

/// Refuses an export whose `out` is inside the project folder `root` — it could replace a
/// document or an annotation file — unless it is under `exports/`, which then must hold no
/// document of the project.
fn check_out(root: &Path, out: &Path) -> Result<(), FormatError> {
    let real_root = root.canonicalize().map_err(|source| FormatError::Read {
        path: root.to_path_buf(),
        source,
    })?;
    // Where `out` really is: its nearest existing ancestor resolved, the rest as written.
    let absolute = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|source| FormatError::Read {
                path: out.to_path_buf(),
                source,
            })?
            .join(out)
    };
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let real = loop {
        if let Ok(real) = existing.canonicalize() {
            break rest.iter().rev().fold(real, |p: PathBuf, c| p.join(c));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break absolute.clone(),
        }
    };
    let Ok(inside) = real.strip_prefix(&real_root) else {
        return Ok(());
    };
    let exports = Path::new(EXPORTS_DIR);
    let refuse = |why: &str| FormatError::OutInsideProject {
        out: out.to_path_buf(),
        why: why.to_owned(),
    };
    if !inside.starts_with(exports) {
        return Err(refuse("it could replace the project's own files"));
    }
    let project = Project::open(root)?;
    if let Some(doc) = project
        .documents
        .iter()
        .find(|d| Path::new(d.file()).starts_with(exports))
    {
        return Err(refuse(&format!(
            "{EXPORTS_DIR}/ holds the document {}",
            doc.file()
        )));
    }
    Ok(())
}

fn write_files(
    out: &Path,
    format: Format,
    files: &[OutputFile],
    control: Control<'_>,
) -> Result<Vec<PathBuf>, FormatError> {
    // Two outputs in one place would leave one of them unwritten; formats name their files
    // apart, and this makes sure (ignoring case, as some file systems do).
    let mut seen = HashSet::new();
    for f in files {
        if !seen.insert(f.path.to_string_lossy().to_lowercase()) {
            return Err(FormatError::SameOutputName {
                path: out.join(&f.path),
            });
        }
    }
    let targets: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|f| {
            let path = if format.is_single_file() {
                out.to_path_buf()
            } else {
                out.join(&f.path)
            };
            (path, f.bytes.as_slice())
        })
        .collect();
    write_all(&targets, control)?;
    Ok(targets.into_iter().map(|(p, _)| p).collect())
}

/// How many files are written at once.
const WRITERS: usize = 8;

/// Writes files atomically, several at a time: each is written to a temporary file
/// ([`stage`]), then all are flushed with one wait for the disk and renamed into place
/// ([`commit_batch`]), which takes a fraction of the time of an fsync per file. Progress is
/// reported as files are staged. Once writing has started it runs to the end, so a cancel
/// never leaves half an export; on an error while staging nothing of this batch is written.
///
/// [`stage`]: crate::project_dir::atomic::stage
/// [`commit_batch`]: crate::project_dir::atomic::commit_batch
fn write_all(files: &[(PathBuf, &[u8])], control: Control<'_>) -> Result<(), FormatError> {
    use crate::project_dir::atomic::{StagedFile, commit_batch, stage};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<Result<StagedFile, FormatError>>();
    let staged = std::thread::scope(|scope| {
        for _ in 0..WRITERS.min(files.len()) {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || {
                while let Some((path, bytes)) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = stage(path, bytes).map_err(|source| FormatError::Write {
                        path: path.clone(),
                        source,
                    });
                    let failed = result.is_err();
                    if tx.send(result).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut staged = Vec::with_capacity(files.len());
        let mut first_error = None;
        for (done, result) in rx.into_iter().enumerate() {
            match result {
                Ok(file) => {
                    staged.push(file);
                    // Writing is not stopped half-way (see above): the answer is not needed.
                    let _ = control(super::Progress {
                        stage: Stage::Writing,
                        done,
                        total: files.len(),
                        item: "",
                    });
                }
                Err(e) => {
                    next.store(files.len(), Ordering::Relaxed);
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(staged), Err)
    })?;
    commit_batch(staged).map_err(|(path, source)| FormatError::Write { path, source })
}

/// What to do with labels, relation kinds, group kinds and attributes the schema lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UnknownNames {
    /// Refuse the import, naming them (nothing is written).
    #[default]
    Refuse,
    /// Add them to the project's schema.
    Add,
}

/// What `accord import` was asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOptions {
    /// The format of the source.
    pub format: Format,
    /// A file (JSONL, CoNLL, Label Studio JSON) or folder (brat).
    pub source: PathBuf,
    /// The project folder to import into (created when missing).
    pub into: PathBuf,
    /// Whose annotations the imported ones become.
    pub annotator: String,
    /// Names the schema lacks.
    pub unknown: UnknownNames,
    /// Replace annotation and link files that exist.
    pub force: bool,
}

/// What an import did.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// Documents written into the project.
    pub documents_added: Vec<String>,
    /// Documents the project had already (same text).
    pub documents_existing: Vec<String>,
    /// Annotation and link files written.
    pub files_written: Vec<PathBuf>,
    /// Of those, files that existed and were replaced (`--force`).
    pub replaced: Vec<PathBuf>,
    /// Annotations imported.
    pub annotations: usize,
    /// Links imported.
    pub links: usize,
    /// Cross-document groups imported.
    pub groups: usize,
    /// Names added to the schema (`label "X"`, `attribute "COMMITMENT.kind"`, …).
    pub schema_added: Vec<String>,
    /// True when `accord.ron` (or the schema file) was written.
    pub project_file_written: bool,
    /// What could not be mapped.
    pub problems: Vec<Loss>,
}

/// Reads an import source into memory without touching any project.
pub fn read_source(
    format: Format,
    source: &Path,
    ctx: &ImportContext<'_>,
    control: Control<'_>,
) -> Result<Imported, FormatError> {
    let spec = format
        .import()
        .ok_or(FormatError::NotImportable { format })?;
    (spec.read)(source, ctx, control)
}

/// One import source held in memory, as [`read_source`] would read it from files.
#[derive(Clone, Copy, Debug)]
pub enum SourceText<'a> {
    /// The text of a JSONL, CoNLL or Label Studio JSON file.
    File(&'a str),
    /// One brat document: the bytes of its `.txt` and the text of its `.ann`.
    Brat {
        /// The `.txt` file's bytes (UTF-8, perhaps with a BOM).
        txt: &'a [u8],
        /// The `.ann` file's text.
        ann: &'a str,
    },
}

impl<'a> SourceText<'a> {
    /// The text of the file read: the file's, or a brat document's `.ann`.
    pub fn text(self) -> &'a str {
        match self {
            SourceText::File(text) => text,
            SourceText::Brat { ann, .. } => ann,
        }
    }
}

/// Reads an import source held in memory: the same parsing as [`read_source`], without the
/// file system (the fuzz targets feed it untrusted bytes). `path` stands for the source file
/// (a brat `.ann` file): it names it in errors and gives unnamed documents their names. A
/// brat document gets the file name of `path` with `.txt`; brat text given as
/// [`SourceText::File`] is read as an `.ann` file of an empty document.
pub fn read_source_text(
    format: Format,
    path: &Path,
    source: SourceText<'_>,
    ctx: &ImportContext<'_>,
    control: Control<'_>,
) -> Result<Imported, FormatError> {
    let spec = format
        .import()
        .ok_or(FormatError::NotImportable { format })?;
    (spec.parse)(path, source, ctx, control)
}

/// Imports a source into a project: documents (when new), one annotation file per document
/// and the annotator's cross-document groups, each written atomically. Refuses, writing
/// nothing, when annotation files exist (unless `force`), when the schema lacks names (unless
/// [`UnknownNames::Add`]), or when a document exists with another text.
pub fn import(options: &ImportOptions, control: Control<'_>) -> Result<ImportReport, FormatError> {
    if !options.format.can_import() {
        return Err(FormatError::NotImportable {
            format: options.format,
        });
    }
    check_annotator_name(&options.annotator).map_err(FormatError::BadAnnotator)?;
    let into = &options.into;
    if !into.exists() {
        std::fs::create_dir_all(into).map_err(|source| FormatError::Write {
            path: into.clone(),
            source,
        })?;
    }
    let project = Project::open(into)?;
    let dir = &project.dir;
    let mut schema = (*project.schema).clone();
    let ctx = ImportContext {
        annotator: &options.annotator,
        now: Timestamp::now(),
        schema: &schema,
    };
    let mut imported = read_source(options.format, &options.source, &ctx, &mut *control)?;
    if imported.documents.is_empty() {
        return Err(FormatError::NothingToImport {
            path: options.source.clone(),
        });
    }
    let mut report = ImportReport::default();
    tidy(&mut imported);

    // Documents: new ones are written, existing ones must hold the same text.
    let mut new_docs: Vec<(PathBuf, Vec<u8>, usize)> = Vec::new();
    let mut stamps: BTreeMap<String, DocumentStamp> = BTreeMap::new();
    for (i, doc) in imported.documents.iter().enumerate() {
        let bad_name = |e: String| FormatError::Parse {
            path: options.source.clone(),
            line: 0,
            message: format!("document name {:?} cannot be used: {e}", doc.file),
        };
        check_relative(&doc.file).map_err(|e| bad_name(e.to_string()))?;
        let path = dir.path(&doc.file);
        dir.resolve(&path).map_err(|e| bad_name(e.to_string()))?;
        let existing = match project
            .document_index(&doc.file)
            .and_then(|d| project.slot(d))
        {
            Some(slot) => Some(slot.document.as_ref().ok().cloned()),
            None => match dir.kind(&path).map_err(|e| bad_name(e.to_string()))? {
                None => None,
                Some(Kind::File) => {
                    Some(Document::open_in(dir, &doc.file, &Default::default()).ok())
                }
                Some(Kind::Folder | Kind::Other(_)) => {
                    return Err(bad_name(format!(
                        "{} is in the way and is not a file",
                        dir.root().join(&doc.file).display()
                    )));
                }
            },
        };
        match existing {
            Some(Some(old)) if old.text() == doc.text => {
                stamps.insert(doc.file.clone(), DocumentStamp::of(&old));
                report.documents_existing.push(doc.file.clone());
            }
            Some(_) => {
                return Err(FormatError::DocumentDiffers {
                    path,
                    document: doc.file.clone(),
                });
            }
            None => {
                let mut bytes = Vec::with_capacity(doc.text.len() + 3);
                if doc.bom {
                    bytes.extend_from_slice(b"\xEF\xBB\xBF");
                }
                bytes.extend_from_slice(doc.text.as_bytes());
                let built = Document::from_bytes(doc.file.clone(), bytes.clone()).map_err(|e| {
                    FormatError::Parse {
                        path: options.source.clone(),
                        line: 0,
                        message: format!("document {:?} cannot be imported: {e}", doc.file),
                    }
                })?;
                stamps.insert(doc.file.clone(), DocumentStamp::of(&built));
                new_docs.push((dir.path(&doc.file), bytes, i));
            }
        }
    }

    // Names the schema lacks.
    let missing = missing_names(&schema, &imported);
    if !missing.is_empty() {
        match options.unknown {
            UnknownNames::Refuse => {
                return Err(FormatError::UnknownNames {
                    names: missing.iter().map(|m| m.describe()).collect(),
                });
            }
            UnknownNames::Add => {
                for m in &missing {
                    m.add_to(&mut schema);
                    report.schema_added.push(m.describe());
                }
                schema.check().map_err(|e| FormatError::Parse {
                    path: options.source.clone(),
                    line: 0,
                    message: format!("the schema with the added names does not hold: {e}"),
                })?;
            }
        }
    }

    // Files that would be replaced.
    let mut targets = Vec::new();
    for doc in &imported.documents {
        if doc.annotations.is_empty() && doc.links.is_empty() {
            continue;
        }
        targets.push(project.annotation_path(&options.annotator, &doc.file));
    }
    let links_path = project.links_path(&options.annotator);
    let mut existing: Vec<PathBuf> = Vec::new();
    for path in targets
        .iter()
        .chain((!imported.groups.is_empty()).then_some(&links_path))
    {
        if dir.kind(path)?.is_some() {
            existing.push(path.clone());
        }
    }
    if !existing.is_empty() && !options.force {
        return Err(FormatError::WouldOverwrite { files: existing });
    }
    report.replaced = existing;
    // Every file's text first (a cancel here leaves nothing written), then the writes.
    let mut annotation_files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (i, doc) in imported.documents.iter().enumerate() {
        step(
            control,
            Stage::Converting,
            i,
            imported.documents.len(),
            &doc.file,
        )?;
        if doc.annotations.is_empty() && doc.links.is_empty() {
            continue;
        }
        let Some(stamp) = stamps.get(&doc.file) else {
            continue;
        };
        let path = project.annotation_path(&options.annotator, &doc.file);
        let file = AnnotationFile {
            format: CURRENT_FORMAT,
            document: stamp.clone(),
            annotator: options.annotator.clone(),
            next_id: doc.next_id,
            annotations: doc.annotations.clone(),
            links: doc.links.clone(),
        };
        annotation_files.push((path.clone(), file.to_ron(&path)?.into_bytes()));
        report.annotations += doc.annotations.len();
        report.links += doc.links.len();
    }
    if !imported.groups.is_empty() {
        let mut file = CrossLinkFile {
            format: crate::project::LINKS_FORMAT,
            annotator: options.annotator.clone(),
            next_id: imported.groups.iter().map(|g| g.id.0).max().unwrap_or(0) + 1,
            groups: imported.groups.clone(),
        };
        // As `CrossLinkFile::save` writes it: groups by id.
        file.groups.sort_by_key(|g| g.id);
        annotation_files.push((
            links_path.clone(),
            to_pretty_ron(&file, &links_path)?.into_bytes(),
        ));
        report.groups = imported.groups.len();
    }
    // One writer per annotator: an Accord with these annotations open (or another import)
    // holds the lock, and the import refuses rather than write under it. Taken only now, so
    // an import stopped before writing leaves the folder as it was.
    // Every file written is the annotator's (`--annotator`): the documents' annotations and
    // their groups; authors named in the source are kept as each annotation's author only.
    let _writers = crate::project::lock::Writers::acquire(into, [&options.annotator])
        .map_err(|e| FormatError::Locked(Box::new(e)))?;
    // Where each file goes, checked before anything is written (no folder or file of the
    // project may lead out of it).
    let documents: Vec<(PathBuf, &[u8])> = new_docs
        .iter()
        .map(|(path, bytes, _)| Ok((dir.writable(path)?, bytes.as_slice())))
        .collect::<Result<_, FsError>>()?;
    let annotations: Vec<(PathBuf, &[u8])> = annotation_files
        .iter()
        .map(|(path, bytes)| Ok((dir.writable(path)?, bytes.as_slice())))
        .collect::<Result<_, FsError>>()?;
    // Documents first, so annotation files never point at a missing text.
    write_all(&documents, &mut *control)?;
    report.documents_added = new_docs
        .iter()
        .map(|(_, _, i)| imported.documents[*i].file.clone())
        .collect();
    write_all(&annotations, &mut *control)?;
    report.files_written = annotation_files.into_iter().map(|(p, _)| p).collect();

    // The project file: new documents, a changed schema, or a folder that had none.
    let entries: Vec<DocumentEntry> = new_docs
        .iter()
        .map(|(_, _, i)| {
            let doc = &imported.documents[*i];
            DocumentEntry {
                file: doc.file.clone(),
                language: doc.language.clone(),
                date: doc.date.clone(),
                title: doc.title.clone(),
                // Imported documents are written as UTF-8.
                encoding: None,
            }
        })
        .collect();
    let mut inline_schema = None;
    if !report.schema_added.is_empty() {
        match &project.file.schema {
            SchemaSource::File(rel) => {
                let path = dir.path(rel);
                dir.write(&path, to_pretty_ron(&schema, &path)?.as_bytes())?;
            }
            SchemaSource::Default | SchemaSource::Inline(_) => inline_schema = Some(schema),
        }
    }
    if !entries.is_empty() || inline_schema.is_some() || !project.has_project_file {
        crate::project::setup::add_to_project_file(&project, &entries, inline_schema).map_err(
            |e| match e {
                crate::project::setup::SetupError::ProjectFileEdit { path, why } => {
                    FormatError::Parse {
                        path,
                        line: 0,
                        message: format!(
                            "cannot add the imported documents to it without losing what it holds ({why}); nothing was changed in it. Add them by hand"
                        ),
                    }
                }
                other => FormatError::Setup(Box::new(other)),
            },
        )?;
        report.project_file_written = true;
    }
    report.problems = imported.problems;
    Ok(report)
}

/// Drops what points nowhere: links and references to annotations that are not there, group
/// members that are not imported, and groups left with fewer than two members.
fn tidy(imported: &mut Imported) {
    let mut present: HashSet<(String, AnnotationId)> = HashSet::new();
    for doc in &mut imported.documents {
        let ids: HashSet<AnnotationId> = doc.annotations.iter().map(|a| a.id).collect();
        for a in &mut doc.annotations {
            for (name, value) in a.attributes.iter_mut() {
                if let AttributeValue::Refs(refs) = value {
                    let before = refs.len();
                    refs.retain(|r| ids.contains(r));
                    if refs.len() != before {
                        imported.problems.push(Loss {
                            document: doc.file.clone(),
                            annotation: Some(a.id),
                            kind: LossKind::NotMapped,
                            detail: format!(
                                "attribute {name}: references to missing annotations dropped"
                            ),
                        });
                    }
                }
            }
            a.attributes
                .retain(|_, v| !matches!(v, AttributeValue::Refs(r) if r.is_empty()));
        }
        let file = doc.file.clone();
        doc.links.retain(|l| {
            let ok = ids.contains(&l.from) && ids.contains(&l.to);
            if !ok {
                imported.problems.push(Loss {
                    document: file.clone(),
                    annotation: None,
                    kind: LossKind::NotMapped,
                    detail: format!(
                        "{} {} → {}: an end is not an imported annotation; left out",
                        l.kind, l.from, l.to
                    ),
                });
            }
            ok
        });
        present.extend(ids.into_iter().map(|id| (doc.file.clone(), id)));
    }
    let problems = &mut imported.problems;
    imported.groups.retain_mut(|g: &mut CrossGroup| {
        g.members
            .retain(|m| present.contains(&(m.document.clone(), m.annotation)));
        g.members.sort();
        let keep = g.members.len() >= 2;
        if !keep {
            problems.push(Loss {
                document: String::new(),
                annotation: None,
                kind: LossKind::NotMapped,
                detail: format!(
                    "group {} ({}): fewer than two members are imported; left out",
                    g.id.0, g.kind
                ),
            });
        }
        keep
    });
}

/// The kind of value an attribute the schema lacks was seen with.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Example {
    Enum(String),
    Text,
    Bool,
    Refs,
}

impl From<&AttributeValue> for Example {
    fn from(v: &AttributeValue) -> Self {
        match v {
            AttributeValue::Enum(s) => Example::Enum(s.clone()),
            AttributeValue::Text(_) => Example::Text,
            AttributeValue::Bool(_) => Example::Bool,
            AttributeValue::Refs(_) => Example::Refs,
        }
    }
}

/// A name an import uses that the schema lacks.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Missing {
    Label(String),
    Relation(String),
    GroupKind(String),
    Attribute {
        label: String,
        name: String,
        example: Example,
    },
    EnumValue {
        label: String,
        name: String,
        value: String,
    },
}

impl Missing {
    fn describe(&self) -> String {
        match self {
            Missing::Label(l) => format!("label {l:?}"),
            Missing::Relation(r) => format!("relation kind {r:?}"),
            Missing::GroupKind(k) => format!("cross-document kind {k:?}"),
            Missing::Attribute { label, name, .. } => format!("attribute {label}.{name}"),
            Missing::EnumValue { label, name, value } => {
                format!("value {value:?} of attribute {label}.{name}")
            }
        }
    }

    fn add_to(&self, schema: &mut Schema) {
        match self {
            Missing::Label(name) => {
                let used: HashSet<Rgb> = schema.labels.iter().map(|l| l.color).collect();
                let color = PALETTE
                    .iter()
                    .map(|&c| Rgb(c))
                    .find(|c| !used.contains(c))
                    .unwrap_or(Rgb([0x80, 0x80, 0x80]));
                schema.labels.push(LabelDef {
                    name: name.clone(),
                    layer: Layer::Entity,
                    color,
                    hotkey: None,
                    description: "Added by `accord import`.".into(),
                    attributes: Vec::new(),
                });
            }
            Missing::Relation(name) => schema.relations.push(RelationDef {
                name: name.clone(),
                from_labels: Vec::new(),
                to_labels: Vec::new(),
                description: "Added by `accord import`.".into(),
            }),
            Missing::GroupKind(name) => schema.cross_document.push(GroupKindDef {
                name: name.clone(),
                labels: Vec::new(),
                description: "Added by `accord import`.".into(),
            }),
            Missing::Attribute {
                label,
                name,
                example,
            } => {
                let kind = match example {
                    Example::Enum(v) => AttributeKind::Enum {
                        values: vec![v.clone()],
                    },
                    Example::Text => AttributeKind::Text,
                    Example::Bool => AttributeKind::Bool,
                    Example::Refs => AttributeKind::SpanRef {
                        labels: Vec::new(),
                        many: true,
                        text_allowed: false,
                    },
                };
                if let Some(l) = schema.labels.iter_mut().find(|l| l.name == *label) {
                    l.attributes.push(AttributeDef {
                        name: name.clone(),
                        kind,
                        required: false,
                        description: "Added by `accord import`.".into(),
                    });
                }
            }
            Missing::EnumValue { label, name, value } => {
                if let Some(AttributeKind::Enum { values }) = schema
                    .labels
                    .iter_mut()
                    .find(|l| l.name == *label)
                    .and_then(|l| l.attributes.iter_mut().find(|a| a.name == *name))
                    .map(|a| &mut a.kind)
                {
                    values.push(value.clone());
                }
            }
        }
    }
}

/// Distinct colours for labels an import adds.
const PALETTE: [[u8; 3]; 8] = [
    [0xff, 0xe1, 0x19],
    [0x00, 0x80, 0x80],
    [0xdc, 0xbe, 0xff],
    [0xaa, 0xff, 0xc3],
    [0x80, 0x80, 0x00],
    [0xff, 0xd8, 0xb1],
    [0x00, 0x00, 0x75],
    [0xfa, 0xbe, 0xd4],
];

/// Everything the import uses that `schema` does not declare, in a stable order, each once.
fn missing_names(schema: &Schema, imported: &Imported) -> Vec<Missing> {
    let mut missing = BTreeSet::new();
    let mut new_labels = BTreeSet::new();
    for doc in &imported.documents {
        for a in &doc.annotations {
            let label = schema.label(&a.label);
            if label.is_none() {
                new_labels.insert(a.label.clone());
                missing.insert(Missing::Label(a.label.clone()));
            }
            for (name, value) in &a.attributes {
                match label.and_then(|l| l.attribute(name)).map(|d| &d.kind) {
                    None => {
                        // An attribute of a label that is added with it is added too.
                        let already = missing.iter().any(|m| {
                            matches!(m, Missing::Attribute { label, name: n, .. } if *label == a.label && n == name)
                        });
                        if !already {
                            missing.insert(Missing::Attribute {
                                label: a.label.clone(),
                                name: name.clone(),
                                example: Example::from(value),
                            });
                        }
                    }
                    Some(AttributeKind::Enum { values }) => {
                        if let AttributeValue::Enum(v) = value
                            && !values.contains(v)
                        {
                            missing.insert(Missing::EnumValue {
                                label: a.label.clone(),
                                name: name.clone(),
                                value: v.clone(),
                            });
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        for l in &doc.links {
            if schema.relation(&l.kind).is_none() {
                missing.insert(Missing::Relation(l.kind.clone()));
            }
        }
    }
    for g in &imported.groups {
        if schema.group_kind(&g.kind).is_none() {
            missing.insert(Missing::GroupKind(g.kind.clone()));
        }
    }
    // Labels first, so attributes of added labels find them.
    let mut out: Vec<Missing> = missing.into_iter().collect();
    out.sort_by_key(|m| !matches!(m, Missing::Label(_)));
    out
}
