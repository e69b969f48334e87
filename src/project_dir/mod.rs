//! The one door to a project's files. Every file Accord reads or writes in a project folder —
//! the project file, schemas, documents, annotation and link files, journals, locks, what an
//! import writes — goes through a [`ProjectDir`], because any of them may come from someone
//! else (a clone, a shared folder) and be a symlink out of the folder, a FIFO, a device or
//! far too large.
//!
//! A path is checked component by component from the project folder down: a component that
//! is a symlink must resolve inside the folder (a broken link is refused too, as writing
//! through it would create its target), `..` and absolute paths are refused. A file is opened
//! only when it is a regular file, without blocking (a FIFO never hangs a read), and read up
//! to a limit the error names. Writes create missing folders one at a time, inside, and
//! replace files atomically ([`atomic`]).
//!
//! `tests/core/architecture.rs` checks that nothing else in the library opens files.

use std::fs::Metadata;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use thiserror::Error;

pub mod atomic;

/// Why a file of the project could not be read or written.
#[derive(Debug, Error)]
pub enum FsError {
    /// The path leaves the project folder (`..`, an absolute path, or a symlink out).
    #[error(
        "{path} is outside the project folder ({detail}): Accord reads and writes only inside it; move the file into the project and use a relative path"
    )]
    Outside {
        /// The path as asked for.
        path: PathBuf,
        /// Why: "it is a link to /etc/passwd", "it contains `..`".
        detail: String,
    },
    /// The path is a FIFO, a device, a socket or a folder where a file is expected.
    #[error("{path} is {kind}, not a file; remove it (it was not written by Accord)")]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is: "a FIFO", "a folder", …
        kind: &'static str,
    },
    /// The file is larger than Accord reads of its kind.
    #[error(
        "{path} is {size} bytes, more than the {limit} bytes Accord reads of {what}; check the file (it was not written by Accord) or move it away"
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (or how much was read before stopping).
        size: u64,
        /// The limit.
        limit: u64,
        /// What kind of file: "an annotation file", "a lock file", …
        what: &'static str,
    },
    /// The operating system refused.
    #[error("cannot {verb} {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// "read", "write", "list", "create".
        verb: &'static str,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

impl FsError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            FsError::Outside { path, .. }
            | FsError::NotAFile { path, .. }
            | FsError::TooLarge { path, .. }
            | FsError::Io { path, .. } => path,
        }
    }

    /// "There is no such file" about `path`.
    pub fn missing(path: &Path) -> Self {
        FsError::Io {
            path: path.to_path_buf(),
            verb: "read",
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "there is no such file; check the name, or remove it from the project's accord.ron",
            ),
        }
    }

    /// The operating system's error, if that is what this is.
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            FsError::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }
}

/// The most Accord reads of one kind of file, and what to call it in an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Bytes.
    pub bytes: u64,
    /// "an annotation file", …
    pub what: &'static str,
}

impl Limit {
    /// `bytes` of a file called `what` in errors ("an annotation file").
    pub const fn new(bytes: u64, what: &'static str) -> Self {
        Self { bytes, what }
    }
}

/// What is at a path, as far as Accord cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A regular file (or a link inside the project to one).
    File,
    /// A folder.
    Folder,
    /// Something else: "a FIFO", "a device", "a socket".
    Other(&'static str),
}

/// A project folder, as given and as it really is on disk: every path handed to its methods
/// is checked to stay inside the real one.
#[derive(Clone, Debug)]
pub struct ProjectDir {
    /// As given.
    root: PathBuf,
    /// Made absolute (symlinks not resolved).
    absolute: PathBuf,
    /// As it really is.
    real: PathBuf,
}

impl ProjectDir {
    /// The project folder `root` (which must exist). Paths given to its methods are paths as
    /// this process sees them (absolute, or relative to the current folder, like `root`) and
    /// must lead into it: [`ProjectDir::path`] makes one from a project-relative name.
    pub fn new(root: &Path) -> std::io::Result<Self> {
        Ok(Self {
            root: root.to_path_buf(),
            absolute: std::path::absolute(root)?,
            real: root.canonicalize()?,
        })
    }

    /// The path of `name` (relative to the project folder, as the project file writes them).
    pub fn path(&self, name: impl AsRef<Path>) -> PathBuf {
        self.root.join(name)
    }

    /// The folder as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` checked to stay inside the folder: the real path to use, with every existing
    /// component resolved. Missing components are allowed (the file is to be created).
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, FsError> {
        self.resolve_looking(path).map(|(real, _)| real)
    }

    /// [`Self::resolve`], with what the look at the path's last component saw when it is
    /// there and no link: the caller need not look again (a project's files are read by the
    /// thousand).
    fn resolve_looking(&self, path: &Path) -> Result<(PathBuf, Option<Metadata>), FsError> {
        let outside = |detail: String| FsError::Outside {
            path: path.to_path_buf(),
            detail,
        };
        let absolute = std::path::absolute(path).map_err(|source| FsError::Io {
            path: path.to_path_buf(),
            verb: "read",
            source,
        })?;
        let rel = absolute
            .strip_prefix(&self.absolute)
            .or_else(|_| absolute.strip_prefix(&self.real))
            .map_err(|_| outside("it is not under the project folder".into()))?;
        let mut at = self.real.clone();
        let mut missing = false;
        let mut last = None;
        for component in rel.components() {
            let name = match component {
                Component::Normal(name) => name,
                Component::CurDir => continue,
                Component::ParentDir => return Err(outside("it contains `..`".into())),
                Component::RootDir | Component::Prefix(_) => {
                    return Err(outside("it is an absolute path".into()));
                }
            };
            at.push(name);
            if missing {
                continue;
            }
            last = None;
            match std::fs::symlink_metadata(&at) {
                // Nothing there (or a file where a folder on the way should be: nothing can).
                Err(e) if absent(&e) => missing = true,
                Err(source) => {
                    return Err(FsError::Io {
                        path: path.to_path_buf(),
                        verb: "read",
                        source,
                    });
                }
                Ok(meta) if meta.file_type().is_symlink() => match at.canonicalize() {
                    Ok(real) if real.starts_with(&self.real) => at = real,
                    Ok(real) => {
                        return Err(outside(format!("it is a link to {}", real.display())));
                    }
                    Err(_) => {
                        let target = std::fs::read_link(&at).unwrap_or_default();
                        return Err(outside(format!(
                            "it is a broken link (to {})",
                            target.display()
                        )));
                    }
                },
                Ok(meta) => last = Some(meta),
            }
        }
        Ok((at, last))
    }

    /// What is at `path`, or `None` when nothing is.
    pub fn kind(&self, path: &Path) -> Result<Option<Kind>, FsError> {
        let (real, looked) = self.resolve_looking(path)?;
        if let Some(meta) = looked {
            return Ok(Some(kind_of(&meta.file_type())));
        }
        match std::fs::symlink_metadata(&real) {
            Ok(meta) => Ok(Some(kind_of(&meta.file_type()))),
            Err(e) if absent(&e) => Ok(None),
            Err(source) => Err(FsError::Io {
                path: path.to_path_buf(),
                verb: "read",
                source,
            }),
        }
    }

    /// True when `path` is a regular file inside the project.
    pub fn is_file(&self, path: &Path) -> bool {
        matches!(self.kind(path), Ok(Some(Kind::File)))
    }

    /// True when `path` is a folder inside the project.
    pub fn is_folder(&self, path: &Path) -> bool {
        matches!(self.kind(path), Ok(Some(Kind::Folder)))
    }

    /// Opens `path` to read at most `limit` bytes, or `None` when there is no such file.
    pub fn open(&self, path: &Path, limit: Limit) -> Result<Option<FileReader>, FsError> {
        let (real, looked) = self.resolve_looking(path)?;
        open_regular(path, &real, looked, limit)
    }

    /// The bytes of `path` (at most `limit`), or `None` when there is no such file.
    pub fn read(&self, path: &Path, limit: Limit) -> Result<Option<Vec<u8>>, FsError> {
        match self.open(path, limit)? {
            Some(reader) => reader.read_all().map(Some),
            None => Ok(None),
        }
    }

    /// The text of `path` (UTF-8, at most `limit` bytes), or `None` when there is no such file.
    pub fn read_to_string(&self, path: &Path, limit: Limit) -> Result<Option<String>, FsError> {
        let Some(bytes) = self.read(path, limit)? else {
            return Ok(None);
        };
        String::from_utf8(bytes).map(Some).map_err(|_| FsError::Io {
            path: path.to_path_buf(),
            verb: "read",
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8"),
        })
    }

    /// The first bytes of `path` (at most `n`), with what `stat` said of it when it was
    /// opened, or `None` when there is no such file. For a file Accord writes small (a lock),
    /// whatever size someone made it: reading more is never needed to judge it.
    pub fn read_prefix(
        &self,
        path: &Path,
        n: u64,
    ) -> Result<Option<(Vec<u8>, std::fs::Metadata)>, FsError> {
        let Some(reader) = self.open(path, Limit::new(u64::MAX - 1, "a file"))? else {
            return Ok(None);
        };
        let metadata = reader.metadata.clone();
        let mut bytes = Vec::new();
        reader
            .file
            .into_inner()
            .take(n)
            .read_to_end(&mut bytes)
            .map_err(|source| FsError::Io {
                path: path.to_path_buf(),
                verb: "read",
                source,
            })?;
        Ok(Some((bytes, metadata)))
    }

    /// Creates the folder `path` and those above it, inside the project; returns its real
    /// path.
    pub fn create_folder(&self, path: &Path) -> Result<PathBuf, FsError> {
        let real = self.resolve(path)?;
        // Every existing component was checked; create the rest one by one.
        let mut at = self.real.clone();
        let rel = real.strip_prefix(&self.real).unwrap_or(&real).to_path_buf();
        for component in rel.components() {
            at.push(component);
            match std::fs::create_dir(&at) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if !std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
                        return Err(FsError::Io {
                            path: path.to_path_buf(),
                            verb: "create",
                            source: std::io::Error::new(
                                std::io::ErrorKind::AlreadyExists,
                                format!("{} is in the way and is not a folder", at.display()),
                            ),
                        });
                    }
                }
                Err(source) => {
                    return Err(FsError::Io {
                        path: path.to_path_buf(),
                        verb: "create",
                        source,
                    });
                }
            }
        }
        Ok(real)
    }

    /// The real path to write `path` at: its folder created inside the project, and the path
    /// itself neither a folder, a FIFO nor a device (a regular file or nothing).
    pub fn writable(&self, path: &Path) -> Result<PathBuf, FsError> {
        let real = self.resolve(path)?;
        if let Some(parent) = real.parent() {
            self.create_folder(parent)?;
        }
        match std::fs::symlink_metadata(&real) {
            Ok(meta) if !meta.is_file() => Err(FsError::NotAFile {
                path: path.to_path_buf(),
                kind: describe(&meta.file_type()),
            }),
            _ => Ok(real),
        }
    }

    /// Writes `bytes` to `path` atomically (the old file or the new one, never a mix).
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), FsError> {
        let real = self.writable(path)?;
        atomic::write_atomic(&real, bytes).map_err(|source| FsError::Io {
            path: path.to_path_buf(),
            verb: "write",
            source,
        })
    }

    /// The entries of folder `path` (names and what they are; symlinks as what they point to
    /// when that is inside, else as [`Kind::Other`]), or none when it does not exist.
    pub fn list(&self, path: &Path) -> Result<Vec<(String, Kind)>, FsError> {
        let real = self.resolve(path)?;
        let entries = match std::fs::read_dir(&real) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(FsError::Io {
                    path: path.to_path_buf(),
                    verb: "list",
                    source,
                });
            }
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let kind = if file_type.is_symlink() {
                match self.kind(&real.join(&name)) {
                    Ok(Some(kind)) => kind,
                    _ => Kind::Other("a link out of the project"),
                }
            } else {
                kind_of(&file_type)
            };
            out.push((name, kind));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Removes the temporary files of writes that never finished — a run killed or crashed
    /// between creating one and renaming it into place — anywhere in the project (links are
    /// not followed, `.git` is not looked into). Only those not changed for
    /// [`atomic::UNFINISHED_AFTER`]: a younger one may be the write of another process that
    /// runs now. Returns those removed, to be reported.
    pub fn remove_unfinished_saves(&self) -> Vec<PathBuf> {
        // Bounded, so a huge tree (a project inside a home folder) costs little.
        const MAX_ENTRIES: usize = 200_000;
        const MAX_DEPTH: usize = 16;
        let now = std::time::SystemTime::now();
        let mut removed = Vec::new();
        let mut seen = 0;
        let mut stack = vec![(PathBuf::new(), 0)];
        while let Some((rel, depth)) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(self.real.join(&rel)) else {
                continue;
            };
            for entry in entries.flatten() {
                seen += 1;
                if seen > MAX_ENTRIES {
                    return removed;
                }
                let (Ok(file_type), Some(name)) = (
                    entry.file_type(),
                    entry.file_name().to_str().map(str::to_owned),
                ) else {
                    continue;
                };
                if file_type.is_dir() && depth < MAX_DEPTH && name != ".git" {
                    stack.push((rel.join(&name), depth + 1));
                } else if file_type.is_file() && atomic::is_temporary(&name) {
                    let old = entry
                        .metadata()
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|m| now.duration_since(m).ok())
                        .is_some_and(|age| age > atomic::UNFINISHED_AFTER);
                    if old && std::fs::remove_file(entry.path()).is_ok() {
                        removed.push(self.root.join(&rel).join(&name));
                    }
                }
            }
        }
        removed.sort();
        removed
    }

    /// Removes the file `path`, if it is one.
    pub fn remove_file(&self, path: &Path) -> Result<(), FsError> {
        let real = self.resolve(path)?;
        match std::fs::remove_file(&real) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(FsError::Io {
                path: path.to_path_buf(),
                verb: "remove",
                source: e,
            }),
            _ => Ok(()),
        }
    }
}

/// Reads a file the user named that belongs to no project (an import source): the same
/// checks as inside one — a regular file, opened without blocking, at most `limit` bytes —
/// but no folder to stay in. `None` when it does not exist.
pub fn read_outside(path: &Path, limit: Limit) -> Result<Option<Vec<u8>>, FsError> {
    match open_regular(path, path, None, limit)? {
        Some(reader) => reader.read_all().map(Some),
        None => Ok(None),
    }
}

/// An open regular file, read up to its limit.
#[derive(Debug)]
pub struct FileReader {
    file: std::io::Take<std::fs::File>,
    path: PathBuf,
    limit: Limit,
    /// The size when it was opened.
    pub size: u64,
    /// What `stat` said when it was opened (size, modification time, inode).
    pub metadata: std::fs::Metadata,
}

impl FileReader {
    /// Reads the whole file (at most the limit: a file that grew past it is refused).
    pub fn read_all(mut self) -> Result<Vec<u8>, FsError> {
        let mut bytes = Vec::with_capacity(usize::try_from(self.size).unwrap_or(0));
        self.file
            .read_to_end(&mut bytes)
            .map_err(|source| FsError::Io {
                path: self.path.clone(),
                verb: "read",
                source,
            })?;
        if bytes.len() as u64 > self.limit.bytes {
            return Err(FsError::TooLarge {
                path: self.path,
                size: bytes.len() as u64,
                limit: self.limit.bytes,
                what: self.limit.what,
            });
        }
        Ok(bytes)
    }

    /// The path it was opened as.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Read for FileReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.file.read(buf)
    }
}

/// Opens `real` (the checked path of `path`) when it is a regular file of at most `limit`
/// bytes; `None` when there is nothing there. `looked`: what the check saw there, if it did.
fn open_regular(
    path: &Path,
    real: &Path,
    looked: Option<Metadata>,
    limit: Limit,
) -> Result<Option<FileReader>, FsError> {
    let io = |source| FsError::Io {
        path: path.to_path_buf(),
        verb: "read",
        source,
    };
    // Look before opening: opening a device can do things, opening a FIFO blocks.
    match looked.map_or_else(|| std::fs::metadata(real), Ok) {
        Err(e) if absent(&e) => return Ok(None),
        Err(e) => return Err(io(e)),
        Ok(meta) if !meta.is_file() => {
            return Err(FsError::NotAFile {
                path: path.to_path_buf(),
                kind: describe(&meta.file_type()),
            });
        }
        Ok(_) => {}
    }
    let file = match open_nonblocking(real) {
        Ok(file) => file,
        // Removed between the look and the open (another process let go of a lock).
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    // And again on what was opened, in case it changed in between.
    let metadata = file.metadata().map_err(io)?;
    if !metadata.is_file() {
        return Err(FsError::NotAFile {
            path: path.to_path_buf(),
            kind: describe(&metadata.file_type()),
        });
    }
    let size = metadata.len();
    if size > limit.bytes {
        return Err(FsError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: limit.bytes,
            what: limit.what,
        });
    }
    Ok(Some(FileReader {
        // One byte more than the limit, so a file that grew past it is noticed.
        file: file.take(limit.bytes + 1),
        path: path.to_path_buf(),
        limit,
        size,
        metadata,
    }))
}

/// Opens a file to read without ever blocking in `open` (a FIFO swapped in after the check
/// opens at once, and is then refused as not a file).
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(std::fs::File::from(fd))
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// True when an error says nothing is there: not found, or a file where a folder on the way
/// should be.
fn absent(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}

fn kind_of(file_type: &std::fs::FileType) -> Kind {
    if file_type.is_file() {
        Kind::File
    } else if file_type.is_dir() {
        Kind::Folder
    } else {
        Kind::Other(describe(file_type))
    }
}

/// What a file type is, for an error message.
fn describe(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a link"
    } else if file_type.is_file() {
        "a file"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_LIMIT: Limit = Limit::new(4096, "a lock file");

    fn project() -> (tempfile::TempDir, ProjectDir) {
        let dir = tempfile::tempdir().unwrap();
        let project = ProjectDir::new(dir.path()).unwrap();
        (dir, project)
    }

    #[test]
    fn paths_inside_resolve_and_paths_out_are_refused() {
        let (dir, p) = project();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a.txt"), "a").unwrap();
        assert!(p.resolve(&p.path("sub/a.txt")).is_ok());
        assert!(
            p.resolve(&p.path("sub/new/b.txt")).is_ok(),
            "missing parts are fine"
        );
        for bad in ["../a.txt", "sub/../../a.txt", "/etc/passwd"] {
            let err = p.resolve(&p.path(bad)).unwrap_err();
            assert!(matches!(err, FsError::Outside { .. }), "{bad}: {err}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_are_refused_at_every_component_and_inside_allowed() {
        use std::os::unix::fs::symlink;
        let (dir, p) = project();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "root:x:0:0").unwrap();
        symlink(outside.path(), dir.path().join("links")).unwrap();
        symlink(outside.path().join("secret"), dir.path().join("a.ron")).unwrap();
        symlink(dir.path().join("nowhere"), dir.path().join("broken")).unwrap();
        std::fs::write(dir.path().join("real.txt"), "ok").unwrap();
        symlink(dir.path().join("real.txt"), dir.path().join("alias.txt")).unwrap();
        for bad in ["links/me.ron", "a.ron", "broken", "broken/x"] {
            let err = p.resolve(&p.path(bad)).unwrap_err();
            assert!(matches!(err, FsError::Outside { .. }), "{bad}: {err}");
            // Neither read nor written.
            assert!(p.read(&p.path(bad), TEST_LIMIT).is_err());
            assert!(p.write(&p.path(bad), b"x").is_err());
        }
        assert_eq!(
            std::fs::read_to_string(outside.path().join("secret")).unwrap(),
            "root:x:0:0"
        );
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
        let err = p
            .read(&p.path("a.ron"), TEST_LIMIT)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("root:x"), "the content is never shown: {err}");
        assert_eq!(
            p.read(&p.path("alias.txt"), TEST_LIMIT).unwrap().unwrap(),
            b"ok"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let (dir, p) = project();
        let fifo = dir.path().join("x.ron");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = p.read(&p.path("x.ron"), TEST_LIMIT).unwrap_err();
        assert!(matches!(err, FsError::NotAFile { .. }), "{err}");
        assert!(err.to_string().contains("FIFO"), "{err}");
        assert!(p.write(&p.path("x.ron"), b"x").is_err());
        assert!(read_outside(&fifo, TEST_LIMIT).is_err());
    }

    #[test]
    fn reads_stop_at_the_limit_and_name_it() {
        let (dir, p) = project();
        std::fs::write(dir.path().join("big.lock"), vec![b'x'; 5000]).unwrap();
        let err = p.read(&p.path("big.lock"), TEST_LIMIT).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("4096") && text.contains("a lock file"),
            "{text}"
        );
        assert_eq!(p.read(&p.path("none.lock"), TEST_LIMIT).unwrap(), None);
    }

    #[test]
    fn writes_create_folders_inside_and_refuse_folders_in_the_way() {
        let (dir, p) = project();
        p.write(&p.path("annotations/alice/a.txt.ron"), b"()")
            .unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("annotations/alice/a.txt.ron")).unwrap(),
            b"()"
        );
        std::fs::create_dir(dir.path().join("annotations/alice/b.txt.ron")).unwrap();
        assert!(matches!(
            p.write(&p.path("annotations/alice/b.txt.ron"), b"()"),
            Err(FsError::NotAFile { .. })
        ));
        let listed = p.list(&p.path("annotations/alice")).unwrap();
        assert_eq!(
            listed,
            vec![
                ("a.txt.ron".to_owned(), Kind::File),
                ("b.txt.ron".to_owned(), Kind::Folder)
            ]
        );
    }
}
