//! Labels that leave Accord and corpora that come in: one file per format, each holding its
//! export (and, where the format can carry Accord's data back, its import).
//!
//! Everything here works on a [`Corpus`]: the documents of a project with one annotator's
//! annotations, links and cross-document groups, in memory. An export turns a corpus into
//! [`OutputFile`]s (bytes in memory, nothing written yet); an import turns files into an
//! [`Imported`] corpus. Reading a project into a corpus and writing files or a project back
//! is done by [`export`] and [`import`] (`formats/run.rs`), which the command line and the
//! window's dialogs call.
//!
//! Offsets are Unicode scalar (char) offsets, end-exclusive, into the document as stored (BOM
//! not counted, CRLF two chars) everywhere in Accord, and in JSONL, spaCy, brat, CoNLL (by
//! token) and Label Studio too. The one format that counts otherwise, WebAnno TSV (UTF-16 code
//! units, as Java does), converts at its own edge in `webanno.rs`.
//!
//! ```text
//! text:    T o k a e v ␠ 😊 ␠ 2 0 亿
//! char:    0 1 2 3 4 5 6 7  8 9 …          ← every format here but WebAnno
//! UTF-16:  0 1 2 3 4 5 6 7 9 10 …          ← WebAnno TSV only (😊 is two code units)
//! ```
//!
//! Long work reports [`Progress`] to a callback that can stop it: the callback returns
//! [`ControlFlow::Break`] and the work ends with [`FormatError::Cancelled`], having written
//! nothing. A dialog with a progress bar and a Cancel button runs it on a worker thread:
//!
//! ```no_run
//! use std::ops::ControlFlow;
//! use std::sync::atomic::{AtomicBool, Ordering};
//!
//! use accord::formats::{AnnotationSource, ExportOptions, Format, export};
//!
//! let cancel = AtomicBool::new(false); // set by the Cancel button
//! let options = ExportOptions {
//!     format: Format::Brat,
//!     out: "export/brat".into(),
//!     source: AnnotationSource::Curated,
//!     documents: Vec::new(),
//!     labels: Vec::new(),
//!     include_undecided: false,
//! };
//! let report = export("sample_docs".as_ref(), &options, &mut |p| {
//!     println!("{} {}/{} {}", p.stage.name(), p.done + 1, p.total, p.item);
//!     if cancel.load(Ordering::Relaxed) {
//!         ControlFlow::Break(())
//!     } else {
//!         ControlFlow::Continue(())
//!     }
//! });
//! ```

mod brat;
mod conll;
mod html;
mod jsonl;
mod label_studio;
mod run;
mod spacy;
mod webanno;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::ops::ControlFlow;
use std::path::PathBuf;

use thiserror::Error;

use crate::model::{Annotation, AnnotationId, CharRange, CrossGroup, Link, Timestamp};
use crate::project::ProjectError;
use crate::schema::{Layer, Schema};

pub use label_studio::xml_attribute;
pub use run::{
    AnnotationSource, ExportOptions, ExportReport, ImportOptions, ImportReport, SourceText,
    UnknownNames, export, export_corpus, import, load_corpus, read_source, read_source_text,
};

/// The formats Accord writes (all) and reads (those with an [`ImportSpec`]). Each is
/// described once, by its module's [`FormatSpec`]; [`Format::spec`] finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// One JSON object per document and line: text, spans, everything Accord knows.
    Jsonl,
    /// A spaCy v3 `DocBin` (`.spacy`), ready for `spacy train`.
    Spacy,
    /// CoNLL-2003 style columns, IOB2 tags.
    Conll,
    /// brat standoff: `.txt` + `.ann` per document, `annotation.conf`, `visual.conf`.
    Brat,
    /// WebAnno TSV 3.3, for INCEpTION.
    WebannoTsv,
    /// Label Studio task JSON and its labelling configuration.
    LabelStudio,
    /// Standalone HTML pages for reading a review outside Accord.
    Html,
}

/// The one list of formats, in the order help and dialogs show them. A new format is a module
/// with a [`FormatSpec`], a [`Format`] variant, and a line here.
pub const REGISTRY: [&FormatSpec; 7] = [
    &jsonl::SPEC,
    &spacy::SPEC,
    &conll::SPEC,
    &brat::SPEC,
    &webanno::SPEC,
    &label_studio::SPEC,
    &html::SPEC,
];

/// Everything Accord knows about a format, declared once in its module: its names, what it
/// writes, how it converts a corpus, and how it is read back when it can be.
#[derive(Debug)]
pub struct FormatSpec {
    /// The format this describes.
    pub format: Format,
    /// The name used on the command line (`webanno-tsv`, `label-studio`, …).
    pub name: &'static str,
    /// The name the window shows (`WebAnno TSV`).
    pub title: &'static str,
    /// One line on what an export writes.
    pub writes: &'static str,
    /// One file, or a folder of files.
    pub output: Output,
    /// Converts a corpus, in memory: the files to write and what the format lost.
    pub export: fn(&Corpus, Control<'_>) -> ExportResult,
    /// How it is imported, if Accord can read it back.
    pub import: Option<ImportSpec>,
}

/// What an export function returns: the files, and what the format could not express.
pub type ExportResult = Result<(Vec<OutputFile>, Vec<Loss>), FormatError>;

/// What an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// One file, usually named with this extension.
    File {
        /// The file name's ending, without the dot.
        extension: &'static str,
    },
    /// A folder of files.
    Folder,
}

/// How a format is read back (`accord import`).
#[derive(Debug)]
pub struct ImportSpec {
    /// One line on what an import reads.
    pub reads: &'static str,
    /// A file, a folder, or either.
    pub source: SourceKind,
    /// Reads a source from the file system.
    pub read:
        fn(&std::path::Path, &ImportContext<'_>, Control<'_>) -> Result<Imported, FormatError>,
    /// Reads a source held in memory (`path` names it in errors): the same parsing without
    /// the file system, for the fuzzers.
    pub parse: fn(
        &std::path::Path,
        SourceText<'_>,
        &ImportContext<'_>,
        Control<'_>,
    ) -> Result<Imported, FormatError>,
}

/// What an import reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A file, usually with one of these extensions.
    File(&'static [&'static str]),
    /// A folder.
    Folder,
    /// A file with one of these extensions, or the folder of an export.
    FileOrFolder(&'static [&'static str]),
}

impl SourceKind {
    /// True when a folder is read.
    pub fn takes_folder(self) -> bool {
        !matches!(self, SourceKind::File(_))
    }

    /// True when a file is read.
    pub fn takes_file(self) -> bool {
        !matches!(self, SourceKind::Folder)
    }

    /// The file name endings of a file source.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            SourceKind::File(e) | SourceKind::FileOrFolder(e) => e,
            SourceKind::Folder => &[],
        }
    }
}

impl Format {
    /// Every format, in the order the help lists them.
    pub const ALL: [Format; 7] = [
        Format::Jsonl,
        Format::Spacy,
        Format::Conll,
        Format::Brat,
        Format::WebannoTsv,
        Format::LabelStudio,
        Format::Html,
    ];

    /// The format's description, from its module.
    pub fn spec(self) -> &'static FormatSpec {
        REGISTRY[self as usize]
    }

    /// The name used on the command line (`webanno-tsv`, `label-studio`, …).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The name the window shows.
    pub fn title(self) -> &'static str {
        self.spec().title
    }

    /// How Accord reads this format back, if it can (`accord import`).
    pub fn import(self) -> Option<&'static ImportSpec> {
        self.spec().import.as_ref()
    }

    /// True when Accord can read this format back (`accord import`).
    pub fn can_import(self) -> bool {
        self.import().is_some()
    }

    /// True when an export is one file; otherwise it is a folder of files.
    pub fn is_single_file(self) -> bool {
        matches!(self.spec().output, Output::File { .. })
    }

    /// Every format's command-line name, in order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        REGISTRY.iter().map(|s| s.name)
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    /// The format called `name` on the command line.
    fn from_str(name: &str) -> Result<Format, String> {
        REGISTRY
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.format)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::names().collect();
                format!("unknown format {name:?}; use one of: {}", names.join(", "))
            })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One document with one annotator's annotations, as a format sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorpusDocument {
    /// The document's file name in the project (`kz-tj-joint-statement.zh.txt`).
    pub file: String,
    /// The text as stored, without a BOM.
    pub text: String,
    /// True when the file starts with a UTF-8 BOM (which offsets do not count).
    pub bom: bool,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// Publication date as written.
    pub date: Option<String>,
    /// A short title.
    pub title: Option<String>,
    /// Annotations in file order (by start, then id).
    pub annotations: Vec<Annotation>,
    /// Links inside the document.
    pub links: Vec<Link>,
    /// The id counter of the annotation file (ids are never reused).
    pub next_id: u64,
}

impl CorpusDocument {
    /// Room for this document as JSON (JSONL, Label Studio): its text and 256 bytes an
    /// annotation (they take 150–250), so the buffer is not grown a dozen times.
    pub(crate) fn json_size_hint(&self) -> usize {
        self.text.len() + 256 * self.annotations.len() + 1024
    }

    /// A document with no annotations.
    pub fn new(file: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            text: text.into(),
            bom: false,
            language: None,
            date: None,
            title: None,
            annotations: Vec::new(),
            links: Vec::new(),
            next_id: 1,
        }
    }

    /// The annotation with this id.
    pub fn annotation(&self, id: AnnotationId) -> Option<&Annotation> {
        self.annotations.iter().find(|a| a.id == id)
    }
}

/// Documents with one annotator's annotations, and the schema they follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Corpus {
    /// The project's display name.
    pub name: String,
    /// Whose annotations these are (`curated` for the reviewers' gold set).
    pub annotator: String,
    /// The project's schema.
    pub schema: Schema,
    /// The documents, in project order.
    pub documents: Vec<CorpusDocument>,
    /// Cross-document groups whose members are in these documents.
    pub groups: Vec<CrossGroup>,
}

impl Corpus {
    /// `convert` of every document (with its index) on every core, in order, reporting
    /// progress as [`Stage::Converting`]; what each conversion lost is gathered in document
    /// order. Every format's export converts its documents through this.
    pub(crate) fn convert<'a, T: Send>(
        &'a self,
        control: Control<'_>,
        convert: impl Fn(usize, &'a CorpusDocument, &mut Vec<Loss>) -> T + Sync,
    ) -> Result<(Vec<T>, Vec<Loss>), FormatError> {
        let parts = par_map(
            &self.documents,
            control,
            Stage::Converting,
            |d| &d.file,
            |i, doc| {
                let mut lost = Vec::new();
                (convert(i, doc, &mut lost), lost)
            },
        )?;
        let mut losses = Vec::new();
        let converted = parts
            .into_iter()
            .map(|(t, lost)| {
                losses.extend(lost);
                t
            })
            .collect();
        Ok((converted, losses))
    }

    /// The cross-document groups each document has a member in, by document file name, in the
    /// corpus's order: one pass, not a search of every group for every document.
    pub fn groups_by_document(&self) -> HashMap<&str, Vec<&CrossGroup>> {
        let mut by_doc: HashMap<&str, Vec<&CrossGroup>> = HashMap::new();
        for g in &self.groups {
            for m in &g.members {
                let of_doc = by_doc.entry(&m.document).or_default();
                // Two members in one document: the group once.
                if of_doc.last().is_none_or(|last| !std::ptr::eq(*last, g)) {
                    of_doc.push(g);
                }
            }
        }
        by_doc
    }
}

/// What an import read: documents with annotations, groups, and what it could not map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    /// The documents read, each with its annotations.
    pub documents: Vec<CorpusDocument>,
    /// Cross-document groups (JSONL only).
    pub groups: Vec<CrossGroup>,
    /// What could not be mapped, one entry each.
    pub problems: Vec<Loss>,
}

/// Who and when, for annotations whose format does not say.
#[derive(Clone, Debug)]
pub struct ImportContext<'a> {
    /// The annotator the import is for: the author of annotations without one.
    pub annotator: &'a str,
    /// The time given to annotations without one.
    pub now: Timestamp,
    /// The schema of the project imported into (brat and Label Studio tell span-reference
    /// attributes from relations by it).
    pub schema: &'a Schema,
}

/// A file an export produced, not yet written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the export folder; empty for a single-file format (the file is the
    /// `--out` path itself).
    pub path: PathBuf,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Something an export could not express or an import could not map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    /// The document (file name in the project, or in the source for an import).
    pub document: String,
    /// The annotation concerned, if one.
    pub annotation: Option<AnnotationId>,
    /// What kind of loss.
    pub kind: LossKind,
    /// Details for the person reading the report.
    pub detail: String,
}

/// Kinds of [`Loss`], counted in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LossKind {
    /// A span overlapping one already kept, in a format whose spans cannot overlap.
    Overlapping,
    /// A discontinuous span, in a format without them.
    Discontinuous,
    /// A span whose edges fall inside a token: widened to whole tokens.
    Widened,
    /// Line breaks at a span's edges, which the format cannot show, left out.
    Trimmed,
    /// A span reaching across a sentence break, in a format whose spans stay in one.
    CrossesSentence,
    /// An attribute the format cannot hold.
    Attribute,
    /// A note the format cannot hold, or only changed (line breaks as spaces).
    Note,
    /// A link (relation) the format cannot hold.
    Link,
    /// A cross-document group the format cannot hold or the selection cut.
    Group,
    /// A name the format does not allow, written changed.
    Renamed,
    /// An annotation or document left out because it does not match its document.
    Skipped,
    /// A document of the curated set left out because it has no decision yet.
    Undecided,
    /// Input an import could not map to Accord's model.
    NotMapped,
}

impl LossKind {
    /// Short description for reports.
    pub fn describe(self) -> &'static str {
        match self {
            LossKind::Overlapping => "overlapping spans dropped",
            LossKind::Discontinuous => "discontinuous spans dropped",
            LossKind::Widened => "spans widened to whole tokens",
            LossKind::Trimmed => "spans trimmed of line breaks at their edges",
            LossKind::CrossesSentence => "sentence breaks removed inside spans",
            LossKind::Attribute => "attributes not written",
            LossKind::Note => "notes dropped or changed",
            LossKind::Link => "links not written",
            LossKind::Group => "cross-document groups not written",
            LossKind::Renamed => "names changed to fit the format",
            LossKind::Skipped => "left out (out of date or out of range)",
            LossKind::Undecided => {
                "documents left out: no decision in the curated set yet (--include-undecided exports them without spans)"
            }
            LossKind::NotMapped => "could not be mapped",
        }
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.annotation {
            Some(id) => write!(f, "{} {id}: {}", self.document, self.detail),
            None => write!(f, "{}: {}", self.document, self.detail),
        }
    }
}

/// The most of one import source file Accord reads.
const SOURCE_LIMIT: crate::project_dir::Limit =
    crate::project_dir::Limit::new(4 << 30, "an import source file");

/// Reads an import source file (one the user named, or found in a source folder): only a
/// regular file, opened without blocking, up to a limit — never a FIFO or a device.
pub(crate) fn read_source_file(path: &std::path::Path) -> Result<Vec<u8>, FormatError> {
    crate::project_dir::read_outside(path, SOURCE_LIMIT)?
        .ok_or_else(|| crate::project_dir::FsError::missing(path).into())
}

/// [`read_source_file`] as UTF-8 text.
pub(crate) fn read_source_text_file(path: &std::path::Path) -> Result<String, FormatError> {
    String::from_utf8(read_source_file(path)?).map_err(|_| FormatError::Parse {
        path: path.to_path_buf(),
        line: 0,
        message: "it is not UTF-8 text".into(),
    })
}

/// Counts of losses by kind, for a summary line.
pub fn count_losses(losses: &[Loss]) -> BTreeMap<LossKind, usize> {
    let mut counts = BTreeMap::new();
    for l in losses {
        *counts.entry(l.kind).or_default() += 1;
    }
    counts
}

/// Which part of the work a [`Progress`] report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading documents and annotation files.
    Reading,
    /// Turning documents into the format.
    Converting,
    /// Writing files.
    Writing,
}

impl Stage {
    /// Lower-case name for a progress bar.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Converting => "converting",
            Stage::Writing => "writing",
        }
    }
}

/// How far an export or import has got: `done` of `total` items of `stage`.
#[derive(Clone, Copy, Debug)]
pub struct Progress<'a> {
    /// The part of the work.
    pub stage: Stage,
    /// Items finished.
    pub done: usize,
    /// Items in this stage.
    pub total: usize,
    /// The item being worked on (a document's file name).
    pub item: &'a str,
}

/// The callback that hears [`Progress`] and may stop the work by returning
/// [`ControlFlow::Break`]. A GUI passes one that updates its bar and checks its cancel button;
/// `&mut |_| ControlFlow::Continue(())` runs to the end silently.
pub type Control<'a> = &'a mut dyn FnMut(Progress<'_>) -> ControlFlow<()>;

/// Reports progress and turns a requested stop into [`FormatError::Cancelled`].
pub(crate) fn step(
    control: &mut dyn FnMut(Progress<'_>) -> ControlFlow<()>,
    stage: Stage,
    done: usize,
    total: usize,
    item: &str,
) -> Result<(), FormatError> {
    match control(Progress {
        stage,
        done,
        total,
        item,
    }) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(()) => Err(FormatError::Cancelled),
    }
}

/// At most how many items [`par_map`] does between two reports of progress: enough to keep
/// every core busy, few enough that a cancel is heard at once.
const PAR_CHUNK: usize = 64;

/// `f` of every item and its index, in order, computed on every core. Progress is reported
/// (and a cancel heard) before each chunk of items, named by its first; a chunk is an eighth
/// of a core's share, at most [`PAR_CHUNK`] items, so a small project still reports item by
/// item.
pub(crate) fn par_map<'a, I: Sync, T: Send>(
    items: &'a [I],
    control: &mut dyn FnMut(Progress<'_>) -> ControlFlow<()>,
    stage: Stage,
    name: impl Fn(&I) -> &str,
    f: impl Fn(usize, &'a I) -> T + Sync,
) -> Result<Vec<T>, FormatError> {
    use rayon::prelude::*;
    let chunk = (items.len() / (8 * rayon::current_num_threads())).clamp(1, PAR_CHUNK);
    let mut out = Vec::with_capacity(items.len());
    for (n, part) in items.chunks(chunk).enumerate() {
        let first = n * chunk;
        step(control, stage, first, items.len(), name(&part[0]))?;
        out.par_extend(
            part.par_iter()
                .enumerate()
                .map(|(i, item)| f(first + i, item)),
        );
    }
    Ok(out)
}

/// Why an export or import could not be done.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The project could not be opened.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// A file could not be read.
    #[error("cannot read {path}: {source}; check that it exists and can be read")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error(
        "cannot write {path}: {source}; check that its folder is writable and the disk has space"
    )]
    Write {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A file is not what its format says.
    #[error("{path}:{line}: {message}; fix the file or export it again")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when the whole file is meant).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The work was stopped by its caller; nothing was written.
    #[error("cancelled: nothing was written")]
    Cancelled,
    /// No annotator was named and the project does not say whose annotations to export.
    #[error(
        "{project}: say whose annotations to export with --annotator NAME or --curated (annotators found: {})",
        list_or_none(.found)
    )]
    WhichAnnotator {
        /// The project folder.
        project: PathBuf,
        /// Annotators with a folder under `annotations/`.
        found: Vec<String>,
    },
    /// The annotator has no annotations in the project.
    #[error(
        "{project} has no annotations by {annotator:?} (annotators found: {}); check the name",
        list_or_none(.found)
    )]
    NoSuchAnnotator {
        /// The project folder.
        project: PathBuf,
        /// The name asked for.
        annotator: String,
        /// Annotators with a folder under `annotations/`.
        found: Vec<String>,
    },
    /// `--documents` names a document the project does not have.
    #[error("{project} has no document {name:?}; use a file name listed by `accord stats`")]
    NoSuchDocument {
        /// The project folder.
        project: PathBuf,
        /// The name given.
        name: String,
    },
    /// The annotator name cannot be a folder name.
    #[error("{0}")]
    BadAnnotator(String),
    /// This format cannot be imported.
    #[error("{format} cannot be imported; import one of: {}", importable_names())]
    NotImportable {
        /// The format asked for.
        format: Format,
    },
    /// The import would replace annotation or link files that exist.
    #[error(
        "these files exist and would be replaced: {}; nothing was written. Pass --force to replace them, or import as another --annotator",
        paths(.files)
    )]
    WouldOverwrite {
        /// The files that exist.
        files: Vec<PathBuf>,
    },
    /// The import uses labels (or relation kinds, attributes) the schema does not declare.
    #[error(
        "the schema has no {}; nothing was written. Pass --unknown-labels add to add them to the schema, or fix the source",
        .names.join(", ")
    )]
    UnknownNames {
        /// What is missing, e.g. `label "TREATY"`.
        names: Vec<String>,
    },
    /// A document to import exists in the project with another text.
    #[error(
        "{path} exists with a different text than the import's {document:?}; nothing was written. Import into another project or rename the file"
    )]
    DocumentDiffers {
        /// The existing file.
        path: PathBuf,
        /// The document's name in the import.
        document: String,
    },
    /// The import source holds no document.
    #[error("{path} holds no document to import; check the path and --format")]
    NothingToImport {
        /// The source given.
        path: PathBuf,
    },
    /// An annotation, link or project file could not be written or read.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The project file could not be updated with what was imported.
    #[error(transparent)]
    Setup(Box<crate::project::setup::SetupError>),
    /// `--out` is inside the project folder, where an export could replace a document or an
    /// annotation file.
    #[error(
        "{out} is inside the project folder ({why}); export outside it, or into its exports/ folder"
    )]
    OutInsideProject {
        /// The path given.
        out: PathBuf,
        /// Why that is refused.
        why: String,
    },
    /// Two of an export's files would have the same name (nothing was written).
    #[error(
        "two of the export's files would both be {path}; nothing was written. Rename one of the documents"
    )]
    SameOutputName {
        /// The path both would take.
        path: PathBuf,
    },
    /// The annotator's lock is held by an Accord (or another import), or cannot be taken:
    /// nothing was written.
    #[error("nothing was imported: {0}")]
    Locked(Box<crate::project::lock::Refused>),
    /// A file of the project leads out of it, is not a file, is too large, or the system
    /// refused ([`crate::project_dir`]).
    #[error(transparent)]
    File(#[from] crate::project_dir::FsError),
}

fn importable_names() -> String {
    let names: Vec<&str> = REGISTRY
        .iter()
        .filter(|s| s.import.is_some())
        .map(|s| s.name)
        .collect();
    names.join(", ")
}

fn list_or_none(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

fn paths(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

// --- Helpers several formats share. ---

/// The spans a format without overlaps keeps: contiguous annotations chosen greedily,
/// entity labels (and labels the schema does not know) before commitments, then by start,
/// then the longer first. Returns the kept ones sorted by start, and losses for the rest.
pub(crate) fn flat_spans<'a>(
    doc: &'a CorpusDocument,
    schema: &Schema,
) -> (Vec<(CharRange, &'a Annotation)>, Vec<Loss>) {
    let mut losses = Vec::new();
    let mut candidates: Vec<(u8, CharRange, &Annotation)> = Vec::new();
    for a in &doc.annotations {
        if a.fragments.len() != 1 {
            losses.push(Loss {
                document: doc.file.clone(),
                annotation: Some(a.id),
                kind: LossKind::Discontinuous,
                detail: format!(
                    "{} “{}” has {} fragments",
                    a.label,
                    a.text(),
                    a.fragments.len()
                ),
            });
            continue;
        }
        let rank = match schema.label(&a.label).map(|l| l.layer) {
            Some(Layer::Commitment) => 1,
            _ => 0,
        };
        candidates.push((rank, a.extent(), a));
    }
    candidates.sort_by_key(|(rank, r, a)| (*rank, r.start, std::cmp::Reverse(r.len()), a.id));
    let mut kept: BTreeMap<usize, (CharRange, &Annotation)> = BTreeMap::new();
    for (_, range, a) in candidates {
        let clash = kept
            .range(..range.end)
            .next_back()
            .filter(|(_, (r, _))| r.overlaps(&range))
            .map(|(_, (_, other))| *other);
        match clash {
            Some(other) => losses.push(Loss {
                document: doc.file.clone(),
                annotation: Some(a.id),
                kind: LossKind::Overlapping,
                detail: format!(
                    "{} “{}” overlaps {} “{}” ({}), which was kept",
                    a.label,
                    a.text(),
                    other.label,
                    other.text(),
                    other.id
                ),
            }),
            None => {
                kept.insert(range.start, (range, a));
            }
        }
    }
    (kept.into_values().collect(), losses)
}

/// `tokens` with every token cut at each offset of `cuts` that falls inside it, so spans
/// starting or ending there line up with token edges.
pub(crate) fn split_tokens(tokens: &[CharRange], cuts: &BTreeSet<usize>) -> Vec<CharRange> {
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        let mut start = t.start;
        for &cut in cuts.range(t.start + 1..t.end) {
            out.push(CharRange::new(start, cut));
            start = cut;
        }
        out.push(CharRange::new(start, t.end));
    }
    out
}

/// Every fragment edge of a document's annotations.
pub(crate) fn fragment_edges(doc: &CorpusDocument) -> BTreeSet<usize> {
    doc.annotations
        .iter()
        .flat_map(|a| &a.fragments)
        .flat_map(|f| [f.start, f.end])
        .collect()
}

/// Char offset → byte offset table of a text (one entry per char, and the end).
pub(crate) fn byte_offsets(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}

/// The label's colour as `#rrggbb`, grey for labels the schema does not know.
pub(crate) fn label_colour(schema: &Schema, label: &str) -> String {
    schema
        .label(label)
        .map_or_else(|| "#a0a0a0".to_owned(), |l| String::from(l.color))
}

/// Fragments for char ranges of `text` (`offsets` from [`byte_offsets`]): sorted, checked to
/// be inside the text, non-empty and not overlapping, each with its text copied.
pub(crate) fn fragments_from(
    text: &str,
    offsets: &[usize],
    mut ranges: Vec<(usize, usize)>,
) -> Result<Vec<crate::model::Fragment>, String> {
    let len = offsets.len() - 1;
    ranges.sort_unstable();
    if ranges.is_empty() {
        return Err("it has no fragment".into());
    }
    let mut out: Vec<crate::model::Fragment> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        if start >= end {
            return Err(format!("fragment {start}..{end} is empty or inverted"));
        }
        if end > len {
            return Err(format!(
                "fragment {start}..{end} runs past the end of the text ({len} chars)"
            ));
        }
        if let Some(last) = out.last()
            && start < last.end
        {
            return Err(format!(
                "fragments {}..{} and {start}..{end} overlap",
                last.start, last.end
            ));
        }
        out.push(crate::model::Fragment {
            start,
            end,
            text: text[offsets[start]..offsets[end]].to_owned(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(id: u64, label: &str, ranges: &[(usize, usize)]) -> Annotation {
        Annotation::fixture(id, label, ranges)
    }

    #[test]
    fn flat_spans_keep_entities_inside_commitments_and_drop_the_rest() {
        let mut doc = CorpusDocument::new("d.txt", "x".repeat(50));
        doc.annotations = vec![
            ann(1, "COMMITMENT", &[(0, 30)]),
            ann(2, "MONEY", &[(20, 25)]),
            ann(3, "PERSON", &[(22, 28)]),
            ann(4, "DATE", &[(40, 42), (44, 46)]),
            ann(5, "COUNTRY", &[(31, 35)]),
        ];
        let (kept, losses) = flat_spans(&doc, &Schema::default_schema());
        let ids: Vec<u64> = kept.iter().map(|(_, a)| a.id.0).collect();
        assert_eq!(ids, vec![2, 5]);
        let kinds: Vec<(u64, LossKind)> = losses
            .iter()
            .map(|l| (l.annotation.map_or(0, |i| i.0), l.kind))
            .collect();
        assert!(kinds.contains(&(1, LossKind::Overlapping)), "{kinds:?}");
        assert!(kinds.contains(&(3, LossKind::Overlapping)), "{kinds:?}");
        assert!(kinds.contains(&(4, LossKind::Discontinuous)), "{kinds:?}");
    }

    #[test]
    fn tokens_are_cut_where_spans_start_inside_them() {
        let tokens = vec![CharRange::new(0, 6), CharRange::new(7, 9)];
        let cuts: BTreeSet<usize> = [0, 2, 4, 7, 9].into_iter().collect();
        assert_eq!(
            split_tokens(&tokens, &cuts),
            vec![
                CharRange::new(0, 2),
                CharRange::new(2, 4),
                CharRange::new(4, 6),
                CharRange::new(7, 9)
            ]
        );
    }

    #[test]
    fn the_registry_describes_each_format_once_in_order() {
        for (i, f) in Format::ALL.into_iter().enumerate() {
            assert_eq!(REGISTRY[i].format, f, "REGISTRY[{i}] describes {f:?}");
            assert_eq!(f.name().parse::<Format>(), Ok(f));
        }
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(err.contains("jsonl, spacy"), "{err}");
        let importable: Vec<&str> = Format::ALL
            .into_iter()
            .filter(|f| f.can_import())
            .map(Format::name)
            .collect();
        assert_eq!(importable, ["jsonl", "conll", "brat", "label-studio"]);
    }
}
