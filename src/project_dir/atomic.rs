//! Atomic file writes: a temporary file in the same folder, fsync, rename, fsync the folder.
//!
//! A crash or a failed write leaves either the old file or the new one, never a mix: the old
//! file is only replaced by `rename`, which is atomic on the same file system. A failed write
//! (a full disk, a folder that turned read-only) removes the temporary file again.
//!
//! Permissions: a file that is replaced keeps its mode (a shared `0664` project stays
//! shared); a new file gets what any program creating it would, `0666` less the umask. (The
//! temporary file alone would be `0600`.)
//!
//! Many files at once ([`stage`] each, then [`commit_batch`]) keep those promises with one
//! flush for the batch instead of two per file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// How the temporary file of a write begins: hidden, so no folder scan takes it for a
/// document (a document is a `*.txt` file).
pub const TEMPORARY_PREFIX: &str = ".accord-save-";

/// How the temporary file of a write ends.
pub const TEMPORARY_SUFFIX: &str = ".tmp";

/// A temporary file of a write not changed for this long was left by a run that stopped
/// before it finished (killed, crashed, a power cut): no write keeps one for more than
/// seconds (written, flushed, renamed; an import's batch of thousands of files takes about a
/// second). Younger ones may be another process's write under way, and are never removed.
pub const UNFINISHED_AFTER: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// True when `name` is the name of a temporary file of a write.
pub fn is_temporary(name: &str) -> bool {
    name.len() > TEMPORARY_PREFIX.len() + TEMPORARY_SUFFIX.len()
        && name.starts_with(TEMPORARY_PREFIX)
        && name.ends_with(TEMPORARY_SUFFIX)
}

/// One sentence that says which unfinished temporary files were removed.
pub fn unfinished_note(removed: &[PathBuf]) -> String {
    let names: Vec<String> = removed.iter().map(|p| p.display().to_string()).collect();
    format!(
        "removed {} unfinished save file{} left by an interrupted run: {}",
        removed.len(),
        if removed.len() == 1 { "" } else { "s" },
        names.join(", ")
    )
}

/// Writes `bytes` to `path` atomically, creating the parent folder if needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// Writes `path` atomically with `write`, which fills the (empty) temporary file. When `write`
/// fails, the temporary file is removed, the old file is left as it was, and its error is
/// returned.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write_atomic_stat(path, write).map(drop)
}

/// Like [`write_atomic_with`], and returns the metadata of the file written, taken from the
/// file itself before it was renamed into place: what `stat` says of `path` afterwards unless
/// someone else replaced it meanwhile (the rename keeps size, inode and modification time).
/// [`super::fingerprint`] records it, so that the workspace never takes its own saves for
/// changes made by others, and never mistakes another program's write right after a save for
/// its own.
pub fn write_atomic_stat(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<std::fs::Metadata> {
    let (mut tmp, dir) = temporary_beside(path)?;
    write(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    let written = tmp.as_file().metadata()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_folder(dir);
    Ok(written)
}

/// A new, empty temporary file in `path`'s folder (created if needed), with the permissions
/// `path` has or, for a new file, those of any new file.
fn temporary_beside(path: &Path) -> std::io::Result<(tempfile::NamedTempFile, &Path)> {
    let dir = folder_of(path);
    std::fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMPORARY_PREFIX).suffix(TEMPORARY_SUFFIX);
    #[cfg(unix)]
    {
        // `open` applies the umask to this mode, as for any new file.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir)?;
    // A file that is replaced keeps its permissions (`chmod` is not masked by the umask).
    if let Ok(old) = std::fs::metadata(path)
        && old.is_file()
    {
        tmp.as_file().set_permissions(old.permissions())?;
    }
    Ok((tmp, dir))
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Makes the renames in `dir` durable. Not every platform can open a folder; that is not an
/// error.
fn sync_folder(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// One file of a batch, written to its temporary file and waiting for [`commit_batch`] to
/// flush it and move it into place. Dropped uncommitted, it removes its temporary file.
#[derive(Debug)]
pub struct StagedFile {
    temporary: tempfile::TempPath,
    path: PathBuf,
}

/// The first step of writing many files at once (an import writes thousands): writes `bytes`
/// to a temporary file beside `path` and closes it, so that a batch holds no open files.
/// Several threads may stage at once.
pub fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<StagedFile> {
    let (mut tmp, _) = temporary_beside(path)?;
    tmp.as_file_mut().write_all(bytes)?;
    // Where the whole file system cannot be flushed at once, each file is flushed here.
    #[cfg(not(target_os = "linux"))]
    tmp.as_file().sync_all()?;
    Ok(StagedFile {
        temporary: tmp.into_temp_path(),
        path: path.to_path_buf(),
    })
}

/// The second step: makes every staged file durable, then renames each into place and makes
/// the renames durable, so each file is replaced atomically, as by [`write_atomic`], and all
/// are on disk when this returns.
///
/// Why not [`write_atomic`] for each: its two flushes per file (the file, then its folder)
/// each wait for the disk; the benchmark's import of 2,000 files took 0.81 s that way and
/// takes 0.59 s this way on our test machine. Here the data of the whole batch is flushed
/// with one `syncfs` per file system on Linux (other systems flush each file as it is
/// staged) before anything is renamed, so a crash still leaves each file old or new, never
/// empty or half written; and each folder is flushed once after the renames. `syncfs` also
/// flushes what other programs wrote to that file system, which costs them nothing and us
/// only the wait.
///
/// On an error, the files renamed so far stay; the others are not written and their
/// temporary files are removed. The error names the file or folder concerned.
pub fn commit_batch(files: Vec<StagedFile>) -> Result<(), (PathBuf, std::io::Error)> {
    let folders: std::collections::BTreeSet<PathBuf> = files
        .iter()
        .map(|f| folder_of(&f.path).to_path_buf())
        .collect();
    #[cfg(target_os = "linux")]
    {
        // One flush per file system: folders on one device share it.
        let mut devices = std::collections::HashSet::new();
        let mut flush = |dir: &Path| -> std::io::Result<()> {
            use std::os::unix::fs::MetadataExt;
            let d = std::fs::File::open(dir)?;
            if devices.insert(d.metadata()?.dev()) {
                rustix::fs::syncfs(&d)?;
            }
            Ok(())
        };
        for dir in &folders {
            flush(dir).map_err(|e| (dir.clone(), e))?;
        }
    }
    for file in files {
        let StagedFile { temporary, path } = file;
        temporary.persist(&path).map_err(|e| (path, e.error))?;
    }
    for dir in &folders {
        sync_folder(dir);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.ron");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a")).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keep.ron");
        write_atomic(&path, b"old").unwrap();
        // A folder where the file should go makes the rename fail.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("x"), b"").unwrap();
        assert!(write_atomic(&blocked, b"new").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// A disk that fills up half way through the write: the error comes back as it is, the old
    /// file is untouched and the half-written temporary file is gone.
    #[test]
    fn a_full_disk_during_the_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keep.ron");
        write_atomic(&path, b"old contents").unwrap();
        let err = write_atomic_with(&path, |file| {
            file.write_all(b"new conte")?;
            Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
        })
        .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::StorageFull);
        assert_eq!(std::fs::read(&path).unwrap(), b"old contents");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_batch_writes_every_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(&dir.path().join("docs/old.txt"), b"old").unwrap();
        let mut staged = Vec::new();
        for i in 0..50 {
            let path = dir.path().join(format!("docs/{i}.txt"));
            staged.push(stage(&path, format!("text {i}").as_bytes()).unwrap());
        }
        staged.push(stage(&dir.path().join("docs/old.txt"), b"new").unwrap());
        staged.push(stage(&dir.path().join("annotations/a/0.ron"), b"(x)").unwrap());
        // Nothing is in place before the commit.
        assert!(!dir.path().join("docs/7.txt").exists());
        assert_eq!(
            std::fs::read(dir.path().join("docs/old.txt")).unwrap(),
            b"old"
        );
        commit_batch(staged).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("docs/7.txt")).unwrap(),
            b"text 7"
        );
        assert_eq!(
            std::fs::read(dir.path().join("docs/old.txt")).unwrap(),
            b"new"
        );
        assert_eq!(names_in(&dir.path().join("annotations/a")), ["0.ron"]);
        assert_eq!(names_in(&dir.path().join("docs")).len(), 51);
    }

    #[test]
    fn a_batch_dropped_before_its_commit_leaves_the_folder_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        write_atomic(&dir.path().join("keep.txt"), b"old").unwrap();
        let staged = vec![
            stage(&dir.path().join("keep.txt"), b"new").unwrap(),
            stage(&dir.path().join("other.txt"), b"other").unwrap(),
        ];
        drop(staged);
        assert_eq!(names_in(dir.path()), ["keep.txt"]);
        assert_eq!(std::fs::read(dir.path().join("keep.txt")).unwrap(), b"old");
    }

    /// A rename that fails half way through: the files before it are in place, the one that
    /// failed is named, and no temporary file is left behind.
    #[test]
    fn a_failed_rename_names_the_file_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("x"), b"").unwrap();
        let staged = vec![
            stage(&dir.path().join("a.txt"), b"a").unwrap(),
            stage(&blocked, b"b").unwrap(),
            stage(&dir.path().join("c.txt"), b"c").unwrap(),
        ];
        let (path, _) = commit_batch(staged).unwrap_err();
        assert_eq!(path, blocked);
        assert_eq!(names_in(dir.path()), ["a.txt", "blocked"]);
    }

    /// Staging closes each file: an import of thousands of documents must not run out of file
    /// descriptors (1,024 by default) before its commit.
    #[cfg(target_os = "linux")]
    #[test]
    fn staged_files_hold_no_file_descriptor() {
        let open = || std::fs::read_dir("/proc/self/fd").unwrap().count();
        let dir = tempfile::tempdir().unwrap();
        let before = open();
        let staged: Vec<StagedFile> = (0..200)
            .map(|i| stage(&dir.path().join(format!("{i}")), b"x").unwrap())
            .collect();
        // Other tests run in threads of this process and open files too: allow them some.
        assert!(open() < before + 50, "{} open, {before} before", open());
        commit_batch(staged).unwrap();
        assert_eq!(names_in(dir.path()).len(), 200);
    }

    #[cfg(unix)]
    mod modes {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

        use super::*;

        fn mode(path: &Path) -> u32 {
            std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
        }

        #[test]
        fn a_replaced_file_keeps_its_mode() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("a.ron");
            for old_mode in [0o644, 0o640, 0o664, 0o600, 0o444] {
                std::fs::write(&path, b"old").unwrap();
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(old_mode)).unwrap();
                write_atomic(&path, b"new").unwrap();
                assert_eq!(std::fs::read(&path).unwrap(), b"new");
                assert_eq!(mode(&path), old_mode, "{old_mode:o}");
                std::fs::remove_file(&path).unwrap();
            }
        }

        #[test]
        fn a_batch_keeps_modes_as_a_single_write_does() {
            let dir = tempfile::tempdir().unwrap();
            let old = dir.path().join("old.ron");
            std::fs::write(&old, b"old").unwrap();
            std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
            let single = dir.path().join("single.ron");
            write_atomic(&single, b"x").unwrap();
            let new = dir.path().join("new.ron");
            commit_batch(vec![
                stage(&old, b"new").unwrap(),
                stage(&new, b"x").unwrap(),
            ])
            .unwrap();
            assert_eq!(mode(&old), 0o640);
            assert_eq!(mode(&new), mode(&single));
        }

        #[test]
        fn a_new_file_follows_the_umask() {
            let dir = tempfile::tempdir().unwrap();
            // What any program gets for a new file here: 0666 less this process's umask.
            let probe = dir.path().join("probe");
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o666)
                .open(&probe)
                .unwrap();
            let path = dir.path().join("new.ron");
            write_atomic(&path, b"x").unwrap();
            assert_eq!(mode(&path), mode(&probe));
        }
    }
}
