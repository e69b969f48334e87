//! One writer per annotator per project: the lock file `annotations/.<annotator>.lock`.
//!
//! A [`super::Workspace`] takes its annotator's lock when it opens and lets it go when it is
//! dropped. While another Accord holds it, a second one opens the project read-only and says
//! who holds it ([`LockError::Held`]). The file says who: process id, host name, since when
//! (and on Linux the boot and the process's start, to tell a reused process id):
//!
//! ```ron
//! (pid: 4242, host: "lab-3", since: "2026-11-23T15:10:00Z", serial: 1, boot_id: Some("…"), start_time: Some(12345))
//! ```
//!
//! **Taking it** is one atomic step: the content is written to a temporary file, which is
//! then linked to the lock's name only if no file has that name (`persist_noclobber`). Of two
//! processes that try at once, exactly one succeeds.
//!
//! **A stale lock** — its process is gone (same host: no such process, another boot, or the
//! number now belongs to a process started later), or it was not refreshed for
//! [`STALE_AFTER`] (another host, where no process can be asked) — is broken and then taken
//! the same atomic way. Breaking happens under a second lock file (`….lock.break`, created
//! with `create_new`), and only when the lock still holds the very bytes that were judged
//! stale, so a process can never remove a lock another one has just taken. A break lock left
//! by a crash is ignored after [`BREAK_STALE_AFTER`].
//!
//! A lock held by this same process is taken over: re-opening a project in the window opens
//! the new workspace before dropping the old one, and the newest wins. The old workspace then
//! no longer holds the lock and its saves are refused ([`AnnotatorLock::is_held`]), as are the
//! saves of any workspace whose lock was broken while it was still running (e.g. a laptop that
//! slept for hours while another machine took over): nothing is ever written by a process
//! that does not hold the lock.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::Timestamp;

/// A lock on another host that was not refreshed for this long is stale. The holder refreshes
/// it on every save and whenever the window calls [`super::Workspace::refresh_lock`].
pub const STALE_AFTER: Duration = Duration::from_secs(2 * 60 * 60);

/// A break lock older than this was left by a process that crashed while breaking a lock.
pub const BREAK_STALE_AFTER: Duration = Duration::from_secs(30);

/// How often taking the lock is tried when other processes are taking or breaking it too.
const ATTEMPTS: usize = 20;

/// Tells apart two locks this process takes in the same second.
static SERIAL: AtomicU64 = AtomicU64::new(1);

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
        }
    }

    fn to_text(&self) -> String {
        // One line: a small file read by people too.
        ron::to_string(self).map_or_else(|_| format!("(pid: {})", self.pid), |t| t + "\n")
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
    /// `annotations/` (or the annotator's folder in it) leads out of the project.
    #[error(
        "{path} is outside the project folder ({detail}): nothing is written there; make it a real folder inside the project"
    )]
    OutsideProject {
        /// The folder.
        path: PathBuf,
        /// Where it leads.
        detail: String,
    },
    /// The annotator name cannot be a folder name (see [`super::check_annotator_name`]).
    #[error("{0}; choose another name")]
    BadAnnotator(String),
}

/// The lock on one annotator's annotations of a project, held until dropped.
#[derive(Debug)]
pub struct AnnotatorLock {
    path: PathBuf,
    /// Exactly what this process wrote: the lock is ours while the file holds these bytes.
    content: String,
    holder: LockHolder,
}

impl AnnotatorLock {
    /// Path of the lock file of `annotator` in the project at `root`.
    pub fn path_for(root: &Path, annotator: &str) -> PathBuf {
        root.join(super::ANNOTATIONS_DIR)
            .join(format!(".{annotator}.lock"))
    }

    /// Takes `annotator`'s lock in the project at `root`, breaking a stale one.
    pub fn acquire(root: &Path, annotator: &str) -> Result<Self, LockError> {
        super::check_annotator_name(annotator).map_err(LockError::BadAnnotator)?;
        let dir = root.join(super::ANNOTATIONS_DIR);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| LockError::Io { path, source }
        };
        for folder in [dir.clone(), dir.join(annotator)] {
            check_inside(root, &folder)?;
        }
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let path = Self::path_for(root, annotator);
        let holder = LockHolder::me();
        let content = holder.to_text();
        for attempt in 0..ATTEMPTS {
            match create_exclusive(&path, &content) {
                Ok(()) => {
                    return Ok(Self {
                        path,
                        content,
                        holder,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io(&path)(e)),
            }
            let (existing, age) = match read_lock(&path) {
                Ok(found) => found,
                // Let go of in the meantime: try again.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(&path)(e)),
            };
            let other = std::str::from_utf8(&existing)
                .ok()
                .and_then(|text| ron::from_str::<LockHolder>(text).ok());
            match staleness(other.as_ref(), age, &holder) {
                None => {
                    return Err(LockError::Held {
                        path,
                        annotator: annotator.to_owned(),
                        holder: other.map(Box::new),
                        age: Duration::from_secs(age.as_secs()),
                    });
                }
                Some(why) => {
                    if break_lock(&path, &existing).map_err(io(&path))? {
                        log::warn!("taking over the lock {}: {why}", path.display());
                    } else {
                        // Another process is breaking it: give it a moment.
                        std::thread::sleep(Duration::from_millis(10 * (attempt as u64 + 1)));
                    }
                }
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
        std::fs::read(&self.path).is_ok_and(|bytes| bytes == self.content.as_bytes())
    }

    /// Marks the lock as in use now, so other hosts do not take it for stale.
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
        // Removed only while it is still ours, under the break lock like a break.
        match break_lock(&self.path, self.content.as_bytes()) {
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

/// The lock file's bytes and how long ago it was written or refreshed.
fn read_lock(path: &Path) -> std::io::Result<(Vec<u8>, Duration)> {
    let file = std::fs::File::open(path)?;
    let modified = file.metadata()?.modified()?;
    let mut bytes = Vec::new();
    // A lock file is a line; read no more than a few of them whatever is there.
    std::io::Read::read_to_end(&mut std::io::Read::take(file, 4096), &mut bytes)?;
    let age = SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    Ok((bytes, age))
}

/// Why a lock found in place is stale, or `None` while its holder may be running.
fn staleness(other: Option<&LockHolder>, age: Duration, me: &LockHolder) -> Option<String> {
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

/// Removes the lock at `path` if it still holds exactly `expected`, under the break lock.
/// `Ok(false)` when another process holds the break lock.
fn break_lock(path: &Path, expected: &[u8]) -> std::io::Result<bool> {
    let mut breaker_name = path.as_os_str().to_owned();
    breaker_name.push(".break");
    let breaker = PathBuf::from(breaker_name);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&breaker)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let abandoned = std::fs::metadata(&breaker)
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
        Err(e) => return Err(e),
    }
    let result = match std::fs::read(path) {
        Ok(bytes) if bytes == expected => match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(true),
        },
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    };
    let _ = std::fs::remove_file(&breaker);
    result
}

/// Refuses a folder that exists and leads out of the project (a symbolic link).
fn check_inside(root: &Path, folder: &Path) -> Result<(), LockError> {
    let (Ok(real), Ok(real_root)) = (folder.canonicalize(), root.canonicalize()) else {
        return Ok(());
    };
    if real.starts_with(&real_root) {
        Ok(())
    } else {
        Err(LockError::OutsideProject {
            path: folder.to_path_buf(),
            detail: format!("it leads to {}", real.display()),
        })
    }
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

    #[test]
    fn a_lock_is_taken_released_and_taken_again() {
        let dir = tempfile::tempdir().unwrap();
        let lock = AnnotatorLock::acquire(dir.path(), "alice").unwrap();
        assert!(lock.is_held());
        lock.refresh().unwrap();
        let path = lock.path().to_path_buf();
        let text = std::fs::read_to_string(&path).unwrap();
        let holder: LockHolder = ron::from_str(&text).unwrap();
        assert_eq!(holder.pid, std::process::id());
        assert_eq!(&holder, lock.holder());
        drop(lock);
        assert!(!path.exists());
        let names: Vec<_> = std::fs::read_dir(dir.path().join("annotations"))
            .unwrap()
            .collect();
        assert!(names.is_empty(), "no temporary or break file left");
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
    }
}
