//! Setting a project up: a new project in a folder ([`create`]), documents added to it from
//! files, folders and tables of texts ([`add_documents`]), and the one function that adds
//! entries to an existing `accord.ron` without losing what it holds
//! ([`add_to_project_file`], which imports use too).
//!
//! Everything written goes through the project's [`ProjectDir`]; files added from elsewhere
//! are read with the same checks (regular files only, bounded, never blocking on a FIFO).

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::{
    DocumentEntry, PROJECT_FILE, Project, ProjectError, ProjectFile, SchemaSource, check_relative,
    guess_language, project_file_ron,
};
use crate::model::{Document, DocumentError, MAX_DOCUMENT_BYTES};
use crate::project_dir::atomic::{StagedFile, commit_batch, stage};
use crate::project_dir::{FsError, Kind, Limit, ProjectDir, read_outside};
use crate::schema::Schema;
use crate::store::StoreError;

/// The schema file a new project gets, beside `accord.ron`.
pub const SCHEMA_FILE: &str = "schema.ron";
/// The guidelines file a project may hold, shown in the window's Guidelines panel.
pub const GUIDELINES_FILE: &str = "guidelines.md";

/// A table of texts (one document per row) holds at most this many bytes.
const TABLE_LIMIT: Limit = Limit::new(MAX_DOCUMENT_BYTES, "a table of texts");
const DOCUMENT_LIMIT: Limit = Limit::new(MAX_DOCUMENT_BYTES, "a document");
/// Folders are walked this deep at most (a link loop, a pathological tree).
const MAX_DEPTH: usize = 32;

/// Why setting a project up failed; nothing is half written when it does (documents written
/// before the project file lists them are plain files the next attempt finds again).
#[derive(Debug, Error)]
pub enum SetupError {
    /// The folder already holds a project: a new one never overwrites it.
    #[error(
        "{} already holds a project ({PROJECT_FILE}): open it, or choose another folder for the new one",
        .folder.display()
    )]
    Exists {
        /// The folder.
        folder: PathBuf,
    },
    /// A file the new project would write is already there.
    #[error(
        "{} is already there and a new project would replace it: move it away, or choose another folder",
        .path.display()
    )]
    InTheWay {
        /// The file.
        path: PathBuf,
    },
    /// The folder cannot be created or used.
    #[error("cannot create the project folder {}: {source}", .folder.display())]
    Folder {
        /// The folder.
        folder: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The project could not be opened.
    #[error(transparent)]
    Project(#[from] ProjectError),
    /// Reading or writing a file of the project failed.
    #[error(transparent)]
    File(#[from] FsError),
    /// A file could not be encoded or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The project file cannot be edited without losing what it holds.
    #[error(
        "{}: cannot add to it without losing what it holds ({why}); nothing was changed in it. Add the entries by hand",
        .path.display()
    )]
    ProjectFileEdit {
        /// The project file.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// The project would list more documents than Accord accepts.
    #[error(
        "the project would list {count} documents, more than the {} Accord accepts; split it in two",
        super::MAX_DOCUMENTS
    )]
    TooMany {
        /// How many it would list.
        count: usize,
    },
    /// The user stopped it before anything was written.
    #[error("stopped: nothing was added")]
    Cancelled,
}

/// The label set a new project starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelSetStart {
    /// Accord's news set: people, countries, organisations, dates, money, commitments…
    News,
    /// No label yet.
    Empty,
    /// A file: an Accord schema (`.ron`), a brat `annotation.conf` or a Label Studio
    /// labelling config (`.xml`).
    File(PathBuf),
    /// Another project's label set.
    Project(PathBuf),
}

impl LabelSetStart {
    /// The schema it gives, with notes on what another tool's configuration held that Accord
    /// left out, or why it cannot be read (naming the file, and the line where it is wrong).
    pub fn schema(&self) -> Result<(Schema, Vec<String>), String> {
        match self {
            LabelSetStart::News => Ok((Schema::default_schema(), Vec::new())),
            LabelSetStart::Empty => Ok((Schema::empty(), Vec::new())),
            LabelSetStart::File(path) => {
                let limit = Limit::new(super::MAX_PROJECT_FILE_BYTES, "a label set");
                let bytes = read_outside(path, limit)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("{}: there is no such file", path.display()))?;
                let text = String::from_utf8(bytes)
                    .map_err(|_| format!("{}: not UTF-8; save it as UTF-8", path.display()))?;
                crate::schema::import::read_config_file(path, &text)
                    .map(|read| (read.schema, read.notes))
                    .map_err(|e| format!("{}: {e}", path.display()))
            }
            LabelSetStart::Project(root) => super::schema_of(root)
                .map(|schema| (schema, Vec::new()))
                .map_err(|e| e.to_string()),
        }
    }
}

/// A new project: its name and label set.
#[derive(Clone, Debug)]
pub struct NewProject {
    /// Display name.
    pub name: String,
    /// The label set to start from, written to [`SCHEMA_FILE`].
    pub schema: Schema,
}

/// Creates a project in `folder` (made when missing): `schema.ron` and an `accord.ron` that
/// names it and lists no document yet. Refuses, writing nothing, when the folder holds a
/// project or a `schema.ron` already.
pub fn create(folder: &Path, new: &NewProject) -> Result<Project, SetupError> {
    std::fs::create_dir_all(folder).map_err(|source| SetupError::Folder {
        folder: folder.to_path_buf(),
        source,
    })?;
    let dir = ProjectDir::new(folder).map_err(|source| SetupError::Folder {
        folder: folder.to_path_buf(),
        source,
    })?;
    if dir.kind(&dir.path(PROJECT_FILE))?.is_some() {
        return Err(SetupError::Exists {
            folder: folder.to_path_buf(),
        });
    }
    let schema_path = dir.path(SCHEMA_FILE);
    if dir.kind(&schema_path)?.is_some() {
        return Err(SetupError::InTheWay { path: schema_path });
    }
    let file = ProjectFile {
        format: 1,
        name: new.name.trim().to_owned(),
        schema: SchemaSource::File(SCHEMA_FILE.to_owned()),
        documents: Vec::new(),
        default_annotator: None,
        suggestions: Default::default(),
    };
    dir.write(
        &schema_path,
        crate::store::file::to_pretty_ron(&new.schema, &schema_path)?.as_bytes(),
    )?;
    // The project file last: a folder is a project once everything it names is there.
    dir.write(&dir.path(PROJECT_FILE), project_file_ron(&file)?.as_bytes())?;
    Ok(Project::open(folder)?)
}

/// What [`add_documents`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddReport {
    /// The entries added to the project file, in the order given.
    pub added: Vec<DocumentEntry>,
    /// Files the project lists already (left as they are).
    pub already: Vec<String>,
    /// Files (or rows of a table) not added, and why; the rest were added.
    pub refused: Vec<Refused>,
}

/// A file (or a row of a table of texts) that was not added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The file, with `:ROW` for a row of a table.
    pub source: String,
    /// Why, and what to do about it.
    pub reason: String,
}

/// Progress of a long addition: files done, files in all, the one being read. Returning
/// [`ControlFlow::Break`] stops it before anything is written.
pub type AddProgress<'a> = &'a mut dyn FnMut(usize, usize, &str) -> ControlFlow<()>;

/// One document to add: where it comes from and the name it gets in the project.
#[derive(Debug)]
enum Candidate {
    /// A file inside the project folder, by its project-relative name.
    InProject(String),
    /// A file elsewhere, copied in under `name`.
    Outside { path: PathBuf, name: String },
    /// A row of a table of texts.
    Row {
        source: String,
        name: String,
        text: String,
        title: Option<String>,
        language: Option<String>,
        date: Option<String>,
    },
}

/// Adds documents to `project`: each file given, every file under each folder given (hidden
/// files and the project's own folders left out), and one document per row of each `.jsonl`
/// or `.csv` table of texts (a `text` field or column; `title`, `language`, `date` and `id`
/// used when there). A file from outside the project is copied in (as it is, bytes and
/// encoding), a file inside is listed where it is. Each gets its language from its name
/// (`story.ar.txt`) or else its text, and its first line as its title; both are editable.
///
/// A file that is empty, binary, undecodable or unreadable is listed in
/// [`AddReport::refused`] with the reason, and the rest are added: written through the
/// project's door, then listed in `accord.ron` at once.
pub fn add_documents(
    project: &Project,
    sources: &[PathBuf],
    progress: AddProgress<'_>,
) -> Result<AddReport, SetupError> {
    let dir = &project.dir;
    let mut report = AddReport::default();
    let mut candidates = Vec::new();
    for source in sources {
        gather(dir, source, &mut candidates, &mut report.refused);
    }
    let mut taken: std::collections::HashSet<String> = project
        .file
        .documents
        .iter()
        .map(|e| e.file.clone())
        .collect();
    let mut new_files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let total = candidates.len();
    for (done, candidate) in candidates.into_iter().enumerate() {
        let shown = match &candidate {
            Candidate::InProject(name) => name.clone(),
            Candidate::Outside { path, .. } => path.display().to_string(),
            Candidate::Row { source, .. } => source.clone(),
        };
        if progress(done, total, &shown).is_break() {
            return Err(SetupError::Cancelled);
        }
        let refuse = |report: &mut AddReport, reason: String| {
            report.refused.push(Refused {
                source: shown.clone(),
                reason,
            })
        };
        let (name, bytes, row) = match candidate {
            Candidate::InProject(name) => {
                if project.document_index(&name).is_some() || taken.contains(&name) {
                    report.already.push(name);
                    continue;
                }
                let bytes = match dir.read(&dir.path(&name), DOCUMENT_LIMIT) {
                    Ok(Some(bytes)) => bytes,
                    Ok(None) => continue,
                    Err(e) => {
                        refuse(&mut report, e.to_string());
                        continue;
                    }
                };
                // Listed where it is.
                match checked(&name, bytes) {
                    Ok(entry) => {
                        taken.insert(name);
                        report.added.push(entry);
                    }
                    Err(reason) => refuse(&mut report, reason),
                }
                continue;
            }
            Candidate::Outside { path, name } => match read_outside(&path, DOCUMENT_LIMIT) {
                Ok(Some(bytes)) => (name, bytes, None),
                Ok(None) => continue,
                Err(e) => {
                    refuse(&mut report, e.to_string());
                    continue;
                }
            },
            Candidate::Row {
                name,
                text,
                title,
                language,
                date,
                ..
            } => (name, text.into_bytes(), Some((title, language, date))),
        };
        // A file from elsewhere, or a row: checked, then given its place in the project.
        let mut entry = match checked(&name, bytes.clone()) {
            Ok(entry) => entry,
            Err(reason) => {
                refuse(&mut report, reason);
                continue;
            }
        };
        if let Some((title, language, date)) = row {
            entry.title = title.or(entry.title);
            entry.language = language.or(entry.language);
            entry.date = date;
        }
        match place(dir, &name, &bytes, &taken) {
            Ok(Placed::Listed(name)) => report.already.push(name),
            Ok(Placed::There(name)) => {
                entry.file = name.clone();
                taken.insert(name);
                report.added.push(entry);
            }
            Ok(Placed::New(name)) => {
                entry.file = name.clone();
                new_files.push((dir.path(&name), bytes));
                taken.insert(name);
                report.added.push(entry);
            }
            Err(e) => refuse(&mut report, e),
        }
    }
    let count = project.file.documents.len() + report.added.len();
    if count > super::MAX_DOCUMENTS {
        return Err(SetupError::TooMany { count });
    }
    if progress(total, total, "").is_break() {
        return Err(SetupError::Cancelled);
    }
    write_new(dir, &new_files)?;
    if !report.added.is_empty() || !project.has_project_file {
        add_to_project_file(project, &report.added, None)?;
    }
    Ok(report)
}

/// The entry for a document's bytes, or why it cannot be one. The language comes from the
/// name's convention (`story.ar.txt`) or else the text; the title from the first line.
fn checked(name: &str, bytes: Vec<u8>) -> Result<DocumentEntry, String> {
    let language = guess_language(name);
    let document = Document::from_bytes(name, bytes).map_err(refusal)?;
    if document.text().trim().is_empty() {
        return Err("it holds only spaces and line breaks: there is nothing to annotate".into());
    }
    let language =
        language.or_else(|| crate::model::language::guess(document.text()).map(str::to_owned));
    Ok(DocumentEntry {
        file: name.to_owned(),
        language,
        date: None,
        title: first_line_title(document.text()),
        // A legacy encoding detection was sure of is named, so the file reads the same way
        // whatever the detector says later.
        encoding: (!document.is_utf8()).then(|| document.encoding().to_owned()),
    })
}

/// Why a file cannot be a document, said for one being added (the file is named beside it).
fn refusal(error: DocumentError) -> String {
    match error {
        DocumentError::Empty { .. } => "it is empty: there is nothing to annotate".into(),
        DocumentError::Binary { byte_offset, .. } => format!(
            "it is not a text file (a NUL byte at byte {byte_offset}); Accord annotates plain text"
        ),
        DocumentError::NotUtf8 { byte_offset, .. } => format!(
            "it is not valid UTF-8 (first bad byte at byte {byte_offset}): repair it, or convert it to UTF-8, and add it again"
        ),
        DocumentError::Undecodable {
            encoding,
            byte_offset,
            ..
        } => format!(
            "it is not valid {encoding} (first bad byte at byte {byte_offset}): convert it to UTF-8 and add it again"
        ),
        DocumentError::UnsureEncoding { guess, .. } => format!(
            "it is not UTF-8 and its encoding cannot be told for sure (perhaps {guess}): convert it to UTF-8 and add it again"
        ),
        other => other.to_string(),
    }
}

/// The first line of a text that says something, shortened to a list's width at a word.
fn first_line_title(text: &str) -> Option<String> {
    const MAX_CHARS: usize = 80;
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    if line.chars().count() <= MAX_CHARS {
        return Some(line.to_owned());
    }
    let cut: String = line.chars().take(MAX_CHARS).collect();
    let at_word = cut
        .rfind(char::is_whitespace)
        .filter(|&i| i > MAX_CHARS / 2)
        .map_or(cut.as_str(), |i| &cut[..i]);
    Some(format!("{}…", at_word.trim_end()))
}

/// Where a document from outside goes in the project.
enum Placed {
    /// The project lists a file of that name with the same bytes already.
    Listed(String),
    /// A file with the same bytes is there, not listed yet: list it.
    There(String),
    /// Written under this (free) name.
    New(String),
}

/// The name `bytes` get in the project: `name`, or `name-2`, `name-3`… when another text
/// has it.
fn place(
    dir: &ProjectDir,
    name: &str,
    bytes: &[u8],
    taken: &std::collections::HashSet<String>,
) -> Result<Placed, String> {
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => {
            (stem.to_owned(), format!(".{ext}"))
        }
        _ => (name.to_owned(), String::new()),
    };
    for n in 1..10_000 {
        let candidate = if n == 1 {
            name.to_owned()
        } else {
            format!("{stem}-{n}{extension}")
        };
        check_relative(&candidate).map_err(|e| e.to_string())?;
        let path = dir.path(&candidate);
        match dir.kind(&path).map_err(|e| e.to_string())? {
            None if !taken.contains(&candidate) => return Ok(Placed::New(candidate)),
            None => {}
            Some(Kind::File) => {
                let same = dir
                    .read(&path, DOCUMENT_LIMIT)
                    .ok()
                    .flatten()
                    .is_some_and(|there| there == bytes);
                if same {
                    return Ok(if taken.contains(&candidate) {
                        Placed::Listed(candidate)
                    } else {
                        Placed::There(candidate)
                    });
                }
            }
            Some(_) => {}
        }
    }
    Err(format!("{name}: no free name for it in the project"))
}

/// Writes new documents: all staged, made durable together, then renamed into place.
fn write_new(dir: &ProjectDir, files: &[(PathBuf, Vec<u8>)]) -> Result<(), SetupError> {
    let mut staged: Vec<StagedFile> = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let real = dir.writable(path)?;
        staged.push(stage(&real, bytes).map_err(|source| FsError::Io {
            path: path.clone(),
            verb: "write",
            source,
        })?);
    }
    commit_batch(staged).map_err(|(path, source)| FsError::Io {
        path,
        verb: "write",
        source,
    })?;
    Ok(())
}

/// Finds the documents under `source`.
fn gather(dir: &ProjectDir, source: &Path, out: &mut Vec<Candidate>, refused: &mut Vec<Refused>) {
    let refuse = |refused: &mut Vec<Refused>, reason: String| {
        refused.push(Refused {
            source: source.display().to_string(),
            reason,
        })
    };
    let meta = match std::fs::metadata(source) {
        Ok(meta) => meta,
        Err(e) => {
            refuse(refused, format!("cannot read it: {e}"));
            return;
        }
    };
    let inside = inside_project(dir, source);
    if meta.is_dir() {
        let mut files = Vec::new();
        walk(source, Path::new(""), 0, &mut files, refused);
        files.sort();
        for rel in files {
            let rel_text = rel.to_string_lossy().replace('\\', "/");
            // A file keeps its place under the folder added (inside the project, the place it
            // has there).
            let target = match &inside {
                Some(base) if base.is_empty() => Target::InProject(rel_text),
                Some(base) => Target::InProject(format!("{base}/{rel_text}")),
                None => Target::Outside(rel_text),
            };
            if !matches!(&target, Target::InProject(name) if is_project_own(name)) {
                candidate_of(&source.join(&rel), target, out, refused);
            }
        }
    } else {
        let target = match inside {
            Some(name) => Target::InProject(name),
            None => Target::Outside(
                source
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
        };
        candidate_of(source, target, out, refused);
    }
}

/// The name a file gets in the project.
enum Target {
    /// It is in the project, under this name.
    InProject(String),
    /// It is elsewhere, and is copied in under this name.
    Outside(String),
}

/// Adds the candidates of one file: a table's rows, or the file.
fn candidate_of(path: &Path, target: Target, out: &mut Vec<Candidate>, refused: &mut Vec<Refused>) {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if matches!(extension.as_deref(), Some("jsonl" | "csv")) {
        match table_rows(path) {
            Ok((rows, bad)) => {
                out.extend(rows);
                refused.extend(bad);
            }
            Err(reason) => refused.push(Refused {
                source: path.display().to_string(),
                reason,
            }),
        }
        return;
    }
    out.push(match target {
        Target::InProject(name) => Candidate::InProject(name),
        Target::Outside(name) => Candidate::Outside {
            path: path.to_path_buf(),
            name,
        },
    });
}

/// The project-relative name of `path` when it is inside the project folder.
fn inside_project(dir: &ProjectDir, path: &Path) -> Option<String> {
    let real = path.canonicalize().ok()?;
    let root = dir.root().canonicalize().ok()?;
    let rel = real.strip_prefix(&root).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

/// Files of the project that are never documents: its own files and folders.
fn is_project_own(name: &str) -> bool {
    let first = name.split('/').next().unwrap_or(name);
    matches!(
        first,
        super::ANNOTATIONS_DIR | super::LINKS_DIR | "status" | "removed"
    ) || matches!(
        name,
        PROJECT_FILE | SCHEMA_FILE | GUIDELINES_FILE | "assignments.ron"
    ) || name.ends_with(".ron")
}

/// The regular files under `folder` (relative to it), hidden ones left out; links to folders
/// are not followed (a loop would never end).
fn walk(
    root: &Path,
    rel: &Path,
    depth: usize,
    files: &mut Vec<PathBuf>,
    refused: &mut Vec<Refused>,
) {
    let folder = root.join(rel);
    if depth > MAX_DEPTH {
        refused.push(Refused {
            source: folder.display().to_string(),
            reason: format!("more than {MAX_DEPTH} folders deep: add it on its own"),
        });
        return;
    }
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(e) => {
            refused.push(Refused {
                source: folder.display().to_string(),
                reason: format!("cannot list it: {e}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let child = rel.join(&name);
        if kind.is_dir() {
            walk(root, &child, depth + 1, files, refused);
        } else if kind.is_file() || (kind.is_symlink() && root.join(&child).is_file()) {
            files.push(child);
        }
    }
}

/// The rows of a table of texts as documents named `<table>/<id or row>.txt`, and the rows
/// that cannot be (no text, bad JSON), each with its line or row number.
fn table_rows(path: &Path) -> Result<(Vec<Candidate>, Vec<Refused>), String> {
    let bytes = read_outside(path, TABLE_LIMIT)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "there is no such file".to_owned())?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 (byte {}): save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })?;
    let stem = path
        .file_stem()
        .map(|s| sanitise(&s.to_string_lossy()))
        .unwrap_or_else(|| "rows".to_owned());
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let shown = path.display().to_string();
    let row = |number: usize, fields: RowFields| -> Result<Candidate, Refused> {
        let source = format!("{shown}:{number}");
        let Some(text) = fields.text.filter(|t| !t.trim().is_empty()) else {
            return Err(Refused {
                source,
                reason: "no text in this row: give it a `text`".to_owned(),
            });
        };
        let id = fields
            .id
            .map(|id| sanitise(&id))
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| format!("row-{number:05}"));
        Ok(Candidate::Row {
            source,
            name: format!("{stem}/{id}.txt"),
            text,
            title: fields.title,
            language: fields.language,
            date: fields.date,
        })
    };
    let mut push = |result: Result<Candidate, Refused>| match result {
        Ok(candidate) => rows.push(candidate),
        Err(refused) => bad.push(refused),
    };
    if is_csv {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| format!("cannot read its header row: {e}"))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let Some(text_column) = column("text") else {
            return Err(format!(
                "its header row has no `text` column (it has: {}); name the column that holds the texts `text`",
                headers.join(", ")
            ));
        };
        let (title, language, date, id) = (
            column("title"),
            column("language").or(column("lang")),
            column("date"),
            column("id").or(column("name")),
        );
        for (i, record) in reader.records().enumerate() {
            let number = i + 2;
            match record {
                Ok(record) => {
                    let get = |c: Option<usize>| {
                        c.and_then(|c| record.get(c))
                            .map(str::to_owned)
                            .filter(|s| !s.trim().is_empty())
                    };
                    push(row(
                        number,
                        RowFields {
                            text: get(Some(text_column)),
                            title: get(title),
                            language: get(language),
                            date: get(date),
                            id: get(id),
                        },
                    ));
                }
                Err(e) => push(Err(Refused {
                    source: format!("{shown}:{number}"),
                    reason: format!("not a CSV row: {e}"),
                })),
            }
        }
    } else {
        for (i, line) in text.lines().enumerate() {
            let number = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<serde_json::Value>(line) {
                Ok(serde_json::Value::Object(map)) => {
                    let get = |names: &[&str]| {
                        names.iter().find_map(|n| match map.get(*n) {
                            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
                                Some(s.clone())
                            }
                            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                            _ => None,
                        })
                    };
                    push(row(
                        number,
                        RowFields {
                            text: get(&["text"]),
                            title: get(&["title"]),
                            language: get(&["language", "lang"]),
                            date: get(&["date"]),
                            id: get(&["id", "name"]),
                        },
                    ));
                }
                Ok(_) => push(Err(Refused {
                    source: format!("{shown}:{number}"),
                    reason: "not a JSON object: write each row as {\"text\": \"…\"}".to_owned(),
                })),
                Err(e) => push(Err(Refused {
                    source: format!("{shown}:{number}"),
                    reason: format!("not JSON ({e}): write each row as {{\"text\": \"…\"}}"),
                })),
            }
        }
    }
    Ok((rows, bad))
}

/// What a row of a table of texts gives.
struct RowFields {
    text: Option<String>,
    title: Option<String>,
    language: Option<String>,
    date: Option<String>,
    id: Option<String>,
}

/// A row's id as a file name: letters, digits, `-`, `_` and `.` kept, the rest `_`.
fn sanitise(id: &str) -> String {
    let name: String = id
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    name.trim_start_matches('.').to_owned()
}

/// Writes the project file with `entries` added to its documents (and `schema` in it, when
/// given). An existing `accord.ron` is edited in place, so its comments, layout and fields
/// Accord does not know are kept; one that cannot be edited so is left alone and the edit
/// refused, saying why. A folder without one gets a new one.
pub fn add_to_project_file(
    project: &Project,
    entries: &[DocumentEntry],
    schema: Option<Schema>,
) -> Result<(), SetupError> {
    let path = project.dir.path(PROJECT_FILE);
    let items = entries
        .iter()
        .map(|e| one_line(e, &path))
        .collect::<Result<Vec<_>, _>>()?;
    let schema_text = match &schema {
        Some(schema) => Some(format!("Inline({})", one_line(schema, &path)?)),
        None => None,
    };
    let mut expected = project.file.clone();
    expected.documents.extend(entries.iter().cloned());
    if let Some(schema) = schema {
        expected.schema = SchemaSource::Inline(schema);
    }
    write_project_file(project, &expected, |old| {
        let text = crate::ron_io::edit::append_to_list(old, "documents", &items)?;
        match &schema_text {
            Some(value) => crate::ron_io::edit::set_field(&text, "schema", value),
            None => Ok(text),
        }
    })
}

/// Writes `accord.ron` as `expected`: an existing file is changed by `edit` in place (its
/// comments, layout and fields Accord does not know kept), and the result must read as
/// `expected` and nothing else, or nothing is written and the edit is refused, saying why; a
/// folder without one gets a new one.
fn write_project_file(
    project: &Project,
    expected: &ProjectFile,
    edit: impl FnOnce(&str) -> Result<String, crate::ron_io::edit::EditError>,
) -> Result<(), SetupError> {
    let path = project.dir.path(PROJECT_FILE);
    let text = if project.has_project_file {
        let limit = Limit::new(super::MAX_PROJECT_FILE_BYTES, "a project file");
        let old = project
            .dir
            .read_to_string(&path, limit)?
            .unwrap_or_default();
        let cannot = |why: String| SetupError::ProjectFileEdit {
            path: path.clone(),
            why,
        };
        let edited = edit(&old).map_err(|e| cannot(e.0))?;
        match crate::ron_io::from_str::<ProjectFile>(&edited) {
            Ok(read) if read == *expected => edited,
            Ok(_) => return Err(cannot("the edited file reads differently".into())),
            Err(e) => return Err(cannot(e.message)),
        }
    } else {
        project_file_ron(expected)?
    };
    project.dir.write(&path, text.as_bytes())?;
    Ok(())
}

/// Edits `accord.ron` so that its schema is the file `rel` (comments and layout kept), or
/// writes one for a folder that has none.
pub(super) fn point_project_file_at_schema(project: &Project, rel: &str) -> Result<(), SetupError> {
    let source = SchemaSource::File(rel.to_owned());
    let value = one_line(&source, &project.dir.path(PROJECT_FILE))?;
    let mut expected = project.file.clone();
    expected.schema = source;
    write_project_file(project, &expected, |old| {
        crate::ron_io::edit::set_field(old, "schema", &value)
    })
}

/// Where a removed document's annotation files are kept: `removed/<annotator>/<file>.ron`.
pub const REMOVED_DIR: &str = "removed";

/// What [`remove_document`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    /// The annotation files moved aside, where they are now (relative to the project).
    pub kept_aside: Vec<String>,
}

/// Takes document `file` out of the project: its entry out of `accord.ron` (the rest of the
/// file as it was), and every annotator's annotation file of it moved to
/// `removed/<annotator>/` — never deleted. The text file stays in the folder. Takes the
/// locks of the annotators whose files move (so no window is writing them: the window that
/// asks lets go of its own first), and refuses, changing nothing, when one is held.
pub fn remove_document(project: &Project, file: &str) -> Result<Removed, SetupError> {
    let Some(index) = project.file.documents.iter().position(|e| e.file == file) else {
        return Err(SetupError::ProjectFileEdit {
            path: project.dir.path(PROJECT_FILE),
            why: format!("it lists no document {file:?}"),
        });
    };
    let path = project.dir.path(PROJECT_FILE);
    let mut expected = project.file.clone();
    expected.documents.remove(index);
    let moving: Vec<(String, PathBuf)> = project
        .annotators()
        .into_iter()
        .map(|a| {
            let from = project.annotation_path(&a, file);
            (a, from)
        })
        .filter(|(_, from)| project.dir.is_file(from))
        .collect();
    let _locks = super::lock::Writers::acquire(&project.root, moving.iter().map(|(a, _)| a))
        .map_err(|refused| SetupError::ProjectFileEdit {
            path: path.clone(),
            why: format!("{refused}; nothing was removed"),
        })?;
    // The entry first: a crash after it leaves files nobody lists, never a listed document
    // whose annotations are gone.
    write_project_file(project, &expected, |old| {
        crate::ron_io::edit::remove_list_item(old, "documents", index)
    })?;
    let mut removed = Removed::default();
    for (annotator, from) in moving {
        let rel = format!("{REMOVED_DIR}/{annotator}/{file}.ron");
        let to = project.dir.path(&rel);
        let limit = Limit::new(crate::store::file::MAX_FILE_BYTES, "an annotation file");
        if let Some(bytes) = project.dir.read(&from, limit)? {
            project.dir.write(&to, &bytes)?;
            project.dir.remove_file(&from)?;
            removed.kept_aside.push(rel);
        }
    }
    Ok(removed)
}

/// Writes document `index`'s entry in `accord.ron` (its title, language, date), keeping the
/// rest of the file as it was.
pub fn set_document_entry(
    project: &Project,
    index: usize,
    entry: &DocumentEntry,
) -> Result<(), SetupError> {
    let path = project.dir.path(PROJECT_FILE);
    let mut expected = project.file.clone();
    let Some(slot) = expected.documents.get_mut(index) else {
        return Err(SetupError::ProjectFileEdit {
            path,
            why: format!("it has no document {}", index + 1),
        });
    };
    *slot = entry.clone();
    let item = one_line(entry, &path)?;
    write_project_file(project, &expected, |old| {
        crate::ron_io::edit::replace_list_item(old, "documents", index, &item)
    })
}

/// Writes the project's suggestion settings (`suggestions: (...)` in `accord.ron`), keeping the
/// rest of the file as it was.
pub fn set_suggestion_settings(
    project: &Project,
    settings: &crate::project::suggestion_settings::Settings,
) -> Result<(), SetupError> {
    let mut expected = project.file.clone();
    expected.suggestions = settings.clone();
    let value = one_line(settings, &project.dir.path(PROJECT_FILE))?;
    write_project_file(project, &expected, |old| {
        crate::ron_io::edit::set_field(old, "suggestions", &value)
    })
}

/// `value` as RON on one line (the way the project file lists its documents).
fn one_line<T: serde::Serialize>(value: &T, path: &Path) -> Result<String, StoreError> {
    let text = crate::ron_io::to_pretty_ron(value, 0).map_err(|e| StoreError::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    Ok(text.trim_end().to_owned())
}
