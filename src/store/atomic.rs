//! Atomic file writes: a temporary file in the same folder, fsync, rename, fsync the folder.
//!
//! A crash or a failed write leaves either the old file or the new one, never a mix: the old
//! file is only replaced by `rename`, which is atomic on the same file system. A failed write
//! (a full disk, a folder that turned read-only) removes the temporary file again.
//!
//! Permissions: a file that is replaced keeps its mode (a shared `0664` project stays
//! shared); a new file gets what any program creating it would, `0666` less the umask. (The
//! temporary file alone would be `0600`.)

use std::io::Write;
use std::path::Path;

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
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".accord-save-").suffix(".tmp");
    #[cfg(unix)]
    {
        // `open` applies the umask to this mode, as for any new file.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    // A file that is replaced keeps its permissions (`chmod` is not masked by the umask).
    if let Ok(old) = std::fs::metadata(path)
        && old.is_file()
    {
        tmp.as_file().set_permissions(old.permissions())?;
    }
    write(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    let written = tmp.as_file().metadata()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable. Not every platform can open a folder; that is not an error.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(written)
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
