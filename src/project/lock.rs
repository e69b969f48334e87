//! One writer per annotator per project: the lock file `annotations/.<annotator>.lock`.
//!
//! A [`super::Workspace`] takes its annotator's lock when it opens and lets it go when it is
//! dropped. While another Accord holds it, a second one opens the project read-only and says
//! who holds it ([`LockError::Held`]). Two files make the lock:
//!
//! - **The lock file** `.<annotator>.lock` says who holds it: process id, host name, since when,
//!   whether the holder holds the OS lock below (and on Linux the boot and the process's start,
//!   to tell a reused process id). It exists while the lock is held.
//!
//!   ```ron
//!   (pid: 4242, host: "lab-3", since: "2026-11-23T15:10:00Z", serial: 1, boot_id: Some("…"), start_time: Some(12345), os_lock: true)
//!   ```
//!
//! - **The liveness file** `.<annotator>.lock.live` is empty. The holder keeps it open with an
//!   exclusive lock of the operating system on it ([`std::fs::File::try_lock`]: `flock` on
//!   Unix, `LockFileEx` on Windows) for as long as it holds the lock. A process that stops —
//!   even killed, or crashed — lets go of that lock by itself, on every system, so whether the
//!   holder still runs is asked of the operating system, not guessed. The OS lock lives on a
//!   file of its own because the lock file is created and removed by name (the OS lock would
//!   go with a replaced file) and because Windows' locks keep other processes from reading a
//!   locked file, when the lock file must be read to name its holder. The liveness file is
//!   never written or replaced. On Unix its last holder removes it as it lets go, after the
//!   lock file and only while the name still leads to the file it locked; a process that gets
//!   the OS lock checks that the name still leads to the file it locked, or opens it again. So
//!   every holder's OS lock is on the file of that name. On Windows, where std cannot tell which
//!   file a name leads to, it is never removed: it stays in `annotations/` once created.
//!
//! **Taking it**: the OS lock first, then the lock file, in one atomic step: the content is
//! written to a temporary file, which is then linked to the lock's name only if no file has
//! that name (`persist_noclobber`). Of two processes that try at once, exactly one gets the OS
//! lock, and exactly one creates the lock file.
//!
//! **A stale lock** is broken and then taken the same atomic way. A lock file is stale when
//! this process could take the OS lock while the lock file says its holder held it: that
//! holder has stopped, whatever else the file says. A holder that did not hold the OS lock (an
//! Accord from before, or one on a file system without such locks, below) is judged by the
//! lock file alone: stale when its process is gone (same host: no such process, another boot,
//! or the number now belongs to a process started later), or when it was not refreshed for
//! [`STALE_AFTER`] (another host, where no process can be asked). Breaking happens under a
//! third file (`….lock.break`, created with `create_new`), and only when the lock still holds
//! the very bytes that were judged stale, so a process can never remove a lock another one
//! has just taken. A break lock left by a crash is ignored after [`BREAK_STALE_AFTER`].
//!
//! **Without OS locks**: where `try_lock` says the file system cannot lock (`Unsupported`, as
//! on some network file systems), or the liveness file cannot be opened or locked otherwise,
//! the lock is what it was before OS locks were used: the lock file alone, `/proc`, and two
//! hours without a refresh. The lock file then says `os_lock: false`, and every process
//! judges it that way.
//!
//! A lock held by this same process is taken over: re-opening a project in the window opens
//! the new workspace before dropping the old one, and the newest wins (both share the one OS
//! lock of the process). The old workspace then no longer holds the lock and its saves are
//! refused ([`AnnotatorLock::is_held`]: the lock file no longer holds its bytes), as are the
//! saves of any workspace whose lock was broken while it was still running (e.g. a laptop that
//! slept for hours while another machine took over): nothing is ever written by a process
//! that does not hold the lock.

use std::collections::HashMap;
use std::fs::{File, TryLockError};

use crate::project_dir::{FsError, ProjectDir};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::Timestamp;

/// A lock judged by its lock file alone (see the module) that was not refreshed for this long
/// is stale when its host is another. The holder refreshes it on every save and whenever the
/// window calls [`super::Workspace::refresh_lock`].
pub const STALE_AFTER: Duration = Duration::from_secs(2 * 60 * 60);

/// A break lock older than this was left by a process that crashed while breaking a lock.
pub const BREAK_STALE_AFTER: Duration = Duration::from_secs(30);

/// How often taking the lock is tried when other processes are taking or breaking it too.
const ATTEMPTS: usize = 20;

/// Of those, how many times to wait for a process that holds the OS lock but has no lock file
/// (it is about to write it, or has just removed it and is about to let go): about a second.
/// After that the lock file is taken without the OS lock, as a process without OS locks
/// would: someone removed it by hand to break the lock of a process that hangs.
const WAIT_FOR_LOCK_FILE: usize = 15;

/// Tells apart two locks this process takes in the same second.
static SERIAL: AtomicU64 = AtomicU64::new(1);

/// The liveness files this process holds the OS lock of, by canonical path, shared by its
/// locks of the same annotator: a second open of the file would find it locked by the first
/// (`flock` and `LockFileEx` lock per open file, not per process).
static OS_LOCKS: Mutex<Option<HashMap<PathBuf, Weak<LiveFile>>>> = Mutex::new(None);

/// Who holds a lock: what the lock file says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    /// Process id.
    pub pid: u32,
    /// Host name of the machine the process runs on.
    pub host: String,
    /// When it took the lock.
    pub since: Timestamp,
    /// Which lock of that process (one process may re-open a project).
    #[serde(default)]
    pub serial: u64,
    /// Linux: the boot the process runs in (`/proc/sys/kernel/random/boot_id`).
    #[serde(default)]
    pub boot_id: Option<String>,
    /// Linux: when the process started, in clock ticks after boot (`/proc/<pid>/stat`).
    #[serde(default)]
    pub start_time: Option<u64>,
    /// The process holds the OS lock on the liveness file
    /// ([`AnnotatorLock::liveness_path_for`]) while it holds this lock: when another process
    /// can take that, this one has stopped. False in lock files of Accords from before OS
    /// locks, and where they cannot be used: such a lock is judged by this file alone.
    #[serde(default)]
    pub os_lock: bool,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "process {} on {} (since {})",
            self.pid, self.host, self.since
        )
    }
}

impl LockHolder {
    /// This process, now.
    fn me() -> Self {
        let pid = std::process::id();
        Self {
            pid,
            host: host_name(),
            since: Timestamp::now(),
            serial: SERIAL.fetch_add(1, Ordering::Relaxed),
            boot_id: boot_id(),
            start_time: process_start_time(pid),
            os_lock: false,
        }
    }

    /// The lock file's text: one line of RON.
    pub fn to_text(&self) -> String {
        // One line: a small file read by people too.
        ron::to_string(self).map_or_else(|_| format!("(pid: {})", self.pid), |t| t + "\n")
    }

    /// True when this is a lock of this same process.
    fn is_me(&self, me: &LockHolder) -> bool {
        self.host == me.host && self.pid == me.pid
    }
}

/// Why the lock could not be taken: the workspace opens read-only.
#[derive(Debug, Error)]
pub enum LockError {
    /// Another Accord holds it.
    #[error(
        "the annotations of {annotator} are open in another Accord: {}. They are shown read-only here. Close the other Accord and open the project again; if it is no longer running (a crash, another machine that was switched off), delete {path} and open the project again",
        .holder.as_ref().map_or_else(|| format!("an unreadable lock file, written {age} ago", age = humantime::format_duration(*.age)), ToString::to_string)
    )]
    Held {
        /// The lock file.
        path: PathBuf,
        /// Whose annotations.
        annotator: String,
        /// Who holds it, when the file could be read.
        holder: Option<Box<LockHolder>>,
        /// How long ago the lock file was written or refreshed (to the second).
        age: Duration,
    },
    /// The lock file could not be read or written: the folder is read-only, say. Nothing could
    /// be saved either, so the workspace opens read-only.
    #[error(
        "cannot take the lock {path}: {source}. The annotations are shown read-only: make the project folder writable and open it again"
    )]
    Io {
        /// The lock file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A file or folder of the lock leads out of the project, or is not what it should be
    /// (a FIFO in place of the lock file): nothing is written there.
    #[error("cannot take the lock: {0}. The annotations are shown read-only until it is fixed")]
    File(#[from] FsError),
    /// The annotator name cannot be a folder name (see [`super::check_annotator_name`]).
    #[error("{0}; choose another name")]
    BadAnnotator(String),
}

/// The lock on one annotator's annotations of a project, held until dropped.
#[derive(Debug)]
pub struct AnnotatorLock {
    /// The project folder: every file of the lock is read and written inside it.
    dir: ProjectDir,
    path: PathBuf,
    /// Exactly what this process wrote: the lock is ours while the file holds these bytes.
    content: String,
    holder: LockHolder,
    /// The liveness file, open with the OS lock on it (shared with this process's other locks
    /// of the same annotator); `None` where OS locks cannot be used. Let go of when the lock is
    /// dropped, after the lock file is removed.
    _os_lock: Option<Arc<LiveFile>>,
}

impl AnnotatorLock {
    /// Path of the lock file of `annotator` in the project at `root`.
    pub fn path_for(root: &Path, annotator: &str) -> PathBuf {
        root.join(super::ANNOTATIONS_DIR)
            .join(format!(".{annotator}.lock"))
    }

    /// Path of the liveness file of `annotator` in the project at `root`: empty, locked by the
    /// operating system for the lock's holder while it runs (see the module).
    pub fn liveness_path_for(root: &Path, annotator: &str) -> PathBuf {
        root.join(super::ANNOTATIONS_DIR)
            .join(format!(".{annotator}.lock.live"))
    }

    /// Takes `annotator`'s lock in the project at `root`, breaking a stale one.
    pub fn acquire(root: &Path, annotator: &str) -> Result<Self, LockError> {
        super::check_annotator_name(annotator).map_err(LockError::BadAnnotator)?;
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LockError::Io { path, source }
        };
        let project = ProjectDir::new(root).map_err(io(root))?;
        let dir = root.join(super::ANNOTATIONS_DIR);
        // `annotations/` (and the annotator's folder in it) must be real folders inside.
        project.resolve(&dir.join(annotator))?;
        project.create_folder(&dir)?;
        let path = Self::path_for(root, annotator);
        let live_path = Self::liveness_path_for(root, annotator);
        // The lock file and the liveness file themselves: no link out of the project.
        project.resolve(&path)?;
        let live_real = project.resolve(&live_path)?;
        let mut live = Liveness::probe(&live_real, false);
        let mut holder = LockHolder::me();
        for attempt in 0..ATTEMPTS {
            let found = read_lock(&project, &path)?;
            let mut stale = None;
            if let Some((existing, age)) = &found {
                let other = read_holder(existing);
                match staleness(other.as_ref(), *age, &holder, &live) {
                    None => {
                        return Err(LockError::Held {
                            path,
                            annotator: annotator.to_owned(),
                            holder: other.map(Box::new),
                            age: Duration::from_secs(age.as_secs()),
                        });
                    }
                    Some(why) => stale = Some((existing, why)),
                }
            } else if matches!(live, Liveness::Theirs) && attempt < WAIT_FOR_LOCK_FILE {
                // Its holder is about to write the lock file, or has just removed it.
                pause(attempt);
                live = Liveness::probe(&live_real, false);
                continue;
            }
            if matches!(live, Liveness::Missing) {
                // About to take the lock: the OS lock first, then judge again with it.
                live = Liveness::probe(&live_real, true);
                continue;
            }
            if let Some((existing, why)) = stale {
                if break_lock(&project, &path, existing)? {
                    log::warn!("taking over the lock {}: {why}", path.display());
                } else {
                    // Another process is breaking it: give it a moment.
                    pause(attempt);
                }
                continue;
            }
            let os_lock = match &live {
                Liveness::Ours(file) => Some(Arc::clone(file)),
                _ => None,
            };
            holder.os_lock = os_lock.is_some();
            let content = holder.to_text();
            match create_exclusive(&path, &content) {
                Ok(()) => {
                    return Ok(Self {
                        dir: project,
                        path,
                        content,
                        holder,
                        _os_lock: os_lock,
                    });
                }
                // Taken in the meantime: judge it.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io(&path)(e)),
            }
        }
        Err(io(&path)(std::io::Error::other(
            "other processes kept taking and releasing it; try again",
        )))
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the lock file says about this process.
    pub fn holder(&self) -> &LockHolder {
        &self.holder
    }

    /// True while the lock file is still this lock's: no other process (or newer workspace of
    /// this one) has taken it over.
    pub fn is_held(&self) -> bool {
        read_bounded(&self.dir, &self.path)
            .is_ok_and(|found| found.is_some_and(|(bytes, _)| bytes == self.content.as_bytes()))
    }

    /// Marks the lock as in use now, so a process that judges it by the lock file alone
    /// (without OS locks, or another host on a file system that has none) does not take it
    /// for stale.
    pub fn refresh(&self) -> std::io::Result<()> {
        if !self.is_held() {
            return Err(std::io::Error::other(
                "the lock was taken over by another Accord",
            ));
        }
        std::fs::OpenOptions::new()
            .write(true)
            .open(&self.path)?
            .set_modified(SystemTime::now())
    }
}

impl Drop for AnnotatorLock {
    fn drop(&mut self) {
        // Removed only while it is still ours, under the break lock like a break. The OS lock
        // goes after (the field is dropped after this), so no process finds it free while the
        // lock file still names this one.
        match break_lock(&self.dir, &self.path, self.content.as_bytes()) {
            Ok(true) => {}
            Ok(false) if self.is_held() => {
                // Someone is breaking it right now; it is ours, so remove it ourselves.
                let _ = std::fs::remove_file(&self.path);
            }
            Ok(false) => {}
            Err(e) => log::warn!("could not remove the lock {}: {e}", self.path.display()),
        }
    }
}

/// The locks of every annotator whose files one command writes — an import, `accord recover`
/// and `accord reanchor`, a merge of annotation files, a sync — taken together before anything
/// is written: all of them, or none and [`Refused`] naming the holder (the command then writes
/// nothing of theirs; the command line exits 2). Held until dropped. The one place a command
/// that is not the window takes locks, so each writes under the same rules as the window.
///
/// A lock this process holds already is taken over, as by [`AnnotatorLock::acquire`]: the
/// window leaves out the annotator whose workspace it has open (that workspace holds the lock,
/// and would no longer be allowed to save), or hands the lock to the workspace it opens next
/// ([`Writers::take`]).
#[derive(Debug)]
pub struct Writers {
    /// By annotator name, taken in this (sorted) order.
    locks: std::collections::BTreeMap<String, AnnotatorLock>,
}

/// Why a command writes nothing of an annotator's: another Accord (or command) holds the
/// annotator's lock, or it cannot be taken.
#[derive(Debug, Error)]
#[error("{}", refusal(.annotator, .error))]
pub struct Refused {
    /// Whose lock.
    pub annotator: String,
    /// Why it could not be taken: [`LockError::Held`] names the holder.
    pub error: LockError,
}

fn refusal(annotator: &str, error: &LockError) -> String {
    match error {
        LockError::Held {
            path, holder, age, ..
        } => format!(
            "the annotations of {annotator} are open in another Accord: {}. Nothing of theirs was written: close that Accord (or let the other command finish) and run this again; if it is no longer running (a crash, another machine that was switched off), delete {} and run this again",
            holder.as_ref().map_or_else(
                || format!(
                    "an unreadable lock file, written {} ago",
                    humantime::format_duration(*age)
                ),
                ToString::to_string
            ),
            path.display()
        ),
        other => format!("{annotator}: {other}"),
    }
}

impl Writers {
    /// Takes the lock of each of `annotators` (repeated names once) in the project at `root`,
    /// in name order, so two commands that want the same ones never each hold a part for
    /// long. On the first that cannot be taken, those taken are let go again.
    pub fn acquire<I, S>(root: &Path, annotators: I) -> Result<Self, Refused>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let names: std::collections::BTreeSet<String> = annotators
            .into_iter()
            .map(|a| a.as_ref().to_owned())
            .collect();
        let mut locks = std::collections::BTreeMap::new();
        for annotator in names {
            match AnnotatorLock::acquire(root, &annotator) {
                Ok(lock) => {
                    locks.insert(annotator, lock);
                }
                // `locks` is dropped on return: those taken are let go.
                Err(error) => return Err(Refused { annotator, error }),
            }
        }
        Ok(Self { locks })
    }

    /// The annotators whose locks are held, in name order.
    pub fn annotators(&self) -> impl Iterator<Item = &str> {
        self.locks.keys().map(String::as_str)
    }

    /// True while every lock is still this process's (none was broken or taken over): check
    /// it again after a long wait, before writing.
    pub fn is_held(&self) -> bool {
        self.locks.values().all(AnnotatorLock::is_held)
    }

    /// Hands `annotator`'s lock over (to a [`super::Workspace`] that writes their files), or
    /// `None` when it is not among these.
    pub fn take(&mut self, annotator: &str) -> Option<AnnotatorLock> {
        self.locks.remove(annotator)
    }
}

/// What the operating system says about the lock's holder, through the liveness file.
#[derive(Debug)]
enum Liveness {
    /// This process holds the OS lock: whoever else held it has stopped.
    Ours(Arc<LiveFile>),
    /// Another process holds it, so it runs.
    Theirs,
    /// There is no liveness file, so no process holds its lock. It is created only to take the
    /// lock, so a project opened read-only is left as it was.
    Missing,
    /// The OS lock cannot be used here: the lock file is judged alone.
    Unavailable,
}

impl Liveness {
    /// Opens the liveness file at `path` (creating it when `create`) and tries its OS lock.
    fn probe(path: &Path, create: bool) -> Self {
        // The canonical path, so two spellings of one project find the same entry.
        let key = path
            .parent()
            .and_then(|dir| dir.canonicalize().ok())
            .zip(path.file_name())
            .map_or_else(|| path.to_path_buf(), |(dir, name)| dir.join(name));
        let mut held = OS_LOCKS.lock().unwrap_or_else(PoisonError::into_inner);
        let held = held.get_or_insert_with(HashMap::new);
        held.retain(|_, file| file.strong_count() > 0);
        if let Some(file) = held.get(&key).and_then(Weak::upgrade) {
            return Self::Ours(file);
        }
        // Something else than a file in its place (a FIFO, a folder): no OS lock here.
        if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
            return Self::unavailable(path, &std::io::Error::other("it is not a file"));
        }
        for _ in 0..ATTEMPTS {
            // Written to never; opened for writing because an exclusive lock over NFS needs it.
            let file = match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(create)
                .open(path)
            {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !create => {
                    return Self::Missing;
                }
                Err(e) => return Self::unavailable(path, &e),
            };
            match file.try_lock() {
                // Removed by its last holder between the open and the lock: open it again.
                Ok(()) if !is_at(&file, path) => {}
                Ok(()) => {
                    let file = Arc::new(LiveFile {
                        file,
                        path: path.to_path_buf(),
                    });
                    held.insert(key, Arc::downgrade(&file));
                    return Self::Ours(file);
                }
                Err(TryLockError::WouldBlock) => return Self::Theirs,
                // `Unsupported` on file systems without locks (some network ones), or another
                // failure: no OS lock, so the lock is what it was before them (the lock file,
                // `/proc`, two hours without a refresh).
                Err(TryLockError::Error(e)) => return Self::unavailable(path, &e),
            }
        }
        Self::unavailable(path, &std::io::Error::other("it kept being removed"))
    }

    fn unavailable(path: &Path, e: &std::io::Error) -> Self {
        log::info!(
            "no lock of the operating system on {} ({e}): a lock left by a crash is recognised by its lock file alone",
            path.display()
        );
        Self::Unavailable
    }

    /// True when no process holds the OS lock.
    fn is_free(&self) -> bool {
        matches!(self, Self::Ours(_) | Self::Missing)
    }
}

/// The liveness file, open with the OS lock on it, held by this process's locks of one
/// annotator.
#[derive(Debug)]
// Held open for its OS lock; read only to remove it, on Unix.
#[cfg_attr(not(unix), allow(dead_code))]
struct LiveFile {
    file: File,
    path: PathBuf,
}

impl Drop for LiveFile {
    fn drop(&mut self) {
        // Unix: the name goes, then the OS lock (the file closes after this). Only while the
        // name still leads to this file, which no other process can lock meanwhile, so no
        // other process's liveness file is ever removed; and one that locked this file while
        // it was being removed finds the name gone and opens it again (`probe`). Elsewhere std
        // cannot tell which file a name leads to, so the file stays.
        #[cfg(unix)]
        if is_at(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// True when `path` leads to `file`.
#[cfg(unix)]
fn is_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Always true where the liveness file is never removed.
#[cfg(not(unix))]
fn is_at(_: &File, _: &Path) -> bool {
    true
}

/// Waits a little longer at each attempt, while another process takes or breaks the lock.
fn pause(attempt: usize) {
    std::thread::sleep(Duration::from_millis(10 * (attempt as u64 + 1)));
}

/// Writes `content` to `path` in one atomic step that fails when `path` exists.
fn create_exclusive(path: &Path, content: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".accord-lock-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(content.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// What a lock file's bytes say: its holder, or `None` for what no Accord writes (too long,
/// not UTF-8, not a lock). Any bytes: never panics.
pub fn read_holder(bytes: &[u8]) -> Option<LockHolder> {
    (bytes.len() as u64 <= LOCK_BYTES)
        .then(|| std::str::from_utf8(bytes).ok())
        .flatten()
        .and_then(|text| ron::from_str::<LockHolder>(text).ok())
}

/// The most of a lock file Accord reads: a lock is one line of a few hundred bytes, so what
/// is longer was not written by Accord (and is judged unreadable), however large it is.
const LOCK_BYTES: u64 = 4096;

/// The first [`LOCK_BYTES`] (and one) of the lock file at `path` and its `stat`, or `None`
/// when there is none, through the project's door: a link out of the project or a FIFO in its
/// place is an error naming it, never read.
fn read_bounded(
    project: &ProjectDir,
    path: &Path,
) -> Result<Option<(Vec<u8>, std::fs::Metadata)>, FsError> {
    project.read_prefix(path, LOCK_BYTES + 1)
}

/// The lock file's bytes and how long ago it was written or refreshed; `None` when there is
/// none.
fn read_lock(project: &ProjectDir, path: &Path) -> Result<Option<(Vec<u8>, Duration)>, LockError> {
    let Some((bytes, metadata)) = read_bounded(project, path)? else {
        return Ok(None);
    };
    let age = metadata
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .unwrap_or_default();
    Ok(Some((bytes, age)))
}

/// Why a lock found in place is stale, or `None` while its holder may be running.
fn staleness(
    other: Option<&LockHolder>,
    age: Duration,
    me: &LockHolder,
    live: &Liveness,
) -> Option<String> {
    if matches!(live, Liveness::Theirs) {
        // The OS lock is held: by this lock's holder, or by a process about to take it over.
        return None;
    }
    // No Accord writes a lock it cannot read back (it is written whole, then renamed into
    // place): one that does not read, with no process holding the OS lock, holds nothing.
    if other.is_none() && live.is_free() {
        return Some(
            "an unreadable lock file (not one Accord wrote), and no process holds the lock".into(),
        );
    }
    if let Some(other) = other
        && other.os_lock
        && !other.is_me(me)
        && live.is_free()
    {
        return Some(format!(
            "held by {other}, which has stopped (the operating system let go of its lock)"
        ));
    }
    by_lock_file(other, age, me)
}

/// Why a lock found in place is stale by what its lock file says, as before OS locks were
/// used (and still where they cannot be), or `None` while its holder may be running.
fn by_lock_file(other: Option<&LockHolder>, age: Duration, me: &LockHolder) -> Option<String> {
    let old = || {
        (age > STALE_AFTER).then(|| {
            format!(
                "not refreshed for {}",
                humantime::format_duration(Duration::from_secs(age.as_secs()))
            )
        })
    };
    let Some(other) = other else {
        return old().map(|why| format!("an unreadable lock file, {why}"));
    };
    if other.host != me.host {
        return old().map(|why| format!("held by {other}, {why}"));
    }
    if other.pid == me.pid {
        return Some("held by this same process, which opened the project again".into());
    }
    if me.boot_id.is_some() && other.boot_id.is_some() && me.boot_id != other.boot_id {
        return Some(format!("held by {other}, before the machine restarted"));
    }
    if Path::new("/proc/self").exists() {
        return match process_start_time(other.pid) {
            None => Some(format!("held by {other}, which is no longer running")),
            Some(start) if other.start_time.is_some_and(|s| s != start) => Some(format!(
                "held by {other}, which is no longer running (its number belongs to another process now)"
            )),
            Some(_) => None,
        };
    }
    // No way to ask about a process here: as for another host.
    old().map(|why| format!("held by {other}, {why}"))
}

/// Removes the lock at `path` if it still holds exactly `expected` (as far as
/// [`read_bounded`] reads), under the break lock. `Ok(false)` when another process holds the
/// break lock.
fn break_lock(project: &ProjectDir, path: &Path, expected: &[u8]) -> Result<bool, LockError> {
    let mut breaker_name = path.as_os_str().to_owned();
    breaker_name.push(".break");
    let breaker = PathBuf::from(breaker_name);
    let io = |source| LockError::Io {
        path: path.to_path_buf(),
        source,
    };
    // The break lock is a file created only if absent (never through a link out of the
    // project: `create_new` does not follow one).
    project.resolve(&breaker)?;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&breaker)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let abandoned = std::fs::symlink_metadata(&breaker)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .is_some_and(|age| age > BREAK_STALE_AFTER);
            if abandoned {
                log::warn!("removing {}, left by a crash", breaker.display());
                let _ = std::fs::remove_file(&breaker);
            }
            return Ok(false);
        }
        Err(e) => return Err(io(e)),
    }
    let result = match read_bounded(project, path) {
        Ok(Some((bytes, _))) if bytes == expected => match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(e)),
            _ => Ok(true),
        },
        Ok(_) => Ok(true),
        Err(e) => Err(e.into()),
    };
    let _ = std::fs::remove_file(&breaker);
    result
}

/// This machine's name.
pub fn host_name() -> String {
    let name = gethostname::gethostname().to_string_lossy().into_owned();
    if name.is_empty() {
        "unknown-host".to_owned()
    } else {
        name
    }
}

fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// When process `pid` started (Linux: field 22 of `/proc/<pid>/stat`), or `None` when there is
/// no such process (or no `/proc`).
fn process_start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_time_of_this_process_is_read() {
        if Path::new("/proc/self/stat").exists() {
            assert!(process_start_time(std::process::id()).is_some());
        }
        assert_eq!(process_start_time(u32::MAX), None);
    }

    /// The liveness file opened as another process would, to see whether its OS lock is free.
    fn someone_else_locks(live: &Path) -> Result<File, TryLockError> {
        let file = File::options().read(true).write(true).open(live).unwrap();
        file.try_lock().map(|()| file)
    }

    #[test]
    fn a_lock_is_taken_released_and_taken_again() {
        let dir = tempfile::tempdir().unwrap();
        let live = AnnotatorLock::liveness_path_for(dir.path(), "alice");
        let lock = AnnotatorLock::acquire(dir.path(), "alice").unwrap();
        assert!(lock.is_held());
        lock.refresh().unwrap();
        let path = lock.path().to_path_buf();
        let text = std::fs::read_to_string(&path).unwrap();
        let holder: LockHolder = ron::from_str(&text).unwrap();
        assert_eq!(holder.pid, std::process::id());
        assert!(holder.os_lock, "a temporary folder has OS locks");
        assert_eq!(&holder, lock.holder());
        assert!(matches!(
            someone_else_locks(&live),
            Err(TryLockError::WouldBlock)
        ));
        drop(lock);
        assert!(!path.exists());
        let names: Vec<_> = std::fs::read_dir(dir.path().join("annotations"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        if cfg!(unix) {
            assert!(names.is_empty(), "nothing left: {names:?}");
        } else {
            assert_eq!(names, [".alice.lock.live"], "only the liveness file left");
            drop(someone_else_locks(&live).unwrap());
        }
        let again = AnnotatorLock::acquire(dir.path(), "alice").unwrap();
        // The same process re-opening takes it over; the first one no longer holds it.
        let newer = AnnotatorLock::acquire(dir.path(), "alice").unwrap();
        assert!(newer.is_held() && !again.is_held());
        assert!(again.refresh().is_err());
        drop(again);
        assert!(
            newer.is_held(),
            "dropping a lock taken over leaves the new one"
        );
        assert!(
            matches!(someone_else_locks(&live), Err(TryLockError::WouldBlock)),
            "and its OS lock"
        );
        drop(newer);
        assert!(!live.exists() || someone_else_locks(&live).is_ok());
    }

    #[test]
    fn while_another_holds_the_os_lock_its_lock_is_held_whatever_the_file_says() {
        let dir = tempfile::tempdir().unwrap();
        let path = AnnotatorLock::path_for(dir.path(), "alice");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // A lock file naming a process that is not running, of this machine.
        let gone = LockHolder {
            pid: u32::MAX,
            os_lock: true,
            ..LockHolder::me()
        };
        std::fs::write(&path, gone.to_text()).unwrap();
        // The OS lock held by another open file, as by another process.
        let live = AnnotatorLock::liveness_path_for(dir.path(), "alice");
        let other = File::create(&live).unwrap();
        other.try_lock().unwrap();
        let Err(LockError::Held {
            holder: Some(named),
            ..
        }) = AnnotatorLock::acquire(dir.path(), "alice")
        else {
            panic!("the lock is held while its OS lock is");
        };
        assert_eq!(named.pid, u32::MAX, "the lock file names the holder");
        // Let go of (the process stopped): taken over at once.
        drop(other);
        let lock = AnnotatorLock::acquire(dir.path(), "alice").unwrap();
        assert!(lock.is_held() && lock.holder().os_lock);
    }

    #[test]
    fn writers_take_every_lock_or_none_and_name_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        // bob's lock held by another process: its lock file, and its OS lock held by another
        // open file, as by another process.
        let bob = AnnotatorLock::path_for(dir.path(), "bob");
        std::fs::create_dir_all(bob.parent().unwrap()).unwrap();
        let other = LockHolder {
            pid: u32::MAX,
            os_lock: true,
            ..LockHolder::me()
        };
        std::fs::write(&bob, other.to_text()).unwrap();
        let live = File::create(AnnotatorLock::liveness_path_for(dir.path(), "bob")).unwrap();
        live.try_lock().unwrap();
        let Err(refused) = Writers::acquire(dir.path(), ["bob", "alice", "alice"]) else {
            panic!("bob's lock is held");
        };
        assert_eq!(refused.annotator, "bob");
        let said = refused.to_string();
        assert!(
            said.contains("the annotations of bob are open in another Accord")
                && said.contains(&format!("process {}", u32::MAX))
                && said.contains("Nothing of theirs was written"),
            "{said}"
        );
        assert!(
            !AnnotatorLock::path_for(dir.path(), "alice").exists(),
            "alice's lock, taken first, was let go"
        );
        drop(live);
        let mut writers = Writers::acquire(dir.path(), ["bob", "alice", "alice"]).unwrap();
        assert_eq!(writers.annotators().collect::<Vec<_>>(), ["alice", "bob"]);
        assert!(writers.is_held());
        let alice = writers.take("alice").unwrap();
        assert!(alice.is_held() && writers.take("alice").is_none());
        drop(writers);
        assert!(!bob.exists() && alice.is_held());
    }

    #[test]
    fn a_lock_file_is_judged_alone_where_the_os_lock_says_nothing() {
        let me = LockHolder::me();
        let elsewhere = LockHolder {
            host: "elsewhere.example".into(),
            os_lock: true,
            ..me.clone()
        };
        let long_ago = STALE_AFTER + Duration::from_secs(60);
        // Its OS lock free: its holder has stopped, whatever the file says.
        assert!(staleness(Some(&elsewhere), Duration::ZERO, &me, &Liveness::Missing).is_some());
        // Its OS lock held: its holder runs, whatever the file says.
        let gone = LockHolder {
            pid: u32::MAX,
            ..me.clone()
        };
        assert!(staleness(Some(&gone), long_ago, &me, &Liveness::Theirs).is_none());
        assert!(staleness(None, long_ago, &me, &Liveness::Theirs).is_none());
        // No OS locks here (a network file system without them): as before them, another
        // host's lock stands until it was not refreshed for two hours.
        assert!(
            staleness(
                Some(&elsewhere),
                Duration::ZERO,
                &me,
                &Liveness::Unavailable
            )
            .is_none()
        );
        assert!(staleness(Some(&elsewhere), long_ago, &me, &Liveness::Unavailable).is_some());
        // A holder without the OS lock (an older Accord) is judged by its file, OS lock free or not.
        let older = LockHolder {
            os_lock: false,
            ..elsewhere.clone()
        };
        assert!(staleness(Some(&older), Duration::ZERO, &me, &Liveness::Missing).is_none());
        assert!(staleness(Some(&older), long_ago, &me, &Liveness::Missing).is_some());
        if Path::new("/proc/self").exists() {
            assert!(staleness(Some(&gone), Duration::ZERO, &me, &Liveness::Unavailable).is_some());
        }
        // A lock of this same process is taken over (a project opened again).
        assert!(staleness(Some(&me), Duration::ZERO, &me, &Liveness::Missing).is_some());
    }
}
