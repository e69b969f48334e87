//! Watching an annotator's files for changes made by others (a git pull, a colleague, Accord
//! on a second machine), with the platform's file events (inotify, FSEvents,
//! ReadDirectoryChangesW, through the `notify` crate).
//!
//! [`DiskWatch`] only names paths that may have changed; it never blocks and decides nothing.
//! The workspace checks each named file against what it last loaded or saved
//! ([`super::Workspace::disk_changes`]), so events for our own saves, or for files whose bytes
//! did not change, come to nothing. Events can be lost (a full event queue, a network file
//! system without events), so the window also calls [`super::Workspace::check_disk`] every
//! few seconds.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, RemoveKind};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use thiserror::Error;

use super::{ANNOTATIONS_DIR, LINKS_DIR};

/// Why a folder cannot be watched.
#[derive(Debug, Error)]
#[error(
    "cannot watch {path} for changes made by others: {source}; they are still found by the regular check, only later"
)]
pub struct DiskWatchError {
    /// The folder.
    pub path: PathBuf,
    /// What the platform said.
    #[source]
    pub source: notify::Error,
}

/// File events for one annotator's annotation folder (`annotations/<annotator>/`, with
/// sub-folders) and link file (`links/<annotator>.ron`). Folders that do not exist yet are
/// watched for from the nearest folder above them that does.
pub struct DiskWatch {
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// The project folder as given, and as the platform may spell it in events.
    root: PathBuf,
    canonical_root: Option<PathBuf>,
    /// `annotations/<annotator>`.
    annotations: PathBuf,
    /// `links/<annotator>.ron`.
    links_file: PathBuf,
    /// The folders watched now, and how.
    watched: Vec<(PathBuf, RecursiveMode)>,
}

impl std::fmt::Debug for DiskWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiskWatch")
            .field("root", &self.root)
            .field("watched", &self.watched)
            .finish_non_exhaustive()
    }
}

impl DiskWatch {
    /// Starts watching `annotator`'s files in the project folder `root` (pass the
    /// workspace's `project.root`: the paths returned are spelled from it).
    pub fn new(root: &Path, annotator: &str) -> Result<Self, DiskWatchError> {
        let (tx, events) = channel();
        let watcher = notify::recommended_watcher(tx).map_err(|source| DiskWatchError {
            path: root.to_path_buf(),
            source,
        })?;
        let mut watch = Self {
            watcher,
            events,
            root: root.to_path_buf(),
            canonical_root: root.canonicalize().ok(),
            annotations: root.join(ANNOTATIONS_DIR).join(annotator),
            links_file: root.join(LINKS_DIR).join(format!("{annotator}.ron")),
            watched: Vec::new(),
        };
        watch.ensure_watches()?;
        Ok(watch)
    }

    /// The paths that may have changed since the last call, without waiting: files, or a
    /// folder when everything in it may have (the project folder itself after lost events).
    /// Pass them to [`super::Workspace::disk_changes`].
    pub fn poll(&mut self) -> Vec<PathBuf> {
        let mut found = BTreeSet::new();
        let mut any = false;
        while let Ok(event) = self.events.try_recv() {
            any = true;
            self.take(event, &mut found);
        }
        self.after_events(any, &mut found);
        found.into_iter().collect()
    }

    /// Like [`Self::poll`], but waits up to `timeout` for something to report (tests, and
    /// tools without a frame loop).
    pub fn poll_timeout(&mut self, timeout: Duration) -> Vec<PathBuf> {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self.poll();
            if !found.is_empty() {
                return found;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let event = match self.events.recv_timeout(left) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    return Vec::new();
                }
            };
            let mut found = BTreeSet::new();
            self.take(event, &mut found);
            self.after_events(true, &mut found);
            if !found.is_empty() {
                found.extend(self.poll());
                return found.into_iter().collect();
            }
        }
    }

    /// After events: folders may have come or gone, so watch what exists now.
    fn after_events(&mut self, any: bool, found: &mut BTreeSet<PathBuf>) {
        if any && let Err(e) = self.ensure_watches() {
            log::warn!("{e}");
            // Whatever happened there is found by checking everything.
            found.insert(self.root.clone());
        }
    }

    /// The folders to watch: each target folder, or while it does not exist the nearest
    /// folder above it (not recursively), to see it come.
    fn wanted(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let links_dir = self.links_file.parent().unwrap_or(&self.root).to_path_buf();
        let mut wanted: Vec<(PathBuf, RecursiveMode)> = Vec::new();
        for (dir, mode) in [
            (self.annotations.clone(), RecursiveMode::Recursive),
            (links_dir, RecursiveMode::NonRecursive),
        ] {
            let target = if dir.is_dir() {
                (dir, mode)
            } else {
                let above = dir
                    .ancestors()
                    .skip(1)
                    .find(|a| a.starts_with(&self.root) && a.is_dir())
                    .unwrap_or(&self.root);
                (above.to_path_buf(), RecursiveMode::NonRecursive)
            };
            if !wanted.contains(&target) {
                wanted.push(target);
            }
        }
        wanted
    }

    fn ensure_watches(&mut self) -> Result<(), DiskWatchError> {
        let wanted = self.wanted();
        for (dir, mode) in std::mem::take(&mut self.watched) {
            if wanted.contains(&(dir.clone(), mode)) && dir.is_dir() {
                self.watched.push((dir, mode));
            } else {
                // It may be gone already, and its watch with it.
                let _ = self.watcher.unwatch(&dir);
            }
        }
        for (dir, mode) in wanted {
            if self.watched.contains(&(dir.clone(), mode)) {
                continue;
            }
            self.watcher
                .watch(&dir, mode)
                .map_err(|source| DiskWatchError {
                    path: dir.clone(),
                    source,
                })?;
            self.watched.push((dir, mode));
        }
        Ok(())
    }

    /// The path as spelled from the project folder given.
    fn spelled(&self, path: &Path) -> PathBuf {
        match &self.canonical_root {
            Some(c) if !path.starts_with(&self.root) => match path.strip_prefix(c) {
                Ok(rel) => self.root.join(rel),
                Err(_) => path.to_path_buf(),
            },
            _ => path.to_path_buf(),
        }
    }

    fn take(&self, event: notify::Result<notify::Event>, found: &mut BTreeSet<PathBuf>) {
        let event = match event {
            Ok(event) => event,
            Err(e) => {
                log::warn!("watching {} for changes: {e}", self.root.display());
                found.insert(self.root.clone());
                return;
            }
        };
        if event.need_rescan() {
            found.insert(self.root.clone());
            return;
        }
        // A file opened or read changed nothing. inotify reports every open, and reading a
        // project reads every annotation file (the team's progress, the suggestions): each
        // read was a check of the file, 100,000 of them after opening a big project.
        if let EventKind::Access(access) = event.kind
            && !matches!(access, AccessKind::Close(AccessMode::Write))
        {
            return;
        }
        let folder = matches!(
            event.kind,
            EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder)
        );
        for path in &event.paths {
            let path = self.spelled(path);
            // A folder on the way to the files (created, removed, renamed): everything in it.
            let on_the_way = self.annotations.starts_with(&path) && path.starts_with(&self.root)
                || self.links_file.parent() == Some(path.as_path());
            let annotation_file = path.starts_with(&self.annotations)
                && (folder || path.extension().is_some_and(|e| e == "ron"));
            if (on_the_way && path != self.root) || annotation_file || path == self.links_file {
                found.insert(path);
            }
        }
    }
}
