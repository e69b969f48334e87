//! What an annotation or link file on disk was when this program last read or wrote it, so
//! that a change made by someone else (a git pull, a colleague, Accord on a second machine) is
//! noticed, and our own saves are not taken for one.
//!
//! A [`Fingerprint`] is the file's [`Stat`] (size, modification time, inode: one `stat` call
//! to compare) and the SHA-256 of its bytes. [`check`] stats the file and reads and hashes it
//! only when the stat differs; the same bytes under a new stat (a `touch`, a tool that wrote
//! the file again unchanged) are no change. Saves record the stat of the file they wrote
//! ([`crate::project_dir::atomic::write_atomic_stat`]), so an atomic save of ours compares equal without
//! reading anything.
//!
//! A stat taken while the file's modification time is still "now" proves little: a program
//! rewriting the file in place with as many bytes within the same clock tick leaves size,
//! time and inode as they were. Such a fingerprint is *racy* (as git calls an index entry
//! of the same age) and the next check hashes the file even when the stat is equal; the
//! fingerprint it then takes is no longer racy. So each save costs one more read, once.

use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::StoreError;
use super::file::open_limited;
use crate::project_dir::ProjectDir;

/// What one `stat` tells about a file: enough to see that it was not touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    /// Size in bytes.
    pub len: u64,
    /// Last modification, where the platform has it.
    pub modified: Option<SystemTime>,
    /// The inode (0 where the platform has none): a file replaced by a rename (an atomic save,
    /// `git checkout`) is a new inode even when size and time happen to match.
    pub inode: u64,
}

impl Stat {
    /// The stat of a file from its metadata.
    pub fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        }
    }
}

/// How close to "now" a modification time must be for its stat to prove nothing: more than
/// any file system's timestamp granularity (FAT: 2 s).
pub const RACY_WINDOW: std::time::Duration = std::time::Duration::from_secs(3);

/// A file as it was when read or written: its stat and the hash of its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// Size, time, inode.
    pub stat: Stat,
    /// SHA-256 of the bytes.
    pub sha256: [u8; 32],
    /// Taken within [`RACY_WINDOW`] of the file's modification: an equal stat does not prove
    /// equal bytes, so the next [`check`] hashes.
    pub racy: bool,
}

impl Fingerprint {
    /// A fingerprint of a file with this stat and hash, taken now.
    pub fn new(stat: Stat, sha256: [u8; 32]) -> Self {
        let racy = stat.modified.is_none_or(|m| {
            SystemTime::now()
                .duration_since(m)
                .map_or(true, |age| age < RACY_WINDOW)
        });
        Self { stat, sha256, racy }
    }

    /// The fingerprint of bytes just written, with the metadata of the file they were
    /// written to.
    pub fn of_written(meta: &std::fs::Metadata, bytes: &[u8]) -> Self {
        Self::new(Stat::of(meta), Sha256::digest(bytes).into())
    }
}

/// A file's bytes as read, with its fingerprint.
#[derive(Clone, Debug)]
pub struct ReadFile {
    /// The file as it was read.
    pub fingerprint: Fingerprint,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl ReadFile {
    /// The bytes as text; a file that is not UTF-8 is an error naming `path`.
    pub fn into_text(self, path: &Path) -> Result<String, StoreError> {
        String::from_utf8(self.bytes).map_err(|_| StoreError::Io {
            action: "read",
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"),
        })
    }
}

/// Reads a whole file of the project in `dir` with its fingerprint, refusing one over
/// [`super::file::MAX_FILE_BYTES`]. `Ok(None)` when there is no such file.
///
/// The stat is the one taken before reading: should the file change while it is read, the
/// next [`check`] sees a newer stat and reads it again.
pub fn read(dir: &ProjectDir, path: &Path) -> Result<Option<ReadFile>, StoreError> {
    let mut file = match open_limited(dir, path) {
        Ok(file) => file,
        Err(StoreError::Io { source, .. }) if absent(&source) => return Ok(None),
        Err(e) => return Err(e),
    };
    let io = |source| StoreError::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    };
    let stat = Stat::of(&file.metadata);
    let mut bytes = Vec::with_capacity(usize::try_from(stat.len).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(io)?;
    Ok(Some(ReadFile {
        fingerprint: Fingerprint::new(stat, Sha256::digest(&bytes).into()),
        bytes,
    }))
}

/// Writes `text` to `path` in the project in `dir` atomically (see
/// [`crate::project_dir::atomic`]) and returns the fingerprint of what was written. On error
/// the old file is left as it was.
pub fn write(dir: &ProjectDir, path: &Path, text: &str) -> Result<Fingerprint, StoreError> {
    let real = dir.writable(path)?;
    let meta = crate::project_dir::atomic::write_atomic_stat(&real, |file| {
        std::io::Write::write_all(file, text.as_bytes())
    })
    .map_err(|source| StoreError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Fingerprint::of_written(&meta, text.as_bytes()))
}

/// True when the error says there is no file there (nor can be: a file where a folder on the
/// way should be).
fn absent(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}

/// How a file on disk compares with what was last read or written.
#[derive(Debug)]
pub enum Check {
    /// Not touched (or absent, as it was).
    Same,
    /// Touched but holding the same bytes: nothing changed, only the stat to remember.
    Touched(Fingerprint),
    /// Other bytes, or created, or deleted (`None`).
    Changed(Option<ReadFile>),
}

/// Compares the file at `path` with `known` (`None`: it did not exist). Costs one `stat`
/// unless size, time or inode differ, or `known` is racy; only then is the file read and
/// hashed. An error means the file exists but cannot be read (or is too large): it did
/// change, and cannot be loaded.
pub fn check(
    dir: &ProjectDir,
    path: &Path,
    known: Option<&Fingerprint>,
) -> Result<Check, StoreError> {
    // The common case, a file not touched since it was last seen, in one `lstat` of the path
    // as given: size, time and inode equal to what was recorded are the file recorded, which
    // was inside the project then, so nothing outside is read. A window checks every file of
    // a project in rounds; resolving each path part by part was most of that.
    if let Some(k) = known
        && !k.racy
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && Stat::of(&m) == k.stat)
    {
        return Ok(Check::Same);
    }
    // Where it really is: a link out of the project is never followed.
    let real = dir.resolve(path)?;
    let meta = match std::fs::metadata(&real) {
        Ok(meta) => meta,
        Err(e) if absent(&e) => {
            return Ok(match known {
                None => Check::Same,
                Some(_) => Check::Changed(None),
            });
        }
        Err(source) => {
            return Err(StoreError::Io {
                action: "read",
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if known.is_some_and(|k| !k.racy && k.stat == Stat::of(&meta)) {
        return Ok(Check::Same);
    }
    Ok(match read(dir, path)? {
        None => match known {
            None => Check::Same,
            Some(_) => Check::Changed(None),
        },
        Some(now) => match known {
            Some(k) if k.sha256 == now.fingerprint.sha256 => Check::Touched(now.fingerprint),
            _ => Check::Changed(Some(now)),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_writes_compare_equal_and_other_bytes_do_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ron");
        let project = ProjectDir::new(dir.path()).unwrap();
        assert!(matches!(check(&project, &path, None).unwrap(), Check::Same));
        let meta = crate::project_dir::atomic::write_atomic_stat(&path, |f| {
            std::io::Write::write_all(f, b"one")
        })
        .unwrap();
        let ours = Fingerprint::of_written(&meta, b"one");
        // Just written: racy, so the first check reads it; what it takes is not racy.
        assert!(ours.racy);
        let Check::Touched(ours) = check(&project, &path, Some(&ours)).unwrap() else {
            panic!("racy: read again")
        };
        let ours = Fingerprint {
            racy: false,
            ..ours
        };
        assert!(matches!(
            check(&project, &path, Some(&ours)).unwrap(),
            Check::Same
        ));
        assert_eq!(
            read(&project, &path).unwrap().unwrap().fingerprint.sha256,
            ours.sha256
        );

        // The same bytes written again by someone else: touched, not changed.
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, b"one").unwrap();
        let Check::Touched(new) = check(&project, &path, Some(&ours)).unwrap() else {
            panic!("same bytes")
        };
        assert_eq!(new.sha256, ours.sha256);

        std::fs::write(&path, b"two").unwrap();
        let Check::Changed(Some(file)) = check(&project, &path, Some(&new)).unwrap() else {
            panic!("other bytes")
        };
        assert_eq!(file.bytes, b"two");
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(
            check(&project, &path, Some(&file.fingerprint)).unwrap(),
            Check::Changed(None)
        ));
    }
}
