//! A project is a folder:
//!
//! ```text
//! accord.ron                              name, schema, documents, default annotator
//! *.txt                                   the documents (plain text, read-only)
//! annotations/<annotator>/<doc>.ron       one annotation file per document and annotator
//! links/<annotator>.ron                   that annotator's cross-document groups
//! assignments.ron                         who annotates which documents ([`assignments`])
//! status/<annotator>.ron                  the documents that annotator marked finished
//! ```
//!
//! A folder without `accord.ron` opens too: its `*.txt` files with the default schema. Every
//! path in a project is relative and must stay inside the folder. While a [`Workspace`] is
//! open, `annotations/.<annotator>.lock` says which process writes that annotator's files and
//! the operating system's lock on `annotations/.<annotator>.lock.live` says that it still runs
//! ([`lock`]), and `annotations/.<annotator>.journal` holds the steps not saved yet, so a crash
//! loses none of them ([`journal`]).

pub mod assignments;
mod change;
mod cross;
mod date;
pub mod diff;
pub mod git_setup;
pub mod groups;
pub mod lock;
pub mod merge_file;
mod reanchor;
pub mod rejections;
pub mod relabel;
pub mod setup;
pub mod suggestion_settings;
pub mod sync;
mod watch;
mod workspace;

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::{Document, DocumentError};
use crate::project_dir::{FsError, Limit, ProjectDir};
use crate::schema::{Schema, SchemaError};

pub use assignments::{AssignmentsFile, StatusFile};
pub use change::DocumentChange;
pub use cross::{CrossLinkFile, LINKS_FORMAT};
pub use date::{PartialDate, by_date};
pub use watch::{DiskWatch, DiskWatchError};
pub use workspace::{
    Applied, Change, DiskEvent, DocState, GroupState, RefTarget, RejectionEdit, Resolution, Step,
    StoreStatus, Ties, Workspace, WorkspaceError, WorkspaceFile, journal,
};

/// Name of the project file inside a project folder.
pub const PROJECT_FILE: &str = "accord.ron";

/// The annotator folder of the reviewers' gold set (`annotations/curated/`): what review
/// decides, with who proposed each annotation and the decision. Left out of agreement unless
/// named; exported with `--curated` (accepted and edited annotations only).
pub const CURATED: &str = "curated";
/// Folder of the annotation files.
pub const ANNOTATIONS_DIR: &str = "annotations";
/// Folder of the cross-document link files.
pub const LINKS_DIR: &str = "links";
/// The largest project file or schema file Accord reads: 16 MiB.
pub const MAX_PROJECT_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// The most documents a project may list.
pub const MAX_DOCUMENTS: usize = 100_000;

/// Where the schema comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SchemaSource {
    /// The schema shipped with Accord.
    #[default]
    Default,
    /// A RON schema file inside the project folder.
    File(String),
    /// A schema written in the project file itself.
    Inline(Schema),
}

/// One document of the project file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentEntry {
    /// Path relative to the project folder.
    pub file: String,
    /// BCP 47 language tag (`zh`, `ar`, `kk`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Publication date as written: `2024-08-22`, `2024-08`, `2024`, or `--05-20` when the
    /// text gives no year (see [`PartialDate`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// A short title for lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The file's encoding, when detection gets it wrong or is unsure (`Some("windows-1251")`,
    /// any WHATWG label). `None`: UTF-8, a byte order mark, or detection decide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

impl DocumentEntry {
    /// How to read this document's bytes.
    pub fn read_options(&self) -> crate::model::ReadOptions {
        crate::model::ReadOptions {
            encoding: self.encoding.clone(),
            language: self.language.clone(),
        }
    }
}

impl DocumentEntry {
    /// The date read, when there is one and it reads as a date.
    pub fn when(&self) -> Option<PartialDate> {
        self.date.as_deref().and_then(PartialDate::parse)
    }
}

/// The project file, `accord.ron`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectFile {
    /// Format version of the project file (1).
    #[serde(default = "one")]
    pub format: u32,
    /// Display name.
    pub name: String,
    /// The schema.
    #[serde(default)]
    pub schema: SchemaSource,
    /// The documents, in display order.
    pub documents: Vec<DocumentEntry>,
    /// Annotator used when none was chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_annotator: Option<String>,
    /// Which suggesters propose labels, and how sure each must be.
    #[serde(
        default,
        skip_serializing_if = "suggestion_settings::Settings::is_default"
    )]
    pub suggestions: suggestion_settings::Settings,
}

fn one() -> u32 {
    1
}

/// Why a project could not be opened at all.
#[derive(Debug, Error)]
pub enum ProjectError {
    /// The folder does not exist or cannot be listed.
    #[error("cannot open project folder {path}: {source}{}", folder_advice(.source))]
    Folder {
        /// The folder.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// `accord.ron` (or the schema file) cannot be read: missing, outside the folder, not a
    /// regular file, too large, not UTF-8, or the system refused.
    #[error("{0}")]
    File(#[from] FsError),
    /// `accord.ron` is not valid.
    #[error(
        "{path}:{line}:{column}: not a valid project file: {message}; fix it by hand or restore it from version control"
    )]
    Parse {
        /// The project file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A newer project format.
    #[error("{path} has format {found}, newer than this Accord understands (1); update Accord")]
    NewerFormat {
        /// The project file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
    },
    /// The project file lists more documents than Accord accepts.
    #[error(
        "{path}: {what}, more than the {limit} Accord accepts; check the file (it was not written by Accord), or split the project in two"
    )]
    TooLarge {
        /// The project file.
        path: PathBuf,
        /// What is too large ("200000 documents").
        what: String,
        /// The limit, with its unit.
        limit: String,
    },
    /// The schema could not be loaded.
    #[error("schema of {path}: {source}")]
    Schema {
        /// The file holding the schema.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: SchemaError,
    },
    /// The schema file is outside the project or unreadable.
    #[error("schema file {path}: {detail}")]
    SchemaFile {
        /// The schema file as written.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// What to do about a project folder that cannot be opened (a path that is not a folder says
/// so in its own message).
fn folder_advice(source: &std::io::Error) -> &'static str {
    if source.kind() == std::io::ErrorKind::NotADirectory {
        ""
    } else {
        "; pass the folder that holds accord.ron or the documents"
    }
}

/// Identifies a document of an open project: its place in the project file's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(pub usize);

impl std::fmt::Display for DocId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "document #{}", self.0 + 1)
    }
}

/// A document slot of an open project: the entry, and the document or why it did not open.
#[derive(Debug)]
pub struct ProjectDocument {
    /// What the project file says about it.
    pub entry: DocumentEntry,
    /// The text, or why it could not be opened. The rest of the project works either way.
    pub document: Result<Document, DocumentError>,
}

impl ProjectDocument {
    /// The document's file name as written in the project.
    pub fn file(&self) -> &str {
        &self.entry.file
    }

    /// The document, if it opened.
    pub fn doc(&self) -> Option<&Document> {
        self.document.as_ref().ok()
    }
}

/// An open project: its folder, file, schema and documents.
#[derive(Debug)]
pub struct Project {
    /// The project folder, as given.
    pub root: PathBuf,
    /// The door to its files: every read and write of them goes through it.
    pub dir: ProjectDir,
    /// The project file (synthesised when the folder has none).
    pub file: ProjectFile,
    /// True when `accord.ron` exists.
    pub has_project_file: bool,
    /// The schema in force.
    /// Shared, so views can hold it while the workspace changes.
    pub schema: std::sync::Arc<Schema>,
    /// The documents, in project order.
    pub documents: Vec<ProjectDocument>,
    /// What is wrong in the schema file, located in it (the project opens with what could be
    /// read of it: the window and `accord validate` list these).
    pub schema_problems: Vec<crate::schema::lenient::SchemaProblem>,
    /// `accord.ron` and the schema file as last read or written here (their stats): another
    /// window's or a pull's change to them is seen by [`Project::config_changed_on_disk`].
    config_stamp: Vec<Option<crate::store::fingerprint::Stat>>,
    /// Each document's slot by its file (the first, for a file listed twice): looked up for
    /// every group member, assignment and journal record, so a scan of 100,000 documents each
    /// time made opening a big team project quadratic.
    slots_by_file: std::collections::HashMap<String, DocId>,
}

/// How far a long open has got, shared with the thread that waits for it: the documents dealt
/// with so far (each read, then its annotation file), and a way to stop it.
#[derive(Debug, Default)]
pub struct OpenProgress {
    files: std::sync::atomic::AtomicUsize,
    stop: std::sync::atomic::AtomicBool,
}

impl OpenProgress {
    /// Documents, then annotation files, dealt with so far (read, or found unreadable).
    pub fn files_read(&self) -> usize {
        self.files.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Asks the open to stop: what is left is not read.
    pub fn stop(&self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// True once [`Self::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        self.stop.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Counts the next file, or says the open was stopped (the reading then ends there).
    pub(crate) fn next_file(&self) -> Result<(), Stopped> {
        if self.is_stopped() {
            return Err(Stopped);
        }
        self.files
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }
}

/// An open ended by [`OpenProgress::stop`] before every file was read.
#[derive(Debug)]
pub(crate) struct Stopped;

/// Goes on with every file: an open nobody can stop.
pub(crate) fn never_stopped() -> Result<(), std::convert::Infallible> {
    Ok(())
}

/// The value of what could only fail by being stopped, when nothing could stop it.
pub(crate) fn unstoppable<T>(result: Result<T, std::convert::Infallible>) -> T {
    match result {
        Ok(value) => value,
        Err(never) => match never {},
    }
}

/// A project's folder, project file and schema, read, and its documents listed but not read
/// yet: what the window shows of a big project while the rest is read ([`Listing::read`]).
#[derive(Debug)]
pub struct Listing {
    dir: ProjectDir,
    file: ProjectFile,
    has_project_file: bool,
    schema: Schema,
    schema_problems: Vec<crate::schema::lenient::SchemaProblem>,
}

impl Listing {
    /// The project folder.
    pub fn root(&self) -> &Path {
        self.dir.root()
    }

    /// The project's display name.
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// The documents, as the project file lists them.
    pub fn entries(&self) -> &[DocumentEntry] {
        &self.file.documents
    }

    /// Reads (and hashes) every document, on every core, counting each in `progress`; `None`
    /// when `progress` was stopped meanwhile.
    pub fn read(self, progress: &OpenProgress) -> Option<Project> {
        self.read_documents(|| progress.next_file()).ok()
    }

    /// Reads (and hashes) every document, on every core.
    pub fn read_all(self) -> Project {
        unstoppable(self.read_documents(never_stopped))
    }

    /// The project with its documents read, `next` asked before each: its error ends the
    /// reading.
    fn read_documents<E: Send>(
        self,
        next: impl Fn() -> Result<(), E> + Sync,
    ) -> Result<Project, E> {
        let Listing {
            dir,
            file,
            has_project_file,
            schema,
            schema_problems,
        } = self;
        let mut seen = std::collections::HashSet::new();
        let first_listing: Vec<bool> = file
            .documents
            .iter()
            .map(|entry| seen.insert(normalise(&entry.file)))
            .collect();
        // Read (and hashed) on every core: most of opening a big project.
        let documents = file
            .documents
            .par_iter()
            .zip(first_listing)
            .map(|(entry, first)| {
                next()?;
                Ok(ProjectDocument {
                    entry: entry.clone(),
                    document: if first {
                        check_relative(&entry.file).and_then(|()| {
                            Document::open_in(&dir, &entry.file, &entry.read_options())
                        })
                    } else {
                        Err(DocumentError::ListedTwice {
                            path: PathBuf::from(&entry.file),
                        })
                    },
                })
            })
            .collect::<Result<Vec<ProjectDocument>, E>>()?;
        let mut slots_by_file = std::collections::HashMap::with_capacity(documents.len());
        for (i, slot) in documents.iter().enumerate() {
            slots_by_file
                .entry(slot.entry.file.clone())
                .or_insert(DocId(i));
        }
        Ok(Project {
            root: dir.root().to_path_buf(),
            dir,
            file,
            has_project_file,
            schema: std::sync::Arc::new(schema),
            documents,
            schema_problems,
            slots_by_file,
            config_stamp: Vec::new(),
        }
        .with_config_remembered())
    }
}

impl Project {
    /// Opens a project folder. Fails only when the folder, project file or schema cannot be
    /// read; a document that cannot be opened is kept as an error in its slot.
    pub fn open(root: &Path) -> Result<Self, ProjectError> {
        Ok(Self::list(root)?.read_all())
    }

    /// Reads a project's folder, project file and schema, not its documents yet (see
    /// [`Listing::read`]). Fails as [`Project::open`] does.
    pub fn list(root: &Path) -> Result<Listing, ProjectError> {
        let meta = std::fs::metadata(root).map_err(|source| ProjectError::Folder {
            path: root.to_path_buf(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(ProjectError::Folder {
                path: root.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotADirectory,
                    "not a folder; open the folder that holds the documents",
                ),
            });
        }
        let dir = ProjectDir::new(root).map_err(|source| ProjectError::Folder {
            path: root.to_path_buf(),
            source,
        })?;
        let project_path = root.join(PROJECT_FILE);
        let (file, has_project_file) = match read_project_file(&dir)? {
            Some(file) => (file, true),
            None => (synthesise_project_file(root)?, false),
        };
        let (schema, schema_problems) = load_schema(&dir, &project_path, &file.schema)?;
        Ok(Listing {
            dir,
            file,
            has_project_file,
            schema,
            schema_problems,
        })
    }

    /// The stats of `accord.ron` and the schema file now.
    fn config_stats(&self) -> Vec<Option<crate::store::fingerprint::Stat>> {
        let mut files = vec![PROJECT_FILE.to_owned()];
        if let SchemaSource::File(rel) = &self.file.schema {
            files.push(rel.clone());
        }
        files
            .iter()
            .map(|f| {
                std::fs::symlink_metadata(self.dir.path(f))
                    .ok()
                    .map(|m| crate::store::fingerprint::Stat::of(&m))
            })
            .collect()
    }

    fn with_config_remembered(mut self) -> Self {
        self.config_stamp = self.config_stats();
        self
    }

    /// True when `accord.ron` or the schema file changed on disk since this project read or
    /// wrote them (another window, a pull): the project should be opened again. Two `lstat`s.
    pub fn config_changed_on_disk(&self) -> bool {
        self.config_stats() != self.config_stamp
    }

    /// Changes which suggesters propose labels and their thresholds: written to `accord.ron`
    /// at once, keeping the rest of it as it was.
    pub fn set_suggestion_settings(
        &mut self,
        settings: suggestion_settings::Settings,
    ) -> Result<(), setup::SetupError> {
        setup::set_suggestion_settings(self, &settings)?;
        self.file.suggestions = settings;
        self.has_project_file = true;
        self.config_stamp = self.config_stats();
        Ok(())
    }

    /// Changes document `doc`'s title, language or date (its file stays): written to
    /// `accord.ron` at once, keeping the rest of it as it was.
    pub fn set_document_entry(
        &mut self,
        doc: DocId,
        entry: DocumentEntry,
    ) -> Result<(), setup::SetupError> {
        let same_file = self
            .file
            .documents
            .get(doc.0)
            .is_some_and(|e| e.file == entry.file);
        if !same_file {
            return Err(setup::SetupError::ProjectFileEdit {
                path: self.dir.path(PROJECT_FILE),
                why: format!("{doc} is not {}", entry.file),
            });
        }
        setup::set_document_entry(self, doc.0, &entry)?;
        self.file.documents[doc.0] = entry.clone();
        if let Some(slot) = self.documents.get_mut(doc.0) {
            slot.entry = entry;
        }
        self.has_project_file = true;
        self.config_stamp = self.config_stats();
        Ok(())
    }

    /// The project's display name.
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// The document whose file is `file`.
    pub fn document_index(&self, file: &str) -> Option<DocId> {
        self.slots_by_file.get(file).copied()
    }

    /// The slot of document `doc`.
    pub fn slot(&self, doc: DocId) -> Option<&ProjectDocument> {
        self.documents.get(doc.0)
    }

    /// Every document's id, in project order.
    pub fn doc_ids(&self) -> impl ExactSizeIterator<Item = DocId> + use<> {
        (0..self.documents.len()).map(DocId)
    }

    /// Path of an annotator's annotation file for a document.
    pub fn annotation_path(&self, annotator: &str, document_file: &str) -> PathBuf {
        annotation_path_in(&self.root, annotator, document_file)
    }

    /// Path of an annotator's cross-document link file.
    pub fn links_path(&self, annotator: &str) -> PathBuf {
        self.root.join(LINKS_DIR).join(format!("{annotator}.ron"))
    }

    /// True when something is at `path` in the project (a file, or something else where one
    /// should be, or a link: reading it through [`ProjectDir`] says what is wrong), false when
    /// nothing is.
    pub fn has(&self, path: &Path) -> bool {
        !matches!(self.dir.kind(path), Ok(None))
    }

    /// Annotators who have a folder under `annotations/`, sorted.
    pub fn annotators(&self) -> Vec<String> {
        annotators_in(&self.root)
    }

    /// The project's `guidelines.md`, or `None` when it has none.
    pub fn guidelines(&self) -> Result<Option<String>, FsError> {
        self.dir
            .read_to_string(&self.dir.path(setup::GUIDELINES_FILE), PROJECT_FILE_LIMIT)
    }

    /// Makes `schema` the project's label set and writes it to the project's schema file,
    /// atomically. A project whose schema was the default or written inline gets
    /// `schema.ron`, and its `accord.ron` is edited to name it (its comments and layout kept).
    pub fn save_schema(&mut self, schema: Schema) -> Result<(), setup::SetupError> {
        let rel = match &self.file.schema {
            SchemaSource::File(rel) => rel.clone(),
            SchemaSource::Default | SchemaSource::Inline(_) => {
                let path = self.dir.path(setup::SCHEMA_FILE);
                if self.has(&path) {
                    return Err(setup::SetupError::InTheWay { path });
                }
                setup::SCHEMA_FILE.to_owned()
            }
        };
        let path = self.dir.path(&rel);
        let text = crate::store::file::to_pretty_ron(&schema, &path)?;
        self.dir.write(&path, text.as_bytes())?;
        if !matches!(&self.file.schema, SchemaSource::File(_)) {
            setup::point_project_file_at_schema(self, &rel)?;
            self.file.schema = SchemaSource::File(rel);
        }
        self.schema = std::sync::Arc::new(schema);
        // Written here: not a change from elsewhere.
        self.config_stamp = self.config_stats();
        Ok(())
    }

    /// Writes the project file atomically (e.g. to turn a plain folder into a project).
    pub fn save_project_file(&self) -> Result<(), crate::store::StoreError> {
        let text = project_file_ron(&self.file)?;
        self.dir
            .write(&self.dir.path(PROJECT_FILE), text.as_bytes())
            .map_err(crate::store::StoreError::from)
    }
}

/// Path of an annotator's annotation file for a document of the project at `root`.
pub fn annotation_path_in(root: &Path, annotator: &str, document_file: &str) -> PathBuf {
    root.join(ANNOTATIONS_DIR)
        .join(annotator)
        .join(format!("{document_file}.ron"))
}

/// Annotators who have a folder under `annotations/` of the project at `root`, sorted.
pub fn annotators_in(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(ANNOTATIONS_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| check_annotator_name(n).is_ok())
        .collect();
    names.sort();
    names
}

/// The schema of the project in `root`, read without opening its documents (a new project
/// may start from another's label set).
pub fn schema_of(root: &Path) -> Result<Schema, ProjectError> {
    let dir = ProjectDir::new(root).map_err(|source| ProjectError::Folder {
        path: root.to_path_buf(),
        source,
    })?;
    let file = match read_project_file(&dir)? {
        Some(file) => file,
        None => return Ok(Schema::default_schema()),
    };
    load_schema(&dir, &root.join(PROJECT_FILE), &file.schema).map(|(schema, _)| schema)
}

/// The pretty RON text of a project file.
pub fn project_file_ron(file: &ProjectFile) -> Result<String, crate::store::StoreError> {
    crate::store::file::to_pretty_ron(file, Path::new(PROJECT_FILE))
}

/// How much of a project or schema file Accord reads.
const PROJECT_FILE_LIMIT: Limit = Limit::new(MAX_PROJECT_FILE_BYTES, "a project or schema file");

/// The project file, or `None` when the folder has none.
fn read_project_file(dir: &ProjectDir) -> Result<Option<ProjectFile>, ProjectError> {
    let path = dir.root().join(PROJECT_FILE);
    let Some(text) = dir.read_to_string(&path, PROJECT_FILE_LIMIT)? else {
        return Ok(None);
    };
    let file: ProjectFile = crate::ron_io::from_str(&text).map_err(|e| ProjectError::Parse {
        path: path.clone(),
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    if file.format > 1 {
        return Err(ProjectError::NewerFormat {
            path,
            found: file.format,
        });
    }
    if file.documents.len() > MAX_DOCUMENTS {
        return Err(ProjectError::TooLarge {
            path,
            what: format!("{} documents", file.documents.len()),
            limit: format!("{MAX_DOCUMENTS} documents"),
        });
    }
    Ok(Some(file))
}

/// A project file for a folder that has none: its `*.txt` files, by name.
fn synthesise_project_file(root: &Path) -> Result<ProjectFile, ProjectError> {
    let entries = std::fs::read_dir(root).map_err(|source| ProjectError::Folder {
        path: root.to_path_buf(),
        source,
    })?;
    let mut files: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| n.ends_with(".txt"))
        .collect();
    files.sort();
    let name = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Untitled".to_owned());
    Ok(ProjectFile {
        format: 1,
        name,
        schema: SchemaSource::Default,
        documents: files
            .into_iter()
            .map(|file| DocumentEntry {
                language: guess_language(&file),
                file,
                date: None,
                title: None,
                encoding: None,
            })
            .collect(),
        default_annotator: None,
        suggestions: Default::default(),
    })
}

/// `story.ar.txt` → `ar`: the convention of the sample documents.
fn guess_language(file: &str) -> Option<String> {
    let stem = file.strip_suffix(".txt")?;
    let (_, tag) = stem.rsplit_once('.')?;
    (2..=3)
        .contains(&tag.len())
        .then(|| tag.to_ascii_lowercase())
}

/// The schema, and the problems of a schema file (which opens with what can be read of it).
fn load_schema(
    dir: &ProjectDir,
    project_path: &Path,
    source: &SchemaSource,
) -> Result<(Schema, Vec<crate::schema::lenient::SchemaProblem>), ProjectError> {
    match source {
        SchemaSource::Default => Ok((Schema::default_schema(), Vec::new())),
        SchemaSource::Inline(schema) => {
            schema.check().map_err(|source| ProjectError::Schema {
                path: project_path.to_path_buf(),
                source,
            })?;
            Ok((schema.clone(), Vec::new()))
        }
        SchemaSource::File(rel) => {
            let bad = |detail: String| ProjectError::SchemaFile {
                path: PathBuf::from(rel),
                detail,
            };
            check_relative(rel).map_err(|e| bad(e.to_string()))?;
            let text = dir
                .read_to_string(&dir.path(rel), PROJECT_FILE_LIMIT)
                .map_err(|e| bad(e.to_string()))?
                .ok_or_else(|| bad("there is no such file".into()))?;
            Ok(crate::schema::lenient::read(&text))
        }
    }
}

/// A path as a project file may write it: relative, not empty, without `..` (where it really
/// leads is checked when it is read, by [`ProjectDir`]).
pub fn check_relative(rel: &str) -> Result<(), DocumentError> {
    let outside = |detail: &str| {
        DocumentError::File(FsError::Outside {
            path: PathBuf::from(rel),
            detail: detail.to_owned(),
        })
    };
    if rel.is_empty() {
        return Err(outside("the path is empty"));
    }
    for component in Path::new(rel).components() {
        match component {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err(outside("it contains `..`")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(outside("it is an absolute path"));
            }
        }
    }
    Ok(())
}

/// A project path with `.` components dropped, so `a.txt` and `./a.txt` compare equal.
fn normalise(rel: &str) -> PathBuf {
    Path::new(rel)
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// Annotator names become folder names: refuse what would not be one folder.
pub fn check_annotator_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the annotator name is empty".into());
    }
    if name.starts_with('.')
        || name
            .chars()
            .any(|c| matches!(c, '/' | '\\' | ':' | '\0') || c.is_control())
    {
        return Err(format!(
            "annotator name {name:?} cannot be a folder name: use letters, digits, '-' or '_'"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_a_project_file_may_not_write_are_refused() {
        assert!(check_relative("a.txt").is_ok());
        assert!(check_relative("sub/a.txt").is_ok());
        for bad in ["", "../a.txt", "sub/../../a.txt", "/etc/passwd"] {
            let err = check_relative(bad).unwrap_err();
            assert!(
                matches!(err, DocumentError::File(FsError::Outside { .. })),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn language_is_guessed_from_the_file_name() {
        assert_eq!(guess_language("a.zh.txt").as_deref(), Some("zh"));
        assert_eq!(guess_language("plain.txt"), None);
    }

    #[test]
    fn annotator_names_must_be_one_folder() {
        assert!(check_annotator_name("alice").is_ok());
        assert!(check_annotator_name("Алия").is_ok());
        assert!(check_annotator_name("../x").is_err());
        assert!(check_annotator_name(".hidden").is_err());
        assert!(check_annotator_name(" ").is_err());
    }
}
