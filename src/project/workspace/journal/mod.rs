//! The journal: an annotator's unsaved steps, on disk, so a crash loses nothing shown as done.
//!
//! Every step a [`Workspace`](super::Workspace) applies — an edit, an undo, a redo — is appended to
//! `annotations/.<annotator>.journal` (next to the lock, [`crate::project::lock`]) and flushed to disk
//! (`write`, then `fdatasync`; the folder is synced too when the file is created) before
//! [`Workspace::apply`](super::Workspace::apply), [`Workspace::undo`](super::Workspace::undo) or [`Workspace::redo`](super::Workspace::redo) return `Ok`: the window shows
//! an edit as done only once it survives a crash, a SIGKILL or a power cut. A step that cannot
//! be recorded is taken back in memory and refused ([`JournalError`]).
//!
//! Three parts, each with its rules in its own documentation:
//!
//! | part | what it does | used by the workspace through |
//! |---|---|---|
//! | `record` | the codec: a step as one line of bytes (length, SHA-256, JSON of the values before and after), and the lines of a journal read back, up to the last whole one | `record_step`, `record_from_disk`, [`StepKind`] |
//! | `file` | the file: appending a line and flushing it, reading the journal, folding it in at a save (emptied, or set aside when some of it could not be applied) | `Journal`, [`journal_path`], [`annotators_with_journal`] |
//! | `replay` | after a crash: putting the records back into the loaded files, each all or nothing, never over a file changed since, and saying what came back | `recover`, [`Recovery`] |
//!
//! `replay` uses the other two; `record` and `file` know nothing of each other.
//!
//! A read-only workspace (the lock is held elsewhere, a bad annotator name) neither reads nor
//! writes the journal, and a workspace whose lock was taken over records nothing more.

mod file;
mod record;
mod replay;

use std::path::PathBuf;

use thiserror::Error;

pub use file::{MAX_JOURNAL_BYTES, annotators_with_journal, journal_path, restore_kept};
pub use record::{JOURNAL_FORMAT, Owner, StepKind};
pub use replay::{NotApplied, RecoveredFile, Recovery, Trust};

pub(super) use file::Journal;
pub(super) use record::{OnDisk, record_from_disk, record_step};
pub(super) use replay::recover;

/// What a journal's bytes hold, read as replay reads them, without replaying anything: for
/// tools, and for the fuzzer (a journal may come from anyone).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JournalContents {
    /// Records that read, each with its 1-based line, kind and owner.
    pub records: Vec<(usize, StepKind, Option<Owner>)>,
    /// Whole lines that do not read, with why.
    pub unreadable: Vec<(usize, String)>,
    /// The last record is unfinished (a write cut short).
    pub torn_tail: bool,
    /// Bytes up to the end of the last whole line.
    pub whole_bytes: u64,
}

/// Reads the lines of a journal's bytes (any bytes: never panics).
pub fn read_contents(bytes: &[u8]) -> JournalContents {
    let decoded = record::decode(bytes);
    let mut out = JournalContents {
        torn_tail: decoded.torn_lines > 0,
        whole_bytes: decoded.valid_len,
        ..JournalContents::default()
    };
    for (line, parsed) in decoded.lines {
        match parsed {
            Ok(record) => out.records.push((line, record.kind, record.owner)),
            Err(record::BadLine::Damaged(why) | record::BadLine::Unreadable(why)) => {
                out.unreadable.push((line, why));
            }
        }
    }
    out
}

/// Why a step could not be recorded. The step was taken back: nothing changed.
#[derive(Debug, Error)]
pub enum JournalError {
    /// Writing or flushing the journal failed.
    #[error(
        "cannot record the edit in {path}: {source}; it was not made. Free some disk space or make the folder writable and try again (saving still works for what is done)"
    )]
    Io {
        /// The journal.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// Another Accord took over the annotator's lock: it owns the journal now.
    #[error(
        "the edit was not made: another Accord took over the lock {lock}, and only it may write {path}; close the other Accord and open the project again"
    )]
    LockLost {
        /// The journal.
        path: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// The step's undo holds an edit that is not the inverse of one (a bug).
    #[error("cannot record the edit in {path}: {detail}; it was not made")]
    Unrecordable {
        /// The journal.
        path: PathBuf,
        /// What was wrong.
        detail: String,
    },
}
