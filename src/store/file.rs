//! The RON file of one document's annotations by one annotator:
//! `annotations/<annotator>/<document file name>.ron`.
//!
//! ```ron
//! (
//!     format: 1,
//!     document: (file: "tj-kz-talks-astana.ar.txt", sha256: "9f2c…", chars: 2401),
//!     annotator: "alice",
//!     next_id: 3,
//!     annotations: [
//!         (id: 1, label: "COUNTRY", fragments: [(start: 31, end: 40, text: "كازاخستان")],
//!          author: "alice", created: "2026-11-23T15:10:00Z", modified: "2026-11-23T15:10:00Z"),
//!     ],
//!     links: [],
//! )
//! ```
//!
//! Annotations are written by start of their first fragment, then id, so diffs stay small.
//! Every version of the format that was ever written keeps loading: older versions are turned
//! into the current one by pure functions ([`migrate`]); a newer version is refused.
//!
//! # One description of the fields
//!
//! The serde derives on [`AnnotationFile`], [`DocumentStamp`] and the model types
//! ([`Annotation`], [`Fragment`](crate::model::Fragment), [`Review`](crate::model::Review),
//! [`AttributeValue`](crate::model::AttributeValue), [`Link`]) are the only place the format's
//! fields are written down: each field's name, its place in the file (the order of the
//! struct), when it is left out (`skip_serializing_if`) and what it is when missing
//! (`default`). Everything that reads or writes the file follows them: `ron`; the fast reader
//! (`store::fast_ron`, a serde `Deserializer`); the fast writer (`store::ron_writer`, a serde
//! `Serializer`); and reading straight into a store, which is an [`AnnotationFile`] whose list
//! of annotations puts each one into the store as it is read.
//!
//! # Adding a field
//!
//! To add a field (say `source` to [`Annotation`]), add it to its struct, the one place the
//! format describes it (the compiler then points at the code that builds one), as
//! `#[serde(default, skip_serializing_if = "…")]` with a test that is true for the default
//! value: files without the field read as before, and files that leave it at its default are
//! written byte for byte as before. Its place in the struct is its place in the file. Keep its
//! type to what the fast reader and writer handle (strings, unsigned integers, `bool`,
//! options, lists, maps, structs and enums; newtypes `#[serde(transparent)]`): anything else
//! still works, but is read and written by `ron`, several times slower. Then, in the tests,
//! set it in this module's `fixture(true)`, so that `every_optional_field_reads_back_as_written`
//! checks its skip rule, and give the random annotations of `tests/core/store.rs` values for
//! it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::AnnotationStore;
use super::stamp::DocumentStamp;
use super::{fast_ron, ron_writer};
use crate::model::{
    Annotation, AnnotationId, AttributeValue, Fragment, Link, MergeConflict, Review, Timestamp,
};
use crate::project_dir::atomic::write_atomic;
use crate::project_dir::{FileReader, FsError, Limit as ReadLimit, ProjectDir};

/// The format version this program writes: 2, which added [`Annotation::source`].
pub const CURRENT_FORMAT: u32 = 2;
/// The oldest format version this program reads. Version 1 is version 2 without `source`, so
/// the same types read both and the migration is the identity (see [`migrate`]).
pub const OLDEST_FORMAT: u32 = 1;

/// True for the versions read by the current types: [`OLDEST_FORMAT`] to [`CURRENT_FORMAT`].
pub fn reads_as_current(format: u32) -> bool {
    (OLDEST_FORMAT..=CURRENT_FORMAT).contains(&format)
}

/// The largest annotation or link file Accord reads: 256 MiB (a file of 500 000 annotations
/// is about 150 MB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// The most annotations one annotation file may hold.
pub const MAX_ANNOTATIONS: usize = 500_000;
/// The most links one annotation file may hold.
pub const MAX_LINKS: usize = 500_000;
/// The most fragments one annotation may have.
pub const MAX_FRAGMENTS: usize = 1_000;
/// The most attribute values one annotation may have (each reference of a `Refs` counts).
pub const MAX_ATTRIBUTE_VALUES: usize = 10_000;

/// The on-disk form of an [`AnnotationStore`] (current format).
///
/// `A` and `L` hold the annotations and links: lists of them (the defaults), lists borrowed
/// from a store when writing one, or the store itself when reading into one. So one
/// description of the file's fields serves all three.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationFile<A = Vec<Annotation>, L = Vec<Link>> {
    /// Format version, [`CURRENT_FORMAT`] when written by this program.
    pub format: u32,
    /// The annotated document.
    pub document: DocumentStamp,
    /// Whose annotations these are.
    pub annotator: String,
    /// Next id to hand out; ids are never reused.
    pub next_id: u64,
    /// Annotations by start, then id.
    #[serde(default)]
    pub annotations: A,
    /// Links by id.
    #[serde(default)]
    pub links: L,
}

/// The length of a list whose items are skipped unread ([`AnnotationFile::count_in`]).
#[derive(Debug, Default)]
struct Counted(usize);

impl<'de> Deserialize<'de> for Counted {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items;
        impl<'de> serde::de::Visitor<'de> for Items {
            type Value = Counted;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<S: serde::de::SeqAccess<'de>>(
                self,
                mut seq: S,
            ) -> Result<Counted, S::Error> {
                let mut n = 0;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Counted(n))
            }
        }
        d.deserialize_seq(Items)
    }
}

/// The depth down to which annotation and link files have one field per line: the file, the
/// document stamp, and each annotation and link; fragments, attributes and review are written
/// on one line.
const DEPTH: usize = 3;

/// Why an annotation file could not be read or written.
#[derive(Debug, Error)]
pub enum StoreError {
    /// Reading or writing failed.
    #[error("cannot {action} {path}: {source}; {}", io_advice(.action, .source))]
    Io {
        /// "read" or "write".
        action: &'static str,
        /// The annotation file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// Not valid RON, or not the shape of an annotation file.
    #[error(
        "{path}:{line}:{column}: not a valid annotation file: {message}; fix the file by hand or restore it from version control"
    )]
    Parse {
        /// The annotation file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// Written by a newer Accord.
    #[error(
        "{path} has format {found}, newer than this Accord understands (up to {supported}); update Accord"
    )]
    NewerFormat {
        /// The annotation file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
        /// The newest version this program reads.
        supported: u32,
    },
    /// A format number that never existed.
    #[error("{path} has format {found}, which no Accord ever wrote; fix the `format` field")]
    UnknownFormat {
        /// The annotation file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
    },
    /// Two annotations or links share an id.
    #[error(
        "{path}: id {id} is used twice; give one of them an id at or above `next_id` and raise `next_id`"
    )]
    DuplicateId {
        /// The annotation file.
        path: PathBuf,
        /// The repeated id.
        id: u64,
    },
    /// This workspace no longer holds the annotator's lock: another Accord took it over (it
    /// judged this one gone, e.g. after the machine slept for hours), so writing could
    /// overwrite its work.
    #[error(
        "cannot write {path}: another Accord took over the lock {lock}; the changes are still in memory: close the other Accord, copy what you need from here, and open the project again"
    )]
    LockLost {
        /// The annotation file.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// The file changed on disk since this workspace loaded or saved it (a git pull, a
    /// colleague, Accord on another machine) and the workspace has its own unsaved changes to
    /// it: writing would destroy one of the two, so nothing is written until the user chooses.
    #[error(
        "cannot write {path}: it changed on disk since it was loaded or saved here (a git pull, a colleague, another machine), and there are unsaved changes to it here; nothing was written: choose Reload (drop the changes here), Keep mine (overwrite the file) or Merge first"
    )]
    ChangedOnDisk {
        /// The annotation or link file.
        path: PathBuf,
    },
    /// The link file was not written: it links annotations of a document whose own file could
    /// not be written, so on disk it would name annotations that file does not have (or that
    /// are others there, with the same ids).
    #[error(
        "cannot write {path} yet: it links annotations of {document}, which could not be saved; it is saved with that file, once that file saves"
    )]
    WaitsFor {
        /// The link file.
        path: PathBuf,
        /// The annotation file that was not written.
        document: PathBuf,
    },
    /// The file is larger than Accord reads.
    #[error(
        "{path} is {bytes} bytes, more than the {limit} bytes Accord reads as one annotation or link file: it was not written by Accord; restore it from version control, or split the document it annotates"
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
        /// [`MAX_FILE_BYTES`].
        limit: u64,
    },
    /// The file holds more of something than Accord accepts.
    #[error(
        "{path}: {found} {what}, more than the {limit} Accord accepts: it was not written by Accord; restore it from version control, or split the document it annotates"
    )]
    TooMany {
        /// The file.
        path: PathBuf,
        /// What there is too much of ("annotations", "fragments in annotation #3", …).
        what: String,
        /// How many there are.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// The value could not be turned into RON (should not happen).
    #[error("cannot encode {path}: {message}")]
    Encode {
        /// The annotation file.
        path: PathBuf,
        /// What the encoder said.
        message: String,
    },
    /// The fast reader cannot read the file, and it is too large for the slower one: it is not
    /// in the form Accord writes (written by hand or by another program).
    #[error(
        "{path} is not an annotation file as Accord writes it ({detail}), and at {bytes} bytes it is too large for the reader of hand-written RON (16 MiB); write it as Accord does, or restore it from version control"
    )]
    NotAsWritten {
        /// The file.
        path: PathBuf,
        /// Its size.
        bytes: u64,
        /// What the fast reader stopped at.
        detail: String,
    },
    /// The file is outside the project, not a regular file, too large, or the system
    /// refused ([`crate::project_dir`]).
    #[error("{0}")]
    File(#[from] crate::project_dir::FsError),
}

impl StoreError {
    /// True when there is no file at all (nor a folder on the way to it): to a project, no
    /// annotations yet. Reading and treating this as absent costs one look at the file,
    /// where asking first and then reading looked twice.
    pub fn is_absent(&self) -> bool {
        matches!(self, StoreError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound)
    }
}

/// What to do about a failed read or write of an annotation or link file.
fn io_advice(action: &str, source: &std::io::Error) -> &'static str {
    match (action, source.kind()) {
        ("write", std::io::ErrorKind::StorageFull) => {
            "the disk is full: the changes are still in memory, and the old file is as it was; free some space and save again"
        }
        ("read", std::io::ErrorKind::InvalidData) => {
            "it is not UTF-8 text: fix the file by hand or restore it from version control"
        }
        ("read", _) => "check that it exists and can be read",
        _ => {
            "the changes are still in memory: make the folder writable (or free the path) and save again"
        }
    }
}

/// Only the version field, read first to pick a migration.
#[derive(Deserialize)]
struct FormatHeader {
    format: u32,
}

/// Turns the RON text of any known format version into the current [`AnnotationFile`].
///
/// Version 2 added one optional field, [`Annotation::source`]; a version-1 file is a
/// version-2 file where it is absent, so both are read by the current types (the file keeps
/// its version number until it is written again, as version 2). It was still numbered: a
/// version-1 program would drop the field it does not know when it rewrites a file, so it must
/// refuse a version-2 file instead. When a change is not additive, keep the old types in a `vN`
/// module, parse into them here and convert with a pure `fn(vN::AnnotationFile) ->
/// AnnotationFile`. The golden files `tests/golden/format-1.ron` and `format-2.ron` keep
/// both versions tested.
pub fn migrate(text: &str, path: &Path) -> Result<AnnotationFile, StoreError> {
    // `ron` needs several times a file's size in memory: a large file must be as Accord
    // writes it, which the fast reader reads.
    if text.len() as u64 > MAX_HAND_WRITTEN_BYTES {
        return Err(StoreError::NotAsWritten {
            path: path.to_path_buf(),
            bytes: text.len() as u64,
            detail: "the fast reader cannot read it".into(),
        });
    }
    let file: AnnotationFile = parse_versioned(text, path)?;
    check_limits(&file, path)?;
    Ok(file)
}

/// Refuses a file over the count limits ([`MAX_ANNOTATIONS`], [`MAX_LINKS`],
/// [`MAX_FRAGMENTS`], [`MAX_ATTRIBUTE_VALUES`]).
pub fn check_limits(file: &AnnotationFile, path: &Path) -> Result<(), StoreError> {
    let too_many = |what: String, found, limit| {
        Err(StoreError::TooMany {
            path: path.to_path_buf(),
            what,
            found,
            limit,
        })
    };
    if file.annotations.len() > MAX_ANNOTATIONS {
        return too_many(
            "annotations".into(),
            file.annotations.len(),
            MAX_ANNOTATIONS,
        );
    }
    if file.links.len() > MAX_LINKS {
        return too_many("links".into(), file.links.len(), MAX_LINKS);
    }
    for a in &file.annotations {
        if let Err(Limit { what, found, limit }) = annotation_within_limits(a) {
            return too_many(format!("{what} in annotation {}", a.id), found, limit);
        }
    }
    Ok(())
}

/// A count over a limit.
struct Limit {
    what: &'static str,
    found: usize,
    limit: usize,
}

fn annotation_within_limits(a: &Annotation) -> Result<(), Limit> {
    if a.fragments.len() > MAX_FRAGMENTS {
        return Err(Limit {
            what: "fragments",
            found: a.fragments.len(),
            limit: MAX_FRAGMENTS,
        });
    }
    let values: usize = a
        .attributes
        .values()
        .map(|v| match v {
            crate::model::AttributeValue::Refs(ids) => ids.len().max(1),
            _ => 1,
        })
        .sum();
    if values > MAX_ATTRIBUTE_VALUES {
        return Err(Limit {
            what: "attribute values",
            found: values,
            limit: MAX_ATTRIBUTE_VALUES,
        });
    }
    Ok(())
}

/// How much of an annotation or link file Accord reads.
const FILE_LIMIT: ReadLimit = ReadLimit::new(MAX_FILE_BYTES, "an annotation or link file");

/// The largest file the slower reader (`ron`, for RON written by hand) is given when the fast
/// reader cannot read it: `ron` needs several times a file's size in memory, and a file Accord
/// wrote never needs it. Larger files must be in the form Accord writes.
pub const MAX_HAND_WRITTEN_BYTES: u64 = 16 * 1024 * 1024;

/// Opens an annotation or link file of the project in `dir` to read, through the door
/// ([`crate::project_dir`]): inside the project, a regular file, refused over
/// [`MAX_FILE_BYTES`] (what is read stops at the limit too, should it grow meanwhile). A file
/// that is not there is [`std::io::ErrorKind::NotFound`].
pub(crate) fn open_limited(dir: &ProjectDir, path: &Path) -> Result<FileReader, StoreError> {
    match dir.open(path, FILE_LIMIT) {
        Ok(Some(reader)) => Ok(reader),
        Ok(None) => Err(StoreError::Io {
            action: "read",
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "there is no such file"),
        }),
        Err(FsError::TooLarge { size, .. }) => Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            bytes: size,
            limit: MAX_FILE_BYTES,
        }),
        Err(e) => Err(e.into()),
    }
}

/// Parses a versioned RON file of the current format, refusing newer and unknown versions
/// with typed errors (annotation files and cross-document link files share this).
pub fn parse_versioned<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
) -> Result<T, StoreError> {
    parse_versions(text, path, OLDEST_FORMAT, CURRENT_FORMAT)
}

/// [`parse_versioned`] for a file whose current format is `current` (files with a version
/// of their own, such as `assignments.ron`).
pub fn parse_versioned_as<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
    current: u32,
) -> Result<T, StoreError> {
    parse_versions(text, path, current, current)
}

/// Parses a versioned RON file whose versions `oldest..=current` are all read by `T`.
fn parse_versions<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
    oldest: u32,
    current: u32,
) -> Result<T, StoreError> {
    let header: FormatHeader = crate::ron_io::from_str(text).map_err(|e| parse_error(path, e))?;
    match header.format {
        found if (oldest..=current).contains(&found) => {
            crate::ron_io::from_str(text).map_err(|e| parse_error(path, e))
        }
        found if found > current => Err(StoreError::NewerFormat {
            path: path.to_path_buf(),
            found,
            supported: current,
        }),
        found => Err(StoreError::UnknownFormat {
            path: path.to_path_buf(),
            found,
        }),
    }
}

/// Reads a whole annotation or link file of the project in `dir` as text, naming the path in
/// the error.
pub fn read_text(dir: &ProjectDir, path: &Path) -> Result<String, StoreError> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut open_limited(dir, path)?, &mut text).map_err(|source| {
        StoreError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        }
    })?;
    Ok(text)
}

/// The text of a file the fast reader could not read, for `ron`: refused, naming why, when it
/// is larger than [`MAX_HAND_WRITTEN_BYTES`].
fn text_for_ron(dir: &ProjectDir, path: &Path, fast_error: &str) -> Result<String, StoreError> {
    let reader = open_limited(dir, path)?;
    if reader.size > MAX_HAND_WRITTEN_BYTES {
        return Err(StoreError::NotAsWritten {
            path: path.to_path_buf(),
            bytes: reader.size,
            detail: fast_error.to_owned(),
        });
    }
    read_text(dir, path)
}

/// The folder of a file that belongs to no open project (a test's, a tool's), as the door's
/// project: the file is still read only when it is a regular file in it, up to the limit.
pub fn dir_of(path: &Path) -> Result<ProjectDir, StoreError> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    ProjectDir::new(folder).map_err(|source| StoreError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    })
}

/// Pretty RON for Accord's data files (see [`crate::ron_io::to_pretty_ron`]).
pub fn to_pretty_ron<T: Serialize>(value: &T, path: &Path) -> Result<String, StoreError> {
    crate::ron_io::to_pretty_ron(value, DEPTH).map_err(|e| StoreError::Encode {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Writes text atomically into the project in `dir` (through the door), naming the path in
/// the error.
pub fn write_text(dir: &ProjectDir, path: &Path, text: &str) -> Result<(), StoreError> {
    let real = dir.writable(path)?;
    write_atomic(&real, text.as_bytes()).map_err(|source| StoreError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })
}

fn parse_error(path: &Path, e: crate::ron_io::ParseErrorAt) -> StoreError {
    StoreError::Parse {
        path: path.to_path_buf(),
        line: e.line,
        column: e.column,
        message: e.message,
    }
}

/// Parses the text of an annotation file of any known version: the fast reader for files of
/// the current format, `ron` (and [`migrate`]) for everything else and for every error.
pub fn parse_annotation_file(text: &str, path: &Path) -> Result<AnnotationFile, StoreError> {
    match fast_ron::from_slice::<AnnotationFile>(text.as_bytes()) {
        Ok(file) if reads_as_current(file.format) && check_limits(&file, path).is_ok() => Ok(file),
        _ => migrate(text, path),
    }
}

/// An annotation file read straight into a store: see [`AnnotationFile::load_store`].
#[derive(Debug)]
pub struct LoadedFile {
    /// The annotated document, as it was when annotated.
    pub document: DocumentStamp,
    /// Whose annotations these are.
    pub annotator: String,
    /// The annotations and links.
    pub store: AnnotationStore,
}

impl AnnotationFile {
    /// Reads an annotation file of any known version that belongs to no open project (a
    /// test's, a tool's); in a project, [`Self::load_in`].
    pub fn load(path: &Path) -> Result<Self, StoreError> {
        Self::load_in(&dir_of(path)?, path)
    }

    /// Reads an annotation file of any known version of the project in `dir`.
    pub fn load_in(dir: &ProjectDir, path: &Path) -> Result<Self, StoreError> {
        let fast = open_limited(dir, path)?;
        let size = fast.size;
        let fast = fast_ron::from_reader::<AnnotationFile, _>(fast, size);
        match fast {
            Ok(file) if reads_as_current(file.format) && check_limits(&file, path).is_ok() => {
                Ok(file)
            }
            Ok(_) => migrate(&text_for_ron(dir, path, "")?, path),
            Err(e) => migrate(&text_for_ron(dir, path, &e.to_string())?, path),
        }
    }

    /// How many annotations the annotation file at `path` of the project in `dir` holds,
    /// without building them: the fast reader skips each one (counting a project's files
    /// for `accord progress`). A file it cannot read is loaded in full, as
    /// [`Self::load_in`] does, so the count and the errors are the same.
    pub fn count_in(dir: &ProjectDir, path: &Path) -> Result<usize, StoreError> {
        let fast = open_limited(dir, path)?;
        let size = fast.size;
        match fast_ron::from_reader::<AnnotationFile<Counted, serde::de::IgnoredAny>, _>(fast, size)
        {
            Ok(file) if reads_as_current(file.format) && file.annotations.0 <= MAX_ANNOTATIONS => {
                Ok(file.annotations.0)
            }
            _ => Ok(Self::load_in(dir, path)?.annotations.len()),
        }
    }

    /// [`Self::load_store_in`] for a file that belongs to no open project.
    pub fn load_store(path: &Path) -> Result<LoadedFile, StoreError> {
        Self::load_store_in(&dir_of(path)?, path)
    }

    /// Reads an annotation file of the project in `dir` straight into a store: the same
    /// result and errors as `AnnotationFile::load_in(dir, path)?.into_store(path)`, without
    /// the file's text or a list of all annotations in memory at once.
    pub fn load_store_in(dir: &ProjectDir, path: &Path) -> Result<LoadedFile, StoreError> {
        let fast = open_limited(dir, path)?;
        let size = fast.size;
        let fast = fast_ron::from_reader(fast, size)
            .ok()
            .and_then(into_loaded::<Annotation>);
        match fast {
            Some(loaded) => Ok(loaded),
            None => {
                let file = Self::load_in(dir, path)?;
                let (document, annotator) = (file.document.clone(), file.annotator.clone());
                Ok(LoadedFile {
                    document,
                    annotator,
                    store: file.into_store(path)?,
                })
            }
        }
    }

    /// [`Self::load_store_in`] for comparing annotators: each annotation's id, label, ranges,
    /// attributes and review, with its other texts (fragment copies, author, times, note) and
    /// any merge conflict left empty, and its links. The same errors as
    /// [`Self::load_store_in`]; a file the fast reader leaves to `ron` is read whole.
    pub fn load_compared_in(dir: &ProjectDir, path: &Path) -> Result<LoadedFile, StoreError> {
        let fast = open_limited(dir, path)?;
        let size = fast.size;
        match fast_ron::from_reader::<AnnotationFile<IntoStore<Compared>>, _>(fast, size)
            .ok()
            .and_then(into_loaded)
        {
            Some(loaded) => Ok(loaded),
            None => Self::load_store_in(dir, path),
        }
    }

    /// [`Self::load_compared_in`] for text in memory; `path` names the file in errors.
    pub fn parse_compared(text: &str, path: &Path) -> Result<LoadedFile, StoreError> {
        match fast_ron::from_slice::<AnnotationFile<IntoStore<Compared>>>(text.as_bytes())
            .ok()
            .and_then(into_loaded)
        {
            Some(loaded) => Ok(loaded),
            None => Self::parse_store(text, path),
        }
    }

    /// Reads the text of an annotation file straight into a store: what [`Self::load_store`]
    /// does with a file's contents, for text already in memory. `path` names the file in
    /// errors.
    pub fn parse_store(text: &str, path: &Path) -> Result<LoadedFile, StoreError> {
        match fast_ron::from_slice(text.as_bytes())
            .ok()
            .and_then(into_loaded::<Annotation>)
        {
            Some(loaded) => Ok(loaded),
            None => {
                let file = parse_annotation_file(text, path)?;
                let (document, annotator) = (file.document.clone(), file.annotator.clone());
                Ok(LoadedFile {
                    document,
                    annotator,
                    store: file.into_store(path)?,
                })
            }
        }
    }

    /// The text of a store's annotation file, written straight from the store (what
    /// `from_store(…).to_ron(path)` gives, without copying the annotations). `path` names the
    /// file in errors.
    pub fn store_to_ron(
        store: &AnnotationStore,
        document: &DocumentStamp,
        annotator: &str,
        path: &Path,
    ) -> Result<String, StoreError> {
        let borrowed = AnnotationFile {
            format: CURRENT_FORMAT,
            document: document.clone(),
            annotator: annotator.to_owned(),
            next_id: store.next_id(),
            annotations: store.in_file_order(),
            links: store.links().collect::<Vec<_>>(),
        };
        file_to_ron(&borrowed, (store.len(), store.links().len()), path)
    }

    /// Writes a store's annotation file atomically into the project in `dir`. On error the
    /// old file is left as it was.
    pub fn save_store_in(
        dir: &ProjectDir,
        store: &AnnotationStore,
        document: &DocumentStamp,
        annotator: &str,
        path: &Path,
    ) -> Result<(), StoreError> {
        let text = Self::store_to_ron(store, document, annotator, path)?;
        write_text(dir, path, &text)
    }

    /// [`Self::save_store_in`] for a file that belongs to no open project (a test's, a
    /// benchmark's).
    pub fn save_store(
        store: &AnnotationStore,
        document: &DocumentStamp,
        annotator: &str,
        path: &Path,
    ) -> Result<(), StoreError> {
        Self::save_store_in(&dir_of(path)?, store, document, annotator, path)
    }

    /// The file form of a store, in deterministic order.
    pub fn from_store(store: &AnnotationStore, document: DocumentStamp, annotator: &str) -> Self {
        Self {
            format: CURRENT_FORMAT,
            document,
            annotator: annotator.to_owned(),
            next_id: store.next_id(),
            annotations: store.in_file_order().into_iter().cloned().collect(),
            links: store.links().cloned().collect(),
        }
    }

    /// Builds the in-memory store. Refuses duplicate ids; content checks against the document
    /// and schema are [`crate::validate`]'s job.
    pub fn into_store(self, path: &Path) -> Result<AnnotationStore, StoreError> {
        let mut store = AnnotationStore::new();
        let mut seen = std::collections::HashSet::new();
        for id in self
            .annotations
            .iter()
            .map(|a| a.id.0)
            .chain(self.links.iter().map(|l| l.id.0))
        {
            if !seen.insert(id) {
                return Err(StoreError::DuplicateId {
                    path: path.to_path_buf(),
                    id,
                });
            }
        }
        for a in self.annotations {
            store.put(a);
        }
        for l in self.links {
            store.put_link(l);
        }
        store.set_next_id(self.next_id);
        Ok(store)
    }

    /// The pretty RON text: one annotation per block, fragments on one line. The same bytes as
    /// [`to_pretty_ron`], written faster.
    pub fn to_ron(&self, path: &Path) -> Result<String, StoreError> {
        file_to_ron(self, (self.annotations.len(), self.links.len()), path)
    }

    /// Writes the file atomically. On error the old file is left as it was.
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
}

/// The text of an annotation file, however it holds its annotations and links: written by
/// the fast writer, in the bytes of [`to_pretty_ron`]; by `ron` itself should a value be
/// outside the fast writer's subset (none is today). `counts` are the numbers of annotations
/// and links.
fn file_to_ron<A: Serialize, L: Serialize>(
    file: &AnnotationFile<A, L>,
    counts: (usize, usize),
    path: &Path,
) -> Result<String, StoreError> {
    // About 300 bytes per annotation in practice: one allocation for the common case.
    let capacity = 512 + counts.0 * 320 + counts.1 * 96;
    match ron_writer::to_string(file, DEPTH, capacity) {
        Ok(text) => Ok(text),
        Err(_) => to_pretty_ron(file, path),
    }
}

/// The annotations of a file put into a store as they are read, so that a list of all of them
/// is never in memory (see [`AnnotationFile::load_store`]). Reading fails, and the slow path
/// takes over to report it, at an annotation over a limit or with a repeated id.
/// `E` is what each annotation is read as: all of it, or only what comparing needs
/// ([`Compared`]).
struct IntoStore<E = Annotation>(AnnotationStore, std::marker::PhantomData<E>);

/// A file without `annotations` reads as an empty store whose ids start at 1, as
/// [`AnnotationFile::into_store`] gives (`AnnotationStore::default()` would start them at 0).
impl<E> Default for IntoStore<E> {
    fn default() -> Self {
        IntoStore(AnnotationStore::new(), std::marker::PhantomData)
    }
}

impl<'de, E: Deserialize<'de> + Into<Annotation>> Deserialize<'de> for IntoStore<E> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Each<E>(std::marker::PhantomData<E>);

        impl<'de, E: Deserialize<'de> + Into<Annotation>> serde::de::Visitor<'de> for Each<E> {
            type Value = IntoStore<E>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of annotations")
            }

            fn visit_seq<S: serde::de::SeqAccess<'de>>(
                self,
                mut seq: S,
            ) -> Result<IntoStore<E>, S::Error> {
                let mut store = AnnotationStore::new();
                while let Some(a) = seq.next_element::<E>()? {
                    let a: Annotation = a.into();
                    // The slow path reports these as `TooMany` and `DuplicateId`.
                    if store.len() >= MAX_ANNOTATIONS
                        || annotation_within_limits(&a).is_err()
                        || store.get(a.id).is_some()
                    {
                        return Err(serde::de::Error::custom("left to the slow path"));
                    }
                    store.put(a);
                }
                Ok(IntoStore(store, std::marker::PhantomData))
            }
        }

        d.deserialize_seq(Each(std::marker::PhantomData))
    }
}

/// An annotation as comparing annotators reads it (`accord agree`): its id, label, ranges,
/// attributes and review. The texts nothing compares (each fragment's copy of the document,
/// author, times, note) are checked as strings but not kept, which makes reading a project's
/// files for agreement a good part faster. Every field of [`Annotation`] is here with its type,
/// so a file reads this way exactly when it reads whole.
#[derive(Deserialize)]
struct Compared {
    id: AnnotationId,
    label: String,
    fragments: Vec<ComparedFragment>,
    #[serde(default)]
    attributes: BTreeMap<String, AttributeValue>,
    #[serde(default, rename = "note")]
    _note: Unkept,
    #[serde(default)]
    review: Review,
    #[serde(rename = "author")]
    _author: Unkept,
    #[serde(rename = "created")]
    _created: Unkept,
    #[serde(rename = "modified")]
    _modified: Unkept,
    #[serde(default)]
    source: Option<crate::model::Source>,
    /// Read to be checked; nothing compares the other side of a merge conflict.
    #[serde(default, rename = "conflict")]
    _conflict: Option<Box<MergeConflict>>,
}

#[derive(Deserialize)]
struct ComparedFragment {
    start: usize,
    end: usize,
    #[serde(rename = "text")]
    _text: Unkept,
}

/// A string that must be there, read and not kept (the fast reader hands it over without
/// copying it).
#[derive(Default)]
struct Unkept;

impl<'de> Deserialize<'de> for Unkept {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Unkept;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Unkept, E> {
                Ok(Unkept)
            }
        }
        d.deserialize_str(Text)
    }
}

impl From<Compared> for Annotation {
    /// The annotation with empty texts where the file's were not kept (none allocates).
    fn from(c: Compared) -> Annotation {
        Annotation {
            id: c.id,
            label: c.label,
            fragments: c
                .fragments
                .into_iter()
                .map(|f| Fragment {
                    start: f.start,
                    end: f.end,
                    text: String::new(),
                })
                .collect(),
            attributes: c.attributes,
            note: String::new(),
            review: c.review,
            author: String::new(),
            created: Timestamp(String::new()),
            modified: Timestamp(String::new()),
            source: c.source,
            conflict: None,
        }
    }
}

/// A file read with its annotations in a store, as a [`LoadedFile`]; `None` for what the slow
/// path must report: another format, too many links, a repeated id.
fn into_loaded<E>(file: AnnotationFile<IntoStore<E>>) -> Option<LoadedFile> {
    if !reads_as_current(file.format) || file.links.len() > MAX_LINKS {
        return None;
    }
    let IntoStore(mut store, _) = file.annotations;
    for link in file.links {
        if store.get(AnnotationId(link.id.0)).is_some() || store.link(link.id).is_some() {
            return None;
        }
        store.put_link(link);
    }
    store.set_next_id(file.next_id);
    Some(LoadedFile {
        document: file.document,
        annotator: file.annotator,
        store,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLDEN: &str = include_str!("../../tests/golden/format-1.ron");
    const GOLDEN_2: &str = include_str!("../../tests/golden/format-2.ron");

    /// The fast reader and writer must handle what Accord writes by themselves, not fall back to
    /// `ron`: both versions of the format.
    #[test]
    fn the_fast_reader_and_writer_handle_the_golden_files_themselves() {
        for (name, golden) in [("format-1.ron", GOLDEN), ("format-2.ron", GOLDEN_2)] {
            let path = Path::new(name);
            let by_ron = migrate(golden, path).unwrap();
            let fast: AnnotationFile = fast_ron::from_slice(golden.as_bytes()).unwrap();
            assert_eq!(fast, by_ron);
            let loaded =
                into_loaded::<Annotation>(fast_ron::from_slice(golden.as_bytes()).unwrap())
                    .unwrap();
            let store = by_ron.clone().into_store(path).unwrap();
            assert_eq!(loaded.document, by_ron.document);
            assert_eq!(loaded.store.next_id(), store.next_id());
            assert!(loaded.store.annotations().eq(store.annotations()));
            assert!(loaded.store.links().eq(store.links()));
            assert_eq!(by_ron.to_ron(path).unwrap(), golden);
            // And the fast writer writes it itself, not `ron`.
            assert_eq!(ron_writer::to_string(&by_ron, DEPTH, 0).unwrap(), golden);
        }
        let sources = |file: &AnnotationFile| {
            file.annotations
                .iter()
                .filter(|a| a.source.is_some())
                .count()
        };
        assert_eq!(
            sources(&fast_ron::from_slice(GOLDEN_2.as_bytes()).unwrap()),
            3
        );
    }

    /// A file of a version newer than this program's is refused, naming the version, so an
    /// older Accord never drops fields it does not know by writing the file again.
    #[test]
    fn a_newer_format_is_refused() {
        let newer = GOLDEN_2.replacen("format: 2,", "format: 3,", 1);
        let error = parse_annotation_file(&newer, Path::new("a.ron")).unwrap_err();
        assert!(
            matches!(
                error,
                StoreError::NewerFormat {
                    found: 3,
                    supported: 2,
                    ..
                }
            ),
            "{error}"
        );
    }

    /// Reading for comparison keeps exactly what agreement compares (ids, labels, ranges,
    /// attributes, review, links) and leaves every other text empty, on the fast path; a file
    /// the fast reader leaves to `ron` (here a `\u{…}` escape) reads whole, as before; and a
    /// file that does not read whole does not read for comparison either, with the same error.
    #[test]
    fn reading_for_comparison_fails_where_the_whole_read_fails() {
        let path = Path::new("format-1.ron");
        let author = GOLDEN.find("            author: ").unwrap();
        let line_end = author + GOLDEN[author..].find('\n').unwrap() + 1;
        let broken = [
            // An annotation without its author.
            format!("{}{}", &GOLDEN[..author], &GOLDEN[line_end..]),
            // A review state that does not exist.
            GOLDEN.replacen("state: Accepted", "state: Acepted", 1),
            // A note given twice.
            GOLDEN.replacen(
                "            author: ",
                "            note: \"a\",\n            note: \"b\",\n            author: ",
                1,
            ),
            // A time that is not a string.
            GOLDEN.replacen("created: \"", "created: 5, x: \"", 1),
            // A fragment without its text.
            GOLDEN.replacen(", text: \"", ", txt: \"", 1),
        ];
        for text in &broken {
            assert_ne!(text, GOLDEN);
            let whole = AnnotationFile::parse_store(text, path).map(drop);
            let compared = AnnotationFile::parse_compared(text, path).map(drop);
            let whole = whole
                .expect_err("a broken file does not read whole")
                .to_string();
            let compared = compared.expect_err("nor for comparison").to_string();
            assert_eq!(compared, whole);
        }
    }

    /// Reading for comparison keeps exactly what agreement compares (ids, labels, ranges,
    /// attributes, review, links) and leaves every other text empty, on the fast path; a file
    /// the fast reader leaves to `ron` (here a `\u{…}` escape) reads whole, as before.
    #[test]
    fn reading_for_comparison_keeps_what_is_compared() {
        let dir = tempfile::tempdir().unwrap();
        let project = ProjectDir::new(dir.path()).unwrap();
        let path = dir.path().join("a.ron");
        let escaped = GOLDEN.replacen("author: \"", "author: \"\\u{41}", 1);
        assert_ne!(escaped, GOLDEN);
        for (text, fast) in [(GOLDEN, true), (escaped.as_str(), false)] {
            std::fs::write(&path, text).unwrap();
            let whole = AnnotationFile::load_store_in(&project, &path).unwrap();
            let compared = AnnotationFile::load_compared_in(&project, &path).unwrap();
            assert_eq!(compared.document, whole.document);
            assert_eq!(compared.store.next_id(), whole.store.next_id());
            assert!(compared.store.links().eq(whole.store.links()));
            assert_eq!(compared.store.len(), whole.store.len());
            assert!(whole.store.annotations().any(|a| !a.note.is_empty()));
            for (c, w) in compared.store.annotations().zip(whole.store.annotations()) {
                assert_eq!(
                    (c.id, &c.label, &c.attributes),
                    (w.id, &w.label, &w.attributes)
                );
                let ranges =
                    |a: &Annotation| a.fragments.iter().map(Fragment::range).collect::<Vec<_>>();
                assert_eq!(ranges(c), ranges(w));
                let texts = c.fragments.iter().map(|f| f.text.len()).sum::<usize>()
                    + c.author.len()
                    + c.note.len()
                    + c.created.0.len();
                assert_eq!(texts == 0, fast, "{:?}", c.id);
            }
        }
    }

    /// A file with every optional value left at its default (`full`: false), or with every
    /// one set. The second annotation is reviewed, so that the review's own optional fields
    /// have a review to be left out of.
    fn fixture(full: bool) -> AnnotationFile {
        use crate::model::{AttributeValue, Review, ReviewState, Timestamp};
        let mut plain = Annotation::fixture(1, "PERSON", &[(0, 4)]);
        let mut reviewed = Annotation::fixture(2, "PLACE", &[(5, 9), (12, 14)]);
        reviewed.review.state = ReviewState::Accepted;
        if full {
            plain.attributes = [
                ("kind".to_owned(), AttributeValue::Enum("city".into())),
                (
                    "refs".to_owned(),
                    AttributeValue::Refs(vec![AnnotationId(2)]),
                ),
            ]
            .into();
            plain.note = "a note".into();
            plain.review.state = ReviewState::Rejected;
            reviewed.review = Review {
                state: ReviewState::Accepted,
                reviewer: Some("bob".into()),
                time: Some(Timestamp("2026-11-23T15:10:00Z".into())),
                proposed_by: vec!["alice".into(), "carol".into()],
            };
            let mut other = plain.clone();
            other.label = "PLACE".into();
            plain.conflict = Some(Box::new(crate::model::MergeConflict { other: Some(other) }));
            reviewed.conflict = Some(Box::new(crate::model::MergeConflict { other: None }));
            plain.source = Some(crate::model::Source {
                suggester: crate::model::Suggester::Gazetteer("news".into()),
                score: 900,
            });
        }
        AnnotationFile {
            format: CURRENT_FORMAT,
            document: DocumentStamp {
                file: "a.txt".into(),
                sha256: "00".into(),
                chars: 20,
                encoding: full.then(|| "windows-1251".into()),
            },
            annotator: "alice".into(),
            next_id: 4,
            annotations: vec![plain, reviewed],
            links: vec![Link {
                id: crate::model::LinkId(3),
                kind: "near".into(),
                from: AnnotationId(1),
                to: AnnotationId(2),
            }],
        }
    }

    /// The JSON pointers of the fields `full` has and `minimal` leaves out.
    fn left_out(minimal: &serde_json::Value, full: &serde_json::Value, at: &str) -> Vec<String> {
        use serde_json::Value;
        match (minimal, full) {
            (Value::Object(minimal), Value::Object(full)) => full
                .iter()
                .flat_map(|(key, value)| {
                    let here = format!("{at}/{key}");
                    match minimal.get(key) {
                        None => vec![here],
                        Some(m) => left_out(m, value, &here),
                    }
                })
                .collect(),
            (Value::Array(minimal), Value::Array(full)) => (minimal.iter().zip(full))
                .enumerate()
                .flat_map(|(i, (m, f))| left_out(m, f, &format!("{at}/{i}")))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Reads `text` with the fast reader (both ways: as a file and into a store) and with
    /// `ron`, which must all give `want`; and writes `want` with the fast writer and with
    /// `ron`, which must both give `text`. No fast path may fall back to `ron`.
    fn reads_and_writes_as_ron_does(text: &str, want: &AnnotationFile) {
        let path = Path::new("a.txt.ron");
        assert_eq!(ron_writer::to_string(want, DEPTH, 0).unwrap(), text);
        assert_eq!(to_pretty_ron(want, path).unwrap(), text);
        let fast: AnnotationFile = fast_ron::from_slice(text.as_bytes()).unwrap();
        assert_eq!(&fast, want, "fast reader, of {text}");
        assert_eq!(&migrate(text, path).unwrap(), want, "ron, of {text}");
        let loaded =
            into_loaded::<Annotation>(fast_ron::from_slice(text.as_bytes()).unwrap()).unwrap();
        let store = want.clone().into_store(path).unwrap();
        assert!(loaded.store.annotations().eq(store.annotations()), "{text}");
        assert!(loaded.store.links().eq(store.links()), "{text}");
        assert_eq!(loaded.document, want.document);
    }

    /// Each field with a skip rule, present and absent, is written and read back the same by
    /// the fast writer and reader as by `ron`: all follow the one description, the serde
    /// derives. The fields are found from that description itself (those the file with every
    /// value at its default leaves out), so a new optional field is covered here once
    /// `fixture(true)` sets it.
    #[test]
    fn every_optional_field_reads_back_as_written() {
        let path = Path::new("a.txt.ron");
        let minimal = fixture(false);
        let minimal_text = minimal.to_ron(path).unwrap();
        reads_and_writes_as_ron_does(&minimal_text, &minimal);
        reads_and_writes_as_ron_does(&fixture(true).to_ron(path).unwrap(), &fixture(true));

        let minimal_json = serde_json::to_value(&minimal).unwrap();
        let full_json = serde_json::to_value(fixture(true)).unwrap();
        let optional = left_out(&minimal_json, &full_json, "");
        for field in [
            "/document/encoding",
            "/annotations/0/attributes",
            "/annotations/0/note",
            "/annotations/0/review",
            "/annotations/1/review/reviewer",
            "/annotations/1/review/time",
            "/annotations/1/review/proposed_by",
        ] {
            assert!(
                optional.iter().any(|f| f == field),
                "{field} in {optional:?}"
            );
        }
        for field in &optional {
            // The minimal file with just this field set.
            let (parent, key) = field.rsplit_once('/').unwrap();
            let mut one = minimal_json.clone();
            let value = full_json.pointer(field).unwrap().clone();
            one.pointer_mut(parent)
                .and_then(serde_json::Value::as_object_mut)
                .unwrap()
                .insert(key.to_owned(), value);
            let one: AnnotationFile = serde_json::from_value(one).unwrap();
            let text = one.to_ron(path).unwrap();
            let written = |text: &str| text.matches(&format!("{key}: ")).count();
            assert_eq!(
                written(&text),
                written(&minimal_text) + 1,
                "{field} is written when set, and only then: {text}"
            );
            reads_and_writes_as_ron_does(&text, &one);
        }
    }
}
