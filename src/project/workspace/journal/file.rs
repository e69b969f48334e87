//! The file: `annotations/.<annotator>.journal`, read whole before replay, then appended to.
//!
//! A record is appended with `write`, then flushed with `fdatasync` (the folder is synced too
//! when the file is created), before the step counts as done. A record cut short by a failed
//! write is cut off again; a torn tail left by a crash is cut off before the next record.
//! Nothing is written once the lock was taken over ([`JournalError::LockLost`]).
//!
//! **A save folds the journal in**: once a save leaves nothing unsaved, the journal is replaced
//! by an empty file through [`crate::project_dir::atomic`]. After a save that wrote only some files the
//! whole journal stays; replaying it is harmless for what was saved (see `replay`). A journal
//! with records that could not be applied is set aside (renamed, not emptied) at that fold,
//! so nothing the annotator did is thrown away unseen.
//!
//! What the lines say is `record`'s business: this file only knows how many bytes are whole.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::JournalError;
use super::record::Owner;
use crate::model::Timestamp;
use crate::project::lock::AnnotatorLock;
use crate::project_dir::{Limit, ProjectDir};

/// The largest journal Accord reads: 256 MiB, as for an annotation file. Saving empties it, and
/// the window saves every 30 seconds.
pub const MAX_JOURNAL_BYTES: u64 = crate::store::file::MAX_FILE_BYTES;

/// Path of `annotator`'s journal in the project at `root`.
pub fn journal_path(root: &Path, annotator: &str) -> PathBuf {
    root.join(crate::project::ANNOTATIONS_DIR)
        .join(format!(".{annotator}.journal"))
}

/// Annotators whose journal in the project at `root` is not empty (what `accord recover` looks
/// at), sorted.
pub fn annotators_with_journal(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join(crate::project::ANNOTATIONS_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.metadata().is_ok_and(|m| m.is_file() && m.len() > 0))
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            let annotator = name.strip_prefix('.')?.strip_suffix(".journal")?;
            crate::project::check_annotator_name(annotator)
                .is_ok()
                .then(|| annotator.to_owned())
        })
        .collect();
    names.sort();
    names
}

/// Makes the journal `kept` aside earlier (`.<annotator>.journal.….unapplied`, in the same
/// folder) `annotator`'s journal again, to recover from it: refused when it is not one of
/// those, or when the annotator's journal holds edits (they would be lost).
pub fn restore_kept(dir: &ProjectDir, annotator: &str, kept: &Path) -> Result<(), String> {
    let live = journal_path(dir.root(), annotator);
    let prefix = format!(".{annotator}.journal.");
    let is_kept = kept.parent().map(Path::to_path_buf) == live.parent().map(Path::to_path_buf)
        && kept
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".unapplied"));
    if !is_kept || !dir.is_file(kept) {
        return Err(format!(
            "{} is not a journal kept aside for {annotator}: give one of the `{prefix}….unapplied` files beside {}",
            kept.display(),
            live.display()
        ));
    }
    if dir
        .read_prefix(&live, 1)
        .map_err(|e| e.to_string())?
        .is_some_and(|(bytes, _)| !bytes.is_empty())
    {
        return Err(format!(
            "{} holds unsaved edits: recover them first (`accord recover --annotator {annotator}`)",
            live.display()
        ));
    }
    let (from, to) = (
        dir.resolve(kept).map_err(|e| e.to_string())?,
        dir.resolve(&live).map_err(|e| e.to_string())?,
    );
    std::fs::rename(from, to)
        .map_err(|e| format!("cannot move {} to {}: {e}", kept.display(), live.display()))
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// How much of a journal Accord reads.
const JOURNAL_LIMIT: Limit = Limit::new(
    MAX_JOURNAL_BYTES,
    "a journal (it holds unsaved edits: move it away rather than delete it)",
);

/// The journal's bytes, `None` when there is none; an error when it exists but must not be
/// touched (a link out of the project, not a file, too large, unreadable).
pub(super) fn read_journal(dir: &ProjectDir, path: &Path) -> Result<Option<Vec<u8>>, String> {
    dir.read(path, JOURNAL_LIMIT)
        .map_err(|e| format!("the journal cannot be read: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// An annotator's journal, open for appending while the workspace holds the lock.
#[derive(Debug)]
pub(in crate::project::workspace) struct Journal {
    /// The project folder: the journal is read and written only inside it.
    dir: ProjectDir,
    /// Whose journal this is, as every record says.
    owner: Owner,
    path: PathBuf,
    /// Open for appending once the first record is written.
    file: Option<std::fs::File>,
    /// Bytes of whole records: a torn tail past them is cut off before the next record.
    len: u64,
    /// Bytes on disk, as far as known (torn tail included).
    disk_len: u64,
    /// Where the journal goes when it is folded, instead of being emptied: it holds records
    /// that could not be applied.
    set_aside: Option<PathBuf>,
}

impl Journal {
    /// The journal at `path` as read before replay: `whole_len` bytes of whole records (the
    /// next record goes after them), `disk_len` bytes in the file.
    pub(super) fn resume(
        dir: ProjectDir,
        owner: Owner,
        path: PathBuf,
        whole_len: u64,
        disk_len: u64,
    ) -> Self {
        Self {
            dir,
            owner,
            path,
            file: None,
            len: whole_len,
            disk_len,
            set_aside: None,
        }
    }

    /// The journal file.
    pub(in crate::project::workspace) fn path(&self) -> &Path {
        &self.path
    }

    /// Whose journal this is: what every record written to it says.
    pub(in crate::project::workspace) fn owner(&self) -> &Owner {
        &self.owner
    }

    /// Keeps the journal at the next fold instead of emptying it (it holds records that could
    /// not be applied), under a name of its own; returns that name.
    pub(super) fn set_aside(&mut self) -> PathBuf {
        let stamp: String = Timestamp::now()
            .0
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".{stamp}.unapplied"));
        let aside = self.path.with_file_name(name);
        self.set_aside = Some(aside.clone());
        aside
    }

    /// Appends one record (a line from [`super::record_step`]) and flushes it to disk. On error the
    /// journal is as it was: whatever part of the line got written is cut off again (or, when
    /// even that fails, before the next record).
    pub(in crate::project::workspace) fn append(
        &mut self,
        line: &[u8],
        lock: &AnnotatorLock,
    ) -> Result<(), JournalError> {
        if line.is_empty() {
            return Ok(());
        }
        if !lock.is_held() {
            self.file = None;
            return Err(JournalError::LockLost {
                path: self.path.clone(),
                lock: lock.path().to_path_buf(),
            });
        }
        if self.file.is_none() {
            let file = self.open().map_err(|e| io_error(&self.path, e))?;
            self.file = Some(file);
        }
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        match file.write_all(line).and_then(|()| file.sync_data()) {
            Ok(()) => {
                self.len += line.len() as u64;
                self.disk_len = self.len;
                Ok(())
            }
            Err(e) => {
                self.disk_len = self.disk_len.max(self.len + line.len() as u64);
                if file
                    .set_len(self.len)
                    .and_then(|()| file.sync_data())
                    .is_ok()
                {
                    self.disk_len = self.len;
                } else {
                    // Opened and cut again before the next record.
                    self.file = None;
                }
                Err(io_error(&self.path, e))
            }
        }
    }

    /// Opens the journal for appending, creating it (and syncing its folder) when there is
    /// none, and cutting off a torn tail.
    fn open(&mut self) -> std::io::Result<std::fs::File> {
        // Never through a link out of the project.
        self.dir
            .resolve(&self.path)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let existed = match std::fs::symlink_metadata(&self.path) {
            Ok(m) if !m.is_file() => {
                return Err(std::io::Error::other(
                    "it is not a plain file; move it away",
                ));
            }
            Ok(_) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let on_disk = file.metadata()?.len();
        if on_disk > self.len {
            file.set_len(self.len)?;
            file.sync_data()?;
        } else if on_disk < self.len {
            // Shortened by something else: go on from what is there.
            self.len = on_disk;
        }
        self.disk_len = self.len;
        if !existed {
            sync_folder(&self.path);
        }
        Ok(file)
    }

    /// Folds the journal into the saved files: replaces it by an empty file atomically (or, when
    /// it holds records that could not be applied, renames it aside first).
    pub(in crate::project::workspace) fn fold(
        &mut self,
        lock: &AnnotatorLock,
    ) -> std::io::Result<()> {
        if self.disk_len == 0 && self.set_aside.is_none() {
            return Ok(());
        }
        if !lock.is_held() {
            return Err(std::io::Error::other(
                "another Accord took over the lock and the journal",
            ));
        }
        self.file = None;
        if let Some(aside) = &self.set_aside {
            for path in [&self.path, aside] {
                self.dir
                    .resolve(path)
                    .map_err(|e| std::io::Error::other(e.to_string()))?;
            }
            std::fs::rename(&self.path, aside)?;
            log::warn!(
                "the journal with edits that could not be applied is kept as {}",
                aside.display()
            );
            self.set_aside = None;
        }
        self.dir
            .write(&self.path, b"")
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        self.len = 0;
        self.disk_len = 0;
        Ok(())
    }
}

fn io_error(path: &Path, source: std::io::Error) -> JournalError {
    JournalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn sync_folder(path: &Path) {
    if let Some(dir) = path.parent()
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
}
